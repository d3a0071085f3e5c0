package dev.warden.agent;

import dev.warden.llm.TokenUsage;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * What the agent tells the person while a message is handled, in order. A front renders these: the
 * terminal as lines and prompts, REST as server-sent events. Every turn ends with exactly one of
 * {@link Done}, {@link Waiting} or {@link Failed}.
 */
public sealed interface AgentEvent {

    /** Text from the model, shown as it is. */
    record Text(String text) implements AgentEvent {}

    /**
     * A piece of the model's text as it arrives, for fronts that asked for them; the whole text
     * still follows as one {@link Text}, so a front may ignore these.
     */
    record TextDelta(String text) implements AgentEvent {}

    /** One step of a plan: an action with its input, the risk the engine assessed, and a dry run where there is one. */
    record Step(int index, String action, JsonNode input, String risk, JsonNode preview) {}

    /** Steps above read that wait for the person's yes before anything runs. */
    record Plan(List<Step> steps) implements AgentEvent {}

    record StepStarted(int index, String action, JsonNode input) implements AgentEvent {}

    /** A step's end: {@code status} is done, held, refused or failed; {@code detail} the result or the error. */
    record StepFinished(int index, String action, String status, JsonNode detail, long auditSeq) implements AgentEvent {}

    /** The policy asks for confirmation of one step: yes runs it, anything else does not. */
    record ConfirmationNeeded(String action, JsonNode input, String reason, JsonNode preview) implements AgentEvent {}

    /** A step is held for another person's approval; it runs by itself when approved. */
    record ApprovalPending(String action, String approvalId, String reason) implements AgentEvent {}

    /** A question for the person: a missing field, or a choice among numbered {@code options}. */
    record Question(String text, List<String> options) implements AgentEvent {}

    /** The turn ended and waits for the person's answer to the plan, confirmation or question just sent. */
    record Waiting(String kind) implements AgentEvent {}

    /** The turn ended with the model's answer (also sent as {@link Text}). */
    record Done(String text, TokenUsage usage, String provider, String model, int steps) implements AgentEvent {}

    /** The turn could not finish: every model down, the step limit, a model that keeps calling tools wrongly. */
    record Failed(String code, String message, String hint) implements AgentEvent {}
}
