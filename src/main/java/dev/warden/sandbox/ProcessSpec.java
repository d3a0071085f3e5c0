package dev.warden.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * One process to run and the bounds it runs in. Build one with {@link ProcessLimits#spec} and
 * adjust it with the {@code with*} methods.
 *
 * @param command        what to run
 * @param cwd            an existing directory the command starts in
 * @param env            variables added to (or replacing) the runner's minimal environment
 * @param stdin          bytes written to the command's standard input, which is then closed; empty closes it at once
 * @param timeout        wall-clock limit for the whole process group
 * @param outputCapBytes bytes kept per stream
 * @param limits         rlimits for the command
 */
public record ProcessSpec(Command command, Path cwd, Map<String, String> env, byte[] stdin,
                          Duration timeout, int outputCapBytes, ResourceLimits limits) {

    public ProcessSpec {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(cwd, "cwd");
        env = Map.copyOf(env);
        stdin = stdin == null ? new byte[0] : stdin;
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(limits, "limits");
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive");
        if (outputCapBytes < 0) throw new IllegalArgumentException("outputCapBytes must be >= 0");
    }

    public ProcessSpec withEnv(Map<String, String> newEnv) {
        return new ProcessSpec(command, cwd, newEnv, stdin, timeout, outputCapBytes, limits);
    }

    public ProcessSpec withStdin(byte[] bytes) {
        return new ProcessSpec(command, cwd, env, bytes, timeout, outputCapBytes, limits);
    }

    public ProcessSpec withTimeout(Duration newTimeout) {
        return new ProcessSpec(command, cwd, env, stdin, newTimeout, outputCapBytes, limits);
    }

    public ProcessSpec withOutputCap(int bytes) {
        return new ProcessSpec(command, cwd, env, stdin, timeout, bytes, limits);
    }

    public ProcessSpec withLimits(ResourceLimits newLimits) {
        return new ProcessSpec(command, cwd, env, stdin, timeout, outputCapBytes, newLimits);
    }
}
