package dev.warden.policy;

import java.util.List;
import java.util.stream.Collectors;

/** A policy that cannot be used, with every problem found in it, not just the first. */
public final class PolicyException extends RuntimeException {
    private final transient List<PolicyProblem> problems;

    public PolicyException(List<PolicyProblem> problems) {
        super(describe(problems));
        this.problems = List.copyOf(problems);
    }

    public List<PolicyProblem> problems() {
        return problems;
    }

    private static String describe(List<PolicyProblem> problems) {
        var count = problems.size() == 1 ? "1 problem" : problems.size() + " problems";
        return "the policy has " + count + ":\n" + problems.stream().map(PolicyProblem::toString).collect(Collectors.joining("\n"));
    }
}
