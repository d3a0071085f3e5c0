package dev.warden.plan;

import java.util.List;
import java.util.Locale;
import tools.jackson.databind.JsonNode;

/**
 * A plan as the caller sent it, after validation: steps with unique ids whose {@code dependsOn}
 * form a DAG, listed in an order in which every step comes after the steps it depends on.
 */
public record PlanSpec(Mode mode, boolean simulate, List<Step> steps, List<InvariantSpec> invariants) {

    public PlanSpec {
        steps = List.copyOf(steps);
        invariants = List.copyOf(invariants);
    }

    /**
     * A post-condition checked after the steps: {@code observe} says what to look at (a file, a
     * command's exit, free disk, a process, or any read-only action), {@code check} is CEL over it.
     */
    public record InvariantSpec(String name, JsonNode observe, String check) {}

    public enum Mode {
        /** On any failure, undo every completed step in reverse order. */
        ATOMIC,
        /** Run what can run; a failed step only stops the steps that depend on it. */
        BEST_EFFORT;

        public String id() {
            return this == ATOMIC ? "atomic" : "bestEffort";
        }

        static Mode parse(String text) {
            return switch (text) {
                case "atomic" -> ATOMIC;
                case "bestEffort" -> BEST_EFFORT;
                default -> throw new IllegalArgumentException(text.toLowerCase(Locale.ROOT));
            };
        }
    }

    /** One step: an action and its input, which may hold {@code ${steps.ID.result...}} references. */
    public record Step(String id, String action, JsonNode input, List<String> dependsOn) {
        public Step {
            dependsOn = List.copyOf(dependsOn);
        }
    }
}
