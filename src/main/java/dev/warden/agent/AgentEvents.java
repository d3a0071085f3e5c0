package dev.warden.agent;

import dev.warden.json.Json;
import tools.jackson.databind.node.ObjectNode;

/**
 * Agent events as JSON, the same for every front: {@code type} (text, text_delta, plan, step_started,
 * step_finished, confirmation_needed, approval_pending, question, waiting, done, failed) and the
 * event's fields. REST sends each as a server-sent event named by its type.
 */
public final class AgentEvents {
    private AgentEvents() {}

    public static String type(AgentEvent event) {
        return switch (event) {
            case AgentEvent.Text t -> "text";
            case AgentEvent.TextDelta t -> "text_delta";
            case AgentEvent.Plan p -> "plan";
            case AgentEvent.StepStarted s -> "step_started";
            case AgentEvent.StepFinished s -> "step_finished";
            case AgentEvent.ConfirmationNeeded c -> "confirmation_needed";
            case AgentEvent.ApprovalPending a -> "approval_pending";
            case AgentEvent.Question q -> "question";
            case AgentEvent.Waiting w -> "waiting";
            case AgentEvent.Done d -> "done";
            case AgentEvent.Failed f -> "failed";
        };
    }

    public static ObjectNode toJson(AgentEvent event) {
        var node = Json.object().put("type", type(event));
        switch (event) {
            case AgentEvent.Text t -> node.put("text", t.text());
            case AgentEvent.TextDelta t -> node.put("text", t.text());
            case AgentEvent.Plan p -> {
                var steps = node.putArray("steps");
                for (var step : p.steps()) {
                    var s = steps.addObject().put("index", step.index()).put("action", step.action()).put("risk", step.risk());
                    s.set("input", step.input());
                    if (step.preview() != null) s.set("preview", step.preview());
                }
                node.put("hint", "Answer yes to run these steps, or anything else to stop.");
            }
            case AgentEvent.StepStarted s -> {
                node.put("index", s.index()).put("action", s.action());
                node.set("input", s.input());
            }
            case AgentEvent.StepFinished s -> {
                node.put("index", s.index()).put("action", s.action()).put("status", s.status()).put("auditSeq", s.auditSeq());
                node.set("detail", s.detail());
            }
            case AgentEvent.ConfirmationNeeded c -> {
                node.put("action", c.action()).put("reason", c.reason());
                node.set("input", c.input());
                if (c.preview() != null) node.set("preview", c.preview());
                node.put("hint", "Answer yes to run it, or anything else to leave it.");
            }
            case AgentEvent.ApprovalPending a -> node.put("action", a.action()).put("approvalId", a.approvalId())
                    .put("reason", a.reason()).put("hint", "It runs once approved: GET /v1/approvals/" + a.approvalId());
            case AgentEvent.Question q -> {
                node.put("text", q.text());
                var options = node.putArray("options");
                q.options().forEach(options::add);
            }
            case AgentEvent.Waiting w -> node.put("for", w.kind());
            case AgentEvent.Done d -> node.put("text", d.text()).put("provider", d.provider()).put("model", d.model())
                    .put("steps", d.steps()).put("inputTokens", d.usage().input()).put("outputTokens", d.usage().output());
            case AgentEvent.Failed f -> node.put("code", f.code()).put("message", f.message()).put("hint", f.hint());
        }
        return node;
    }
}
