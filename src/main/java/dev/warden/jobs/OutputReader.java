package dev.warden.jobs;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.warden.action.ActionException;
import dev.warden.action.Caller;
import dev.warden.action.ErrorKind;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Reads a job's output, from its ring while this Warden runs it or from the stored tail otherwise,
 * and remembers where each reader's last read of each job ended, for {@link ReadFrom.SinceLast}.
 */
final class OutputReader {
    private static final Duration STORE_POLL = Duration.ofMillis(250);

    /** Reader and job -> the offset after the reader's last read; a day without reads forgets it. */
    private final Cache<String, Long> cursors =
            Caffeine.newBuilder().expireAfterAccess(Duration.ofDays(1)).maximumSize(100_000).build();

    OutputRead fromRing(Caller reader, Job job, ReadFrom from, int maxBytes, Duration wait) {
        var ring = job.ring();
        long start = startOf(reader, job.id(), from, ring.end(), ring.start(), maxBytes, () -> ring.lineStart(lineCount(from)));
        if (!wait.isZero() && start >= ring.end()) {
            try {
                ring.awaitBeyond(start, wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // The record first: once it says the job ended, every byte of output is in the ring (the process's
        // streams were drained before its end was recorded), even if the ring is not closed yet.
        var record = job.record();
        var slice = ring.read(start, maxBytes);
        if (record.status() != JobStatus.RUNNING) slice = slice.ended();
        return remember(reader, new OutputRead(record, slice, slice.text(), false));
    }

    /**
     * From the store, which {@code fetch} reads afresh; a job that runs in another process is
     * polled for new output for up to {@code wait}.
     */
    OutputRead fromStore(Caller reader, String id, ReadFrom from, int maxBytes, Duration wait,
                         Supplier<JobStore.Stored> fetch) {
        var stored = fetch.get();
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            var r = stored.record();
            var tail = stored.tail();
            long end = r.outputBytes();
            long first = r.firstOffset();
            long start = startOf(reader, id, from, end, first, maxBytes, () -> first + lineStart(tail, lineCount(from)));
            boolean running = r.status() == JobStatus.RUNNING;
            if (start >= end && running && System.nanoTime() < deadline && pause()) {
                stored = fetch.get();
                continue;
            }
            long at = Math.min(Math.max(start, first), end);
            int length = (int) Math.min(maxBytes, end - at);
            var bytes = Arrays.copyOfRange(tail, (int) (at - first), (int) (at - first) + length);
            var slice = new OutputSlice(start, at, bytes, first, end, !running);
            return remember(reader, new OutputRead(r, slice, slice.text(), true));
        }
    }

    private OutputRead remember(Caller reader, OutputRead read) {
        cursors.put(key(reader, read.job().id()), read.text().nextOffset());
        return read;
    }

    /** Where a read starts; a tail longer than {@code maxBytes} is cut to its end, which is what a tail is for. */
    private long startOf(Caller reader, String id, ReadFrom from, long end, long first, int maxBytes, LongSupplier lines) {
        long start = switch (from) {
            case ReadFrom.Offset o -> o.offset();
            case ReadFrom.SinceLast s -> {
                var cursor = cursors.getIfPresent(key(reader, id));
                yield cursor == null ? 0 : Math.min(cursor, end);
            }
            case ReadFrom.TailBytes t -> Math.max(first, end - Math.min(t.bytes(), maxBytes));
            case ReadFrom.TailLines t -> Math.max(lines.getAsLong(), end - maxBytes);
        };
        if (start > end) {
            throw new ActionException(ErrorKind.BAD_INPUT, "offset_beyond_end",
                    "Offset " + start + " is past the end of job " + id + "'s output (" + end + " bytes so far).",
                    "Continue from the nextOffset of your last read, or read with sinceLast: true.");
        }
        return start;
    }

    private static int lineCount(ReadFrom from) {
        return from instanceof ReadFrom.TailLines t ? t.lines() : 0;
    }

    /** Index in {@code bytes} where their last {@code lines} lines begin. */
    private static long lineStart(byte[] bytes, int lines) {
        var ring = new OutputRing(Math.max(1, bytes.length));
        ring.append(bytes, 0, bytes.length);
        return ring.lineStart(lines);
    }

    private static String key(Caller reader, String id) {
        return id + '\u0000' + reader.id();
    }

    /** Waits one poll; false when interrupted (the interrupt is kept). */
    private static boolean pause() {
        try {
            Thread.sleep(STORE_POLL);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
