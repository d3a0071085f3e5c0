package dev.warden.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.BooleanSupplier;

/**
 * Drains one output stream of a process on its own thread, so a chatty process never blocks on a
 * full pipe, and keeps the first and last half of the cap.
 *
 * <p>The JDK closes a process's output pipe as soon as the process exits, after taking what is
 * buffered, unless a reader holds the stream's monitor in {@code read}. The drain loop therefore
 * holds that monitor from its start to the pipe's real end, on a platform thread that starts at
 * once (a virtual thread may wait for a carrier longer than a short command runs): the end of the
 * stream then means that every writer closed it, which is how {@link RunningProcess} knows that a
 * background child still holds the output.
 */
final class OutputCapture {
    private static final int CHUNK = 16 * 1024;

    private final int headCap;
    private final int tailCap;
    private byte[] head = new byte[0];
    private int headLen;
    private byte[] tail;
    private int tailNext;
    private int tailLen;
    private long total;
    private final OutputSink sink;
    private final OutputSink.Stream stream;
    private final Thread reader;
    private final BooleanSupplier writerAlive;
    private volatile boolean startedLate;

    private OutputCapture(InputStream in, int cap, String name, BooleanSupplier writerAlive, OutputSink sink,
                          OutputSink.Stream stream) {
        this.headCap = cap - cap / 2;
        this.tailCap = cap / 2;
        this.writerAlive = writerAlive;
        this.sink = sink;
        this.stream = stream;
        this.reader = Thread.ofPlatform().daemon().name(name).start(() -> drain(in));
    }

    /** Drains {@code in}, the output of a process for which {@code writerAlive} tells whether it still runs. */
    static OutputCapture start(InputStream in, int cap, String name, BooleanSupplier writerAlive) {
        return new OutputCapture(in, cap, name, writerAlive, OutputSink.NONE, OutputSink.Stream.STDOUT);
    }

    /** As {@link #start(InputStream, int, String, BooleanSupplier)}, and every chunk read also goes to {@code sink}, uncapped. */
    static OutputCapture start(InputStream in, int cap, String name, BooleanSupplier writerAlive, OutputSink sink,
                               OutputSink.Stream stream) {
        return new OutputCapture(in, cap, name, writerAlive, sink, stream);
    }

    /**
     * True when the process had already exited before this capture held the stream: the JDK may
     * then have closed the pipe itself, so the end of the stream says nothing about whether a
     * background child still holds it.
     */
    boolean endUncertain() {
        return startedLate;
    }

    /** True once the stream reached its end (every writer closed it) within {@code wait}. */
    boolean awaitEnd(Duration wait) {
        try {
            return reader.join(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !reader.isAlive();
        }
    }

    private void drain(InputStream in) {
        var buf = new byte[CHUNK];
        try (in) {
            synchronized (in) {
                // The JDK marks the process exited before it takes the monitor to close the pipe: alive now means it has not.
                if (!writerAlive.getAsBoolean()) startedLate = true;
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (n > 0) {
                        append(buf, n);
                        sink.accept(stream, buf, 0, n);
                    }
                }
            }
        } catch (IOException e) {
            // The stream was closed under us: what was read so far is the output.
        }
    }

    /** Bytes read from the stream so far, kept or dropped. */
    synchronized long total() {
        return total;
    }

    private synchronized void append(byte[] buf, int len) {
        total += len;
        int off = 0;
        if (headLen < headCap) {
            int take = Math.min(len, headCap - headLen);
            if (headLen + take > head.length) {
                head = Arrays.copyOf(head, Math.min(headCap, Math.max(headLen + take, head.length * 2)));
            }
            System.arraycopy(buf, 0, head, headLen, take);
            headLen += take;
            off = take;
        }
        int rest = len - off;
        if (rest == 0 || tailCap == 0) return;
        if (tail == null) tail = new byte[tailCap];
        if (rest > tailCap) {
            off += rest - tailCap;
            rest = tailCap;
        }
        int first = Math.min(rest, tailCap - tailNext);
        System.arraycopy(buf, off, tail, tailNext, first);
        System.arraycopy(buf, off + first, tail, 0, rest - first);
        tailNext = (tailNext + rest) % tailCap;
        tailLen = Math.min(tailCap, tailLen + rest);
    }

    synchronized CapturedOutput snapshot() {
        var keptHead = Arrays.copyOf(head, headLen);
        var keptTail = new byte[tailLen];
        if (tailLen > 0) {
            int start = tailLen < tailCap ? 0 : tailNext;
            int first = Math.min(tailLen, tailCap - start);
            System.arraycopy(tail, start, keptTail, 0, first);
            System.arraycopy(tail, 0, keptTail, first, tailLen - first);
        }
        return new CapturedOutput(keptHead, keptTail, total);
    }
}
