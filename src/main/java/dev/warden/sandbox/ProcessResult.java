package dev.warden.sandbox;

import java.util.List;
import java.util.OptionalInt;

/**
 * How a process ended and what it wrote.
 *
 * @param exitCode   the exit status; a process ended by a signal reports 128 + the signal number
 * @param timedOut   the wall-clock limit was reached and the process group was stopped
 * @param cancelled  the caller cancelled the run and the process group was stopped
 * @param durationMs from start until the process ended and its output was collected
 * @param level      the sandbox level the process ran at ({@code process}, later {@code isolated}, {@code preview})
 * @param enforced   the limits that were actually in force, e.g. {@code rlimit_cpu_seconds=30}
 */
public record ProcessResult(int exitCode, CapturedOutput stdout, CapturedOutput stderr, long durationMs,
                            boolean timedOut, boolean cancelled, String level, List<String> enforced) {

    public ProcessResult {
        enforced = List.copyOf(enforced);
    }

    /**
     * The signal that probably ended the process, judged from an exit code above 128; a process
     * may also exit with such a code on its own, so this is a reading, not a fact.
     */
    public OptionalInt signal() {
        return exitCode > 128 && exitCode <= 128 + 64 ? OptionalInt.of(exitCode - 128) : OptionalInt.empty();
    }
}
