package dev.warden.sandbox;

/**
 * Receives a process's output as it is read, before any output cap applies: for callers that keep
 * or stream the output themselves (background jobs). Called from the reader thread of each
 * stream, so stdout and stderr chunks may arrive concurrently; an implementation must be
 * thread-safe and quick (it holds up the process once the pipe is full).
 */
@FunctionalInterface
public interface OutputSink {

    /** Nothing is passed on; only the capped capture of {@link ProcessResult} keeps output. */
    OutputSink NONE = (stream, bytes, offset, length) -> { };

    enum Stream { STDOUT, STDERR }

    /** {@code bytes[offset, offset + length)} were just read from {@code stream}; the array is reused afterwards. */
    void accept(Stream stream, byte[] bytes, int offset, int length);
}
