package dev.warden.jobs;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The newest output of one job, at most {@code capacity} bytes, addressed by absolute byte offsets
 * from the job's first byte: offset {@code o} stays the same byte for as long as it is kept, so a
 * reader resumes where it stopped and learns exactly how much it missed when it fell behind.
 *
 * <p>The buffer grows as output arrives (a quiet job costs a few KiB, not the capacity) and becomes
 * circular once full. Readers may wait for bytes beyond an offset; {@link #close} wakes them for good.
 */
final class OutputRing {
    private static final int INITIAL_BYTES = 4096;

    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private byte[] buf = new byte[0];
    /** Offset of the next byte to be written: every byte ever written, kept or dropped. */
    private long end;
    private boolean closed;

    OutputRing(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be positive");
        this.capacity = capacity;
    }

    int capacity() {
        return capacity;
    }

    void append(byte[] bytes, int offset, int length) {
        if (length <= 0) return;
        lock.lock();
        try {
            if (length > capacity) {
                // Only the newest bytes can be kept; the rest count as written and dropped.
                end += length - capacity;
                offset += length - capacity;
                length = capacity;
            }
            ensureRoom(length);
            int pos = (int) (end % capacity);
            int first = Math.min(length, capacity - pos);
            System.arraycopy(bytes, offset, buf, pos, first);
            System.arraycopy(bytes, offset + first, buf, 0, length - first);
            end += length;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Until the buffer reaches its capacity nothing has wrapped, so a byte's index is its offset;
     * growing keeps that true by copying in place.
     */
    private void ensureRoom(int length) {
        if (buf.length == capacity) return;
        long needed = end + length;
        if (needed <= buf.length) return;
        int size = (int) Math.min(capacity, Math.max(needed, Math.max(INITIAL_BYTES, (long) buf.length * 2)));
        buf = java.util.Arrays.copyOf(buf, size);
    }

    /** Offset of the next byte to be written: how much was written in all. */
    long end() {
        lock.lock();
        try {
            return end;
        } finally {
            lock.unlock();
        }
    }

    /** Offset of the oldest byte still kept. */
    long start() {
        lock.lock();
        try {
            return Math.max(0, end - capacity);
        } finally {
            lock.unlock();
        }
    }

    boolean closed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** No more output will come (the job ended); waiting readers return. */
    void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Up to {@code max} bytes from {@code from}, or from the oldest kept byte when {@code from} was
     * already dropped. {@code from} beyond the end reads nothing.
     */
    OutputSlice read(long from, int max) {
        lock.lock();
        try {
            long start = Math.max(0, end - capacity);
            long first = Math.min(Math.max(from, start), end);
            int length = (int) Math.min(max, end - first);
            var out = new byte[length];
            if (length > 0) {
                int pos = (int) (first % capacity);
                int head = Math.min(length, capacity - pos);
                System.arraycopy(buf, pos, out, 0, head);
                System.arraycopy(buf, 0, out, head, length - head);
            }
            return new OutputSlice(from, first, out, start, end, closed);
        } finally {
            lock.unlock();
        }
    }

    /** Offset where the last {@code lines} lines begin (a final newline ends the last line, it does not start one). */
    long lineStart(int lines) {
        lock.lock();
        try {
            long start = Math.max(0, end - capacity);
            if (lines <= 0) return end;
            long o = end - 1;
            if (o >= start && byteAt(o) == '\n') o--;
            int seen = 0;
            for (; o >= start; o--) {
                if (byteAt(o) == '\n' && ++seen == lines) return o + 1;
            }
            return start;
        } finally {
            lock.unlock();
        }
    }

    private byte byteAt(long offset) {
        return buf[(int) (offset % capacity)];
    }

    /** Waits until there is output beyond {@code offset} or the ring is closed; true when there is output. */
    boolean awaitBeyond(long offset, Duration wait) throws InterruptedException {
        long nanos = wait.toNanos();
        lock.lock();
        try {
            while (end <= offset && !closed && nanos > 0) nanos = changed.awaitNanos(nanos);
            return end > offset;
        } finally {
            lock.unlock();
        }
    }

    /** The newest {@code max} bytes kept, for storing with the job. */
    byte[] newest(int max) {
        lock.lock();
        try {
            return read(Math.max(0, end - max), max).bytes();
        } finally {
            lock.unlock();
        }
    }
}
