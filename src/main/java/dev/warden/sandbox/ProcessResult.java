package dev.warden.sandbox;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * How a process ended and what it wrote.
 *
 * @param exitCode     the exit status; a process ended by a signal reports 128 + the signal number
 * @param timedOut     the wall-clock limit was reached and the process group was stopped
 * @param cancelled    the caller cancelled the run and the process group was stopped
 * @param durationMs   from start until the process ended and its output was collected
 * @param level        the sandbox level the process ran at ({@code process}, {@code isolated}, {@code preview})
 * @param enforced     the limits that were actually in force, e.g. {@code rlimit_cpu_seconds=30}
 * @param unavailable  limits the level has but this machine could not apply, each with the reason
 * @param limitsHit    the limits that stopped something: {@code memory} (the OOM killer killed a
 *                     process), {@code pids} (a fork was refused)
 * @param setupFailure when the sandbox could not be set up and the command never ran: why; else null
 */
public record ProcessResult(int exitCode, CapturedOutput stdout, CapturedOutput stderr, long durationMs,
                            boolean timedOut, boolean cancelled, String level, List<String> enforced,
                            List<String> unavailable, Set<String> limitsHit, String setupFailure) {

    public ProcessResult {
        enforced = List.copyOf(enforced);
        unavailable = List.copyOf(unavailable);
        limitsHit = Set.copyOf(limitsHit);
    }

    public ProcessResult(int exitCode, CapturedOutput stdout, CapturedOutput stderr, long durationMs,
                         boolean timedOut, boolean cancelled, String level, List<String> enforced) {
        this(exitCode, stdout, stderr, durationMs, timedOut, cancelled, level, enforced, List.of(), Set.of(), null);
    }

    /**
     * The signal that probably ended the process, judged from an exit code above 128; a process
     * may also exit with such a code on its own, so this is a reading, not a fact.
     */
    public OptionalInt signal() {
        return exitCode > 128 && exitCode <= 128 + 64 ? OptionalInt.of(exitCode - 128) : OptionalInt.empty();
    }

    /**
     * What ended the process when Warden's limits did: {@code timeout}, {@code cancelled}, or
     * {@code memory} (killed by the OOM killer of its control group).
     */
    public Optional<String> killedBy() {
        if (timedOut) return Optional.of("timeout");
        if (cancelled) return Optional.of("cancelled");
        if (limitsHit.contains("memory") && exitCode == 128 + 9) return Optional.of("memory");
        return Optional.empty();
    }

    ProcessResult withSandbox(List<String> newEnforced, List<String> newUnavailable, Set<String> hit, String failure) {
        return new ProcessResult(exitCode, stdout, stderr, durationMs, timedOut, cancelled, level, newEnforced,
                newUnavailable, hit, failure);
    }
}
