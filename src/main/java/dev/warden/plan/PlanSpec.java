package dev.warden.plan;

import java.util.List;
import java.util.Locale;
import tools.jackson.databind.JsonNode;

/**
 * A plan as the caller sent it, after validation: steps with unique ids whose {@code dependsOn}
 * form a DAG, listed in an order in which every step comes after the steps it depends on.
 */
public record PlanSpec(Mode mode, boolean simulate, List<Step> steps) {

    public PlanSpec {
        steps = List.copyOf(steps);
    }

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
