package dev.warden.api.rest;

import dev.warden.engine.Outcome;
import dev.warden.json.Json;
import tools.jackson.databind.JsonNode;

/** Maps each {@link Outcome} to an HTTP status and body; the only place that knows both. */
final class OutcomeResponses {
    private static final String JOB_START = "job.start";

    private OutcomeResponses() {}

    record Response(int status, String contentType, JsonNode body) {}

    static Response of(Outcome outcome) {
        return switch (outcome) {
            case Outcome.Done done -> {
                var body = Json.object();
                // job.start ran, but what it started runs on: "accepted", still 200, because 202 on an
                // action means held for approval (OpenAPI says so to agents).
                body.put("status", done.simulated() ? "simulated" : JOB_START.equals(done.actionId()) ? "accepted" : "done");
                body.set("result", done.result());
                body.put("risk", done.risk().id());
                body.put("auditSeq", done.auditSeq());
                if (done.undoId() != null) body.put("undoId", done.undoId());
                yield new Response(200, "application/json", body);
            }
            case Outcome.NeedsConfirmation nc -> problem(Problem.of(428, "confirmation_required",
                            nc.reason() == null ? "This action needs confirmation." : nc.reason(),
                            "Show the preview to the person you act for; if they agree, re-send the same request with ?confirm="
                                    + nc.token() + " before " + nc.expiresAt() + ".")
                    .with("confirmToken", nc.token())
                    .with("expiresAt", nc.expiresAt().toString())
                    .with("risk", nc.risk().id())
                    .with("preview", nc.preview())
                    .with("auditSeq", nc.auditSeq()));
            case Outcome.PendingApproval pa -> {
                var body = Json.object();
                body.put("status", "pending_approval");
                body.put("approvalId", pa.approvalId());
                body.put("expiresAt", pa.expiresAt().toString());
                body.put("reason", pa.reason());
                body.put("risk", pa.risk().id());
                body.set("preview", pa.preview());
                body.put("auditSeq", pa.auditSeq());
                body.put("hint", "Another person must approve request " + pa.approvalId() + ". Wait for the decision with GET /v1/approvals/"
                        + pa.approvalId() + "?wait=30 (repeat until its status is executed, denied or expired); an admin decides with POST /v1/approvals/"
                        + pa.approvalId() + "/approve or /deny, or ./warden approvals approve " + pa.approvalId() + ".");
                yield new Response(202, "application/json", body);
            }
            case Outcome.Limited limited -> {
                var p = Problem.of("outside_window".equals(limited.code()) ? 403 : 429, limited.code(), limited.detail(), limited.hint())
                        .with("retryAt", limited.retryAt().toString())
                        .with("auditSeq", limited.auditSeq());
                yield problem(p);
            }
            case Outcome.Denied denied -> {
                var p = Problem.of(403, denied.code(), denied.reason(), denied.hint()).with("auditSeq", denied.auditSeq());
                if (denied.rule() != null) p.with("rule", denied.rule());
                yield problem(p);
            }
            case Outcome.Invalid invalid -> problem(Problem.of(
                            "unknown_action".equals(invalid.code()) ? 404 : 422, invalid.code(), invalid.detail(), invalid.hint())
                    .withErrors(invalid.errors())
                    .with("auditSeq", invalid.auditSeq()));
            case Outcome.Failed failed -> {
                int status = switch (failed.kind()) {
                    case BAD_INPUT, LIMIT -> 422;
                    case REFUSED -> 403;
                    case NOT_FOUND -> 404;
                    case CONFLICT -> 409;
                    case INTERNAL -> 500;
                };
                var p = Problem.of(status, failed.code(), failed.detail(), failed.hint()).with("auditSeq", failed.auditSeq());
                if (failed.details() != null) p.with("details", failed.details());
                yield problem(p);
            }
        };
    }

    static Response problem(Problem p) {
        return new Response(p.status(), Problem.CONTENT_TYPE, p.toJson());
    }
}
