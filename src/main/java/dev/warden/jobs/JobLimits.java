package dev.warden.jobs;

import dev.warden.sandbox.ProcessLimits;
import dev.warden.sandbox.ResourceLimits;
import java.time.Duration;
import java.util.Objects;

/**
 * The bounds background jobs run in, built once at start-up.
 *
 * @param ringBytes        output kept in memory per job (the newest bytes; older ones are dropped and counted)
 * @param storedTailBytes  the newest output stored with the job, for readers in another process and after a restart
 * @param defaultTimeout   wall-clock time a job gets when it names none
 * @param maxTimeout       the longest wall-clock time a job may ask for
 * @param maxRunning       jobs running at once in this Warden; more are refused until one ends
 * @param flushInterval    how often the stored output of running jobs is brought up to date
 * @param cancelGrace      default time between SIGTERM and SIGKILL for {@code job.cancel}
 * @param shutdownGrace    time between SIGTERM and SIGKILL for jobs still running when Warden closes
 * @param retainFinished   ended jobs whose whole ring stays in memory; older ones are read from the store
 * @param openFiles        open-file rlimit of every job (no CPU-time rlimit: a job's bound is its wall clock)
 */
public record JobLimits(int ringBytes, int storedTailBytes, Duration defaultTimeout, Duration maxTimeout, int maxRunning,
                        Duration flushInterval, Duration cancelGrace, Duration shutdownGrace, int retainFinished,
                        int openFiles) {

    public JobLimits {
        Objects.requireNonNull(defaultTimeout);
        Objects.requireNonNull(maxTimeout);
        Objects.requireNonNull(flushInterval);
        Objects.requireNonNull(cancelGrace);
        Objects.requireNonNull(shutdownGrace);
        if (ringBytes < 1024) throw new IllegalArgumentException("ringBytes must be at least 1024");
        if (storedTailBytes < 0 || storedTailBytes > ringBytes) {
            throw new IllegalArgumentException("need 0 <= storedTailBytes <= ringBytes");
        }
        if (defaultTimeout.isNegative() || defaultTimeout.isZero() || maxTimeout.compareTo(defaultTimeout) < 0) {
            throw new IllegalArgumentException("need 0 < defaultTimeout <= maxTimeout");
        }
        if (maxRunning < 1 || retainFinished < 0 || openFiles < 0) throw new IllegalArgumentException("bad counts");
    }

    /** 1 MiB of output per job, 64 KiB stored, 24 h at most (and by default), 32 at once, flushed every second. */
    public static JobLimits defaults() {
        return new JobLimits(1 << 20, 64 << 10, Duration.ofHours(24), Duration.ofHours(24), 32, Duration.ofSeconds(1),
                Duration.ofSeconds(5), Duration.ofSeconds(2), 20, 1024);
    }

    public JobLimits withRingBytes(int bytes) {
        return new JobLimits(bytes, Math.min(storedTailBytes, bytes), defaultTimeout, maxTimeout, maxRunning, flushInterval,
                cancelGrace, shutdownGrace, retainFinished, openFiles);
    }

    public JobLimits withMaxRunning(int count) {
        return new JobLimits(ringBytes, storedTailBytes, defaultTimeout, maxTimeout, count, flushInterval, cancelGrace,
                shutdownGrace, retainFinished, openFiles);
    }

    /**
     * What the process runner applies to jobs: their own ceiling on wall-clock time, no capped
     * capture (the ring keeps the output) and the open-file rlimit.
     */
    public ProcessLimits processLimits() {
        return new ProcessLimits(defaultTimeout, maxTimeout, 0, new ResourceLimits(0, openFiles), cancelGrace);
    }
}
