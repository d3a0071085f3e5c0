package dev.warden.api.mcp;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Newline-delimited lines to a stream from many threads at once. Each sender queues its bytes,
 * which never fails and never spins, then writes what has gathered and flushes once, unless
 * another sender is writing: that one writes it too before it lets go. A lone line so leaves on
 * the thread that made it, without waking another; under load many lines share a write.
 */
final class LineWriter {
    private final OutputStream out;
    private final Consumer<IOException> broken;
    private final Queue<byte[]> queued = new ConcurrentLinkedQueue<>();
    // Held by the one sender writing to `out`; the others leave their lines in `queued` to it.
    private final ReentrantLock writing = new ReentrantLock();

    /** {@code broken} runs once writing has failed (the reader is gone); later lines are dropped. */
    LineWriter(OutputStream out, Consumer<IOException> broken) {
        this.out = new BufferedOutputStream(out, 64 * 1024);
        this.broken = broken;
    }

    /** Queues {@code line} (without its line break) and writes, unless another thread is writing it. */
    void send(byte[] line) {
        queued.add(line);
        writeQueued();
    }

    /** Queues {@code line} and writes it on another thread: for a sender that must not wait on a slow reader. */
    void sendLater(byte[] line) {
        queued.add(line);
        Thread.startVirtualThread(this::writeQueued);
    }

    /** Waits for a sender still writing, then writes what is left. */
    void drain() {
        writing.lock();
        try {
            writeAll();
        } finally {
            writing.unlock();
        }
    }

    /**
     * Writes every queued line and flushes once, unless another thread is writing. The check after
     * letting go catches a line queued while this thread was finishing: its sender found the lock
     * taken and left the line to this one.
     */
    private void writeQueued() {
        while (!queued.isEmpty() && writing.tryLock()) {
            try {
                writeAll();
            } finally {
                writing.unlock();
            }
        }
    }

    // Only with `writing` held.
    private void writeAll() {
        try {
            for (var line = queued.poll(); line != null; line = queued.poll()) {
                out.write(line);
                out.write('\n');
            }
            out.flush();
        } catch (IOException e) {
            queued.clear();
            broken.accept(e);
        }
    }
}
