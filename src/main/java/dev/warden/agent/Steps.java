package dev.warden.agent;

import dev.warden.action.Effects;
import dev.warden.action.Risk;
import dev.warden.agent.ChatSession.Call;
import dev.warden.engine.Engine;
import dev.warden.engine.Intent;
import dev.warden.engine.Mode;
import dev.warden.engine.Origin;
import dev.warden.engine.Outcome;
import dev.warden.json.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Calls as intents of the session's person through the engine, and their outcomes as what the
 * agent and the model are told. Every intent carries the session id, so what the session reads
 * taints it under the policy's {@code untrusted} rules like any other client's session.
 */
final class Steps {
    /** What a dry run says about a call before anything runs. */
    sealed interface Judged {
        record Read() implements Judged {}

        record AboveRead(Risk risk, JsonNode preview) implements Judged {}

        /** Refused before it ran; {@code repairable} when the model can fix its call (bad input). */
        record Refused(String status, JsonNode detail, boolean repairable) implements Judged {}
    }

    /** What running a call gave. */
    sealed interface Ran {
        record Finished(String status, JsonNode detail, long auditSeq, String approvalId, String reason, boolean repairable)
                implements Ran {}

        record NeedsConfirmation(String token, String reason, JsonNode preview, long auditSeq) implements Ran {}
    }

    private final Engine engine;

    Steps(Engine engine) {
        this.engine = engine;
    }

    /** Read-only calls run at once; the rest are dry-run to show the person their risk and preview. */
    Judged judge(Call call, ChatSession session) {
        var spec = engine.registry().find(call.actionId()).orElseThrow().spec();
        if (spec.risk() == Risk.READ && spec.effects() == Effects.NONE) return new Judged.Read();
        var outcome = engine.submit(intent(call, session, Mode.SIMULATE, null));
        return switch (outcome) {
            case Outcome.Done done -> done.risk() == Risk.READ ? new Judged.Read() : new Judged.AboveRead(done.risk(), done.result());
            case Outcome.NeedsConfirmation n -> new Judged.AboveRead(n.risk(), n.preview());
            case Outcome.PendingApproval p -> new Judged.AboveRead(Risk.HIGH, p.preview());
            case Outcome.Invalid invalid -> new Judged.Refused("invalid", invalid(invalid), true);
            case Outcome.Denied denied -> new Judged.Refused("refused", denied(denied), false);
            case Outcome.Limited limited -> new Judged.Refused("limited", limited(limited), false);
            case Outcome.Failed failed -> new Judged.Refused("failed", failed(failed), false);
        };
    }

    Ran run(Call call, ChatSession session, String confirmToken) {
        var outcome = engine.submit(intent(call, session, Mode.EXECUTE, confirmToken));
        return switch (outcome) {
            case Outcome.Done done -> {
                var detail = Json.object();
                detail.set("result", done.result());
                if (done.undoId() != null) detail.put("undoId", done.undoId());
                yield new Ran.Finished("done", detail, done.auditSeq(), null, null, false);
            }
            case Outcome.NeedsConfirmation n -> new Ran.NeedsConfirmation(n.token(), n.reason(), n.preview(), n.auditSeq());
            case Outcome.PendingApproval p -> new Ran.Finished("held", Json.object().put("code", "approval_pending")
                    .put("approvalId", p.approvalId()).put("reason", p.reason())
                    .put("hint", "Another person must approve this; it runs by itself once approved. Do not send it again."),
                    p.auditSeq(), p.approvalId(), p.reason(), false);
            case Outcome.Invalid invalid -> new Ran.Finished("invalid", invalid(invalid), invalid.auditSeq(), null, null, true);
            case Outcome.Denied denied -> new Ran.Finished("refused", denied(denied), denied.auditSeq(), null, null, false);
            case Outcome.Limited limited -> new Ran.Finished("limited", limited(limited), limited.auditSeq(), null, null, false);
            case Outcome.Failed failed -> new Ran.Finished("failed", failed(failed), failed.auditSeq(), null, null, false);
        };
    }

    private static Intent intent(Call call, ChatSession session, Mode mode, String confirmToken) {
        return new Intent(call.actionId(), call.input(), session.principal(), Origin.AGENT, mode, confirmToken, null)
                .withSession(session.id());
    }

    private static ObjectNode invalid(Outcome.Invalid invalid) {
        var node = Json.object().put("code", invalid.code()).put("message", invalid.detail());
        if (invalid.hint() != null) node.put("hint", invalid.hint());
        var errors = node.putArray("errors");
        invalid.errors().forEach(e -> errors.addObject().put("path", e.path()).put("message", e.message()));
        return node;
    }

    private static ObjectNode denied(Outcome.Denied denied) {
        var node = Json.object().put("code", denied.code()).put("message", denied.reason());
        if (denied.hint() != null) node.put("hint", denied.hint());
        if (denied.rule() != null) node.put("rule", denied.rule());
        return node;
    }

    private static ObjectNode limited(Outcome.Limited limited) {
        var node = Json.object().put("code", limited.code()).put("message", limited.detail());
        if (limited.hint() != null) node.put("hint", limited.hint());
        if (limited.retryAt() != null) node.put("retryAt", limited.retryAt().toString());
        return node;
    }

    private static ObjectNode failed(Outcome.Failed failed) {
        var node = Json.object().put("code", failed.code()).put("message", failed.detail());
        if (failed.hint() != null) node.put("hint", failed.hint());
        return node;
    }
}
