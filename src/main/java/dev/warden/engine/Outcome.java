package dev.warden.engine;

import dev.warden.action.ErrorKind;
import dev.warden.action.Risk;
import java.time.Instant;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * What became of an intent. Every case carries the sequence number of its audit record: nothing
 * leaves the engine unaudited. Fronts switch over this type and never re-implement a stage.
 */
public sealed interface Outcome {

    long auditSeq();

    /** The action ran (a command that exited non-zero still ran). {@code undoId} is null when there is nothing to undo. */
    record Done(String actionId, JsonNode result, Risk risk, String undoId, boolean simulated, long auditSeq)
            implements Outcome {}

    /** Policy wants a deliberate second step: re-send the same intent with {@code token} before {@code expiresAt}. */
    record NeedsConfirmation(String actionId, String token, Instant expiresAt, JsonNode preview, String reason,
                             Risk risk, long auditSeq) implements Outcome {}

    /**
     * Policy wants another person to approve: the intent is held as request {@code approvalId} and
     * runs, as the requester, once approved before {@code expiresAt}.
     */
    record PendingApproval(String actionId, String approvalId, Instant expiresAt, JsonNode preview, String reason,
                           Risk risk, long auditSeq) implements Outcome {}

    /**
     * A limit of the policy stops the intent for now: a rate limit or the daily budget
     * ({@code rate_limited}, {@code budget_exhausted}), or an execution window ({@code outside_window}).
     * {@code retryAt} is when it may succeed.
     */
    record Limited(String code, String detail, String hint, Instant retryAt, long auditSeq) implements Outcome {}

    /** Policy, role or a guard said no. */
    record Denied(String code, String reason, String hint, String rule, long auditSeq) implements Outcome {}

    /** The request itself is wrong: unknown action, input that fails its schema. */
    record Invalid(String code, String detail, String hint, List<FieldError> errors, long auditSeq) implements Outcome {
        public Invalid {
            errors = List.copyOf(errors);
        }
    }

    /** Warden could not carry the action out. {@code details} holds structured facts, or null. */
    record Failed(ErrorKind kind, String code, String detail, String hint, JsonNode details, long auditSeq)
            implements Outcome {}

    /** One schema violation, at a JSON path of the input (e.g. {@code $.path}). */
    record FieldError(String path, String message) {}
}
