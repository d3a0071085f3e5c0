package dev.warden.action;

import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * One thing an agent may ask Warden to do. Implementations know nothing of HTTP, MCP or the CLI:
 * they receive input that already passed schema validation and policy, and either return the
 * output (matching {@code spec().outputSchema()}) or throw {@link ActionException}.
 */
public interface Action {

    ActionSpec spec();

    /**
     * The lowest risk any call of this action can be assessed at. A front uses it to decide whether
     * a principal could ever run the action; the risk of a particular call is still {@link #assess}'s.
     */
    default Risk lowestRisk() {
        return spec().risk();
    }

    /**
     * The guard stage: check the input against the jail and the analyzers and say how risky this
     * particular call is, before policy decides. Throws {@link ActionException} to refuse outright.
     */
    default Assessment assess(ActionContext ctx, JsonNode input) {
        return Assessment.of(spec().risk());
    }

    JsonNode execute(ActionContext ctx, JsonNode input);

    /** What {@link #execute} would do, without doing it; empty when the action has no dry run. */
    default Optional<JsonNode> simulate(ActionContext ctx, JsonNode input) {
        return Optional.empty();
    }
}
