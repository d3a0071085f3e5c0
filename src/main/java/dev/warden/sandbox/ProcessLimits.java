package dev.warden.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * What a runner applies when a caller does not say otherwise, and the ceilings it never exceeds.
 * Built once from configuration.
 *
 * @param defaultTimeout wall-clock time a command gets when the caller names none
 * @param maxTimeout     the longest wall-clock time any command gets; longer requests are cut to it
 * @param outputCapBytes bytes kept per stream (stdout, stderr): the first and last half of it
 * @param limits         rlimits set on every command
 * @param killGrace      time between SIGTERM and SIGKILL when a command is stopped
 */
public record ProcessLimits(Duration defaultTimeout, Duration maxTimeout, int outputCapBytes,
                            ResourceLimits limits, Duration killGrace) {

    public ProcessLimits {
        Objects.requireNonNull(defaultTimeout);
        Objects.requireNonNull(maxTimeout);
        Objects.requireNonNull(limits);
        Objects.requireNonNull(killGrace);
        if (defaultTimeout.isNegative() || defaultTimeout.isZero() || maxTimeout.compareTo(defaultTimeout) < 0) {
            throw new IllegalArgumentException("need 0 < defaultTimeout <= maxTimeout");
        }
        if (outputCapBytes < 0) throw new IllegalArgumentException("outputCapBytes must be >= 0");
    }

    /** 30 s by default, 10 min at most, 1 MiB per stream, 10 min of CPU, 1024 open files, 2 s grace. */
    public static ProcessLimits defaults() {
        return new ProcessLimits(Duration.ofSeconds(30), Duration.ofMinutes(10), 1 << 20,
                new ResourceLimits(600, 1024), Duration.ofSeconds(2));
    }

    public ProcessLimits withLimits(ResourceLimits newLimits) {
        return new ProcessLimits(defaultTimeout, maxTimeout, outputCapBytes, newLimits, killGrace);
    }

    public ProcessLimits withOutputCap(int bytes) {
        return new ProcessLimits(defaultTimeout, maxTimeout, bytes, limits, killGrace);
    }

    public ProcessLimits withKillGrace(Duration grace) {
        return new ProcessLimits(defaultTimeout, maxTimeout, outputCapBytes, limits, grace);
    }

    /** A spec for {@code command} in {@code cwd} with these defaults and no extra environment or stdin. */
    public ProcessSpec spec(Command command, Path cwd) {
        return new ProcessSpec(command, cwd, Map.of(), new byte[0], defaultTimeout, outputCapBytes, limits);
    }
}
