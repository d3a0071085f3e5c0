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
 * @param stdin          bytes written to the command's standard input, which is then closed (unless
 *                       {@code stdinOpen}); empty closes it at once
 * @param timeout        wall-clock limit for the whole process group
 * @param outputCapBytes bytes kept per stream
 * @param limits         rlimits for the command
 * @param output         receives every byte of output as it is read, besides the capped capture
 * @param stdinOpen      keep standard input open after {@code stdin} was written, for
 *                       {@link RunningProcess#writeInput}; a process reading it then waits for more
 */
public record ProcessSpec(Command command, Path cwd, Map<String, String> env, byte[] stdin,
                          Duration timeout, int outputCapBytes, ResourceLimits limits,
                          OutputSink output, boolean stdinOpen) {

    public ProcessSpec(Command command, Path cwd, Map<String, String> env, byte[] stdin,
                       Duration timeout, int outputCapBytes, ResourceLimits limits) {
        this(command, cwd, env, stdin, timeout, outputCapBytes, limits, OutputSink.NONE, false);
    }

    public ProcessSpec {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(cwd, "cwd");
        env = Map.copyOf(env);
        stdin = stdin == null ? new byte[0] : stdin;
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(limits, "limits");
        output = output == null ? OutputSink.NONE : output;
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive");
        if (outputCapBytes < 0) throw new IllegalArgumentException("outputCapBytes must be >= 0");
    }

    public ProcessSpec withEnv(Map<String, String> newEnv) {
        return new ProcessSpec(command, cwd, newEnv, stdin, timeout, outputCapBytes, limits, output, stdinOpen);
    }

    public ProcessSpec withStdin(byte[] bytes) {
        return new ProcessSpec(command, cwd, env, bytes, timeout, outputCapBytes, limits, output, stdinOpen);
    }

    public ProcessSpec withTimeout(Duration newTimeout) {
        return new ProcessSpec(command, cwd, env, stdin, newTimeout, outputCapBytes, limits, output, stdinOpen);
    }

    public ProcessSpec withOutputCap(int bytes) {
        return new ProcessSpec(command, cwd, env, stdin, timeout, bytes, limits, output, stdinOpen);
    }

    public ProcessSpec withLimits(ResourceLimits newLimits) {
        return new ProcessSpec(command, cwd, env, stdin, timeout, outputCapBytes, newLimits, output, stdinOpen);
    }

    public ProcessSpec withOutput(OutputSink sink) {
        return new ProcessSpec(command, cwd, env, stdin, timeout, outputCapBytes, limits, sink, stdinOpen);
    }

    public ProcessSpec withStdinOpen(boolean open) {
        return new ProcessSpec(command, cwd, env, stdin, timeout, outputCapBytes, limits, output, open);
    }
}
