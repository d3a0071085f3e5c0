package dev.warden.jobs;

/** Where a read of a job's output starts. */
public sealed interface ReadFrom {

    /** At an absolute byte offset (0 is the job's first byte). */
    record Offset(long offset) implements ReadFrom {
        public Offset {
            if (offset < 0) throw new IllegalArgumentException("offset must be >= 0");
        }
    }

    /** Where the same reader's previous read of this job ended (the start, for a first read). */
    record SinceLast() implements ReadFrom {}

    /** At the start of the last {@code lines} lines. */
    record TailLines(int lines) implements ReadFrom {}

    /** At the last {@code bytes} bytes. */
    record TailBytes(long bytes) implements ReadFrom {}
}
