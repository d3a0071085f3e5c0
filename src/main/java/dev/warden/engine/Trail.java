package dev.warden.engine;

import dev.warden.action.ActionException;
import dev.warden.action.ErrorKind;
import dev.warden.action.Risk;
import dev.warden.audit.AuditEntry;
import dev.warden.audit.AuditLog;
import dev.warden.audit.UndoRow;
import dev.warden.json.CanonicalJson;
import dev.warden.policy.ConfirmationTokens;
import dev.warden.policy.Decision;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Collects what the audit record needs as one intent moves through the stages, and writes it: each
 * way an intent can end is one method here, which appends the record and returns the {@link Outcome}
 * carrying its sequence number.
 */
final class Trail {
    final Intent intent;
    final Instant time;
    final long startedNanos;
    Risk risk;
    Decision decision;
    String approvalId;
    Engine.Grant grant = Engine.Grant.NONE;

    private final AuditLog audit;
    private final EngineObserver observer;
    private final io.opentelemetry.api.trace.Tracer tracer;
    /** The trace the audit record names: the caller's, or the intent span's. */
    String traceId;

    Trail(AuditLog audit, EngineObserver observer, io.opentelemetry.api.trace.Tracer tracer, Intent intent, Instant time,
          long startedNanos) {
        this.audit = audit;
        this.observer = observer;
        this.tracer = tracer;
        this.intent = intent;
        this.time = time;
        this.startedNanos = startedNanos;
    }

    long record(String outcome, String code, JsonNode result, UndoRow undo) {
        var undoId = undo == null ? null : undo.id();
        var micros = (System.nanoTime() - startedNanos) / 1_000;
        var p = intent.principal();
        var appending = System.nanoTime();
        var entry = new AuditEntry(time, p.id(), p.name(), p.project(), intent.origin().id(),
                intent.actionId(), intent.mode().name().toLowerCase(java.util.Locale.ROOT), intent.input(),
                risk == null ? null : risk.id(),
                decision == null ? null : decision.effect().id(),
                decision == null ? null : approvalId == null ? decision.reason()
                        : decision.reason() + " [approval " + approvalId + "]",
                outcome, code, result == null ? null : digest(result), micros, traceId, undoId);
        long seq;
        try (var stage = Stage.open(tracer, "audit")) {
            seq = audit.append(entry, undo);
        }
        observer.auditAppended(System.nanoTime() - appending);
        return seq;
    }

    Outcome done(String actionId, JsonNode result, UndoRow undo, boolean simulated) {
        var seq = record(simulated ? "simulated" : "done", null, result, undo);
        return new Outcome.Done(actionId, result, risk, undo == null ? null : undo.id(), simulated, seq);
    }

    Outcome needsConfirmation(String actionId, ConfirmationTokens.Issued issued, JsonNode preview, String reason) {
        var seq = record("needs_confirmation", "confirmation_required", null, null);
        return new Outcome.NeedsConfirmation(actionId, issued.token(), issued.expiresAt(), preview, reason, risk, seq);
    }

    Outcome pendingApproval(String actionId, String id, Instant expiresAt, JsonNode preview, String reason) {
        var seq = record("pending_approval", "approval_required", null, null);
        return new Outcome.PendingApproval(actionId, id, expiresAt, preview, reason, risk, seq);
    }

    Outcome limited(Limiter.Refusal r) {
        var seq = record("limited", r.code(), null, null);
        return new Outcome.Limited(r.code(), r.detail(), r.hint(), r.retryAt(), seq);
    }

    Outcome denied(String code, String reason, String hint, String rule) {
        var seq = record("denied", code, null, null);
        return new Outcome.Denied(code, reason, hint, rule, seq);
    }

    Outcome invalid(String code, String detail, String hint, List<Outcome.FieldError> errors) {
        var seq = record("invalid", code, null, null);
        return new Outcome.Invalid(code, detail, hint, errors, seq);
    }

    Outcome failed(ErrorKind kind, String code, String detail, String hint, JsonNode details) {
        var seq = record("failed", code, null, null);
        return new Outcome.Failed(kind, code, detail, hint, details, seq);
    }

    Outcome fromException(ActionException e) {
        return switch (e.kind()) {
            case REFUSED -> denied(e.code(), e.getMessage(), e.hint(), null);
            case BAD_INPUT -> invalid(e.code(), e.getMessage(), e.hint(), List.of());
            default -> failed(e.kind(), e.code(), e.getMessage(), e.hint(), e.details());
        };
    }

    /** SHA-256 of the result's canonical JSON: what the audit record keeps of a result. */
    static String digest(JsonNode result) {
        return HexFormat.of().formatHex(CanonicalJson.sha256(result));
    }
}
