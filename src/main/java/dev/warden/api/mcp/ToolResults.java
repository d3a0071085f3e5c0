package dev.warden.api.mcp;

import dev.warden.approval.Approval;
import dev.warden.approval.ApprovalStatus;
import dev.warden.engine.Outcome;
import dev.warden.json.Json;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Map;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Maps each {@link Outcome} to an MCP tool result; the only place that knows both. {@code Done}
 * carries the action's result as {@code structuredContent} (it matches the tool's output schema)
 * and as JSON text for clients that read only text; everything else is {@code isError: true} with
 * the stable {@code code}, the message and the {@code hint}, as JSON text and in {@code _meta.error}.
 */
final class ToolResults {
    /** Longest text rendering of a result; the structured content always carries all of it. */
    static final int TEXT_LIMIT = 16_000;

    static final String UNDO_ID = "undoId";
    static final String ERROR = "error";

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private ToolResults() {}

    static McpSchema.CallToolResult of(Outcome outcome) {
        return switch (outcome) {
            case Outcome.Done done -> done(done);
            case Outcome.NeedsConfirmation nc -> {
                var body = error("confirmation_required",
                        nc.reason() == null ? "This action needs confirmation." : nc.reason(),
                        "Show the preview to the person you act for; if they agree, call the confirm tool with"
                                + " {\"token\": \"" + nc.token() + "\"} before " + nc.expiresAt() + ".");
                body.put("confirmToken", nc.token());
                body.put("expiresAt", nc.expiresAt().toString());
                body.put("action", nc.actionId());
                body.put("risk", nc.risk().id());
                body.set("preview", nc.preview());
                yield failure(body, nc.auditSeq());
            }
            case Outcome.PendingApproval pa -> {
                var body = error("approval_required", pa.reason() == null ? "This action needs another person's approval." : pa.reason(),
                        "It has not run. Tell the person you act for that request " + pa.approvalId()
                                + " waits for an approver; call the " + McpFront.CHECK_APPROVAL_TOOL + " tool with {\"approvalId\": \""
                                + pa.approvalId() + "\"} to learn the decision and, once approved, the result.");
                body.put("approvalId", pa.approvalId());
                body.put("expiresAt", pa.expiresAt().toString());
                body.put("action", pa.actionId());
                body.put("risk", pa.risk().id());
                body.set("preview", pa.preview());
                yield failure(body, pa.auditSeq());
            }
            case Outcome.Limited limited -> {
                var body = error(limited.code(), limited.detail(), limited.hint());
                body.put("retryAt", limited.retryAt().toString());
                yield failure(body, limited.auditSeq());
            }
            case Outcome.Denied denied -> {
                var body = error(denied.code(), denied.reason(), denied.hint());
                if (denied.rule() != null) body.put("rule", denied.rule());
                yield failure(body, denied.auditSeq());
            }
            case Outcome.Invalid invalid -> {
                var body = error(invalid.code(), invalid.detail(), invalid.hint());
                var errors = body.putArray("errors");
                for (var e : invalid.errors()) {
                    var item = errors.addObject();
                    item.put("path", e.path());
                    item.put("message", e.message());
                }
                yield failure(body, invalid.auditSeq());
            }
            case Outcome.Failed failed -> {
                var body = error(failed.code(), failed.detail(), failed.hint());
                if (failed.details() != null) body.set("details", failed.details());
                yield failure(body, failed.auditSeq());
            }
        };
    }

    /**
     * The output schema has no room for the undo id, so it travels in {@code _meta} and as a second
     * text item, which is where an agent reading only text finds it.
     */
    private static McpSchema.CallToolResult done(Outcome.Done done) {
        // The tree itself: the validator checks it and the transport writes it as it is.
        var builder = McpSchema.CallToolResult.builder()
                .structuredContent(done.result())
                .addTextContent(truncated(Json.write(done.result())))
                .isError(false);
        if (done.undoId() != null) {
            builder.meta(Map.of(UNDO_ID, done.undoId()))
                    .addTextContent("undoId: " + done.undoId() + " (call journal.undo with it to take this change back)");
        }
        return builder.build();
    }

    /**
     * A request held for approval as {@code check_approval} shows it. Still waiting, or ran and
     * succeeded: a plain result. Denied, expired, or ran and failed: an error with the code.
     */
    static McpSchema.CallToolResult approval(Approval approval) {
        var body = approval.toJson();
        var result = approval.result();
        var failedRun = result != null && !"done".equals(result.path("status").asString());
        if (approval.status() == ApprovalStatus.DENIED || approval.status() == ApprovalStatus.EXPIRED || failedRun) {
            var code = failedRun ? result.path("code").asString("action_failed") : "approval_" + approval.status().id();
            var hint = failedRun ? result.path("hint").asString(null)
                    : approval.status() == ApprovalStatus.DENIED ? "Do not retry; ask the person you act for how to proceed."
                    : "Nobody decided in time; send the request again if it is still wanted.";
            var error = error(code, "Request " + approval.id() + " (" + approval.actionId() + ") is " + approval.status().id()
                    + (failedRun ? " but did not succeed" : "") + ".", hint);
            error.set("approval", body);
            return failure(error, -1);
        }
        return McpSchema.CallToolResult.builder()
                .structuredContent(map(body))
                .addTextContent(truncated(Json.write(body)))
                .isError(false)
                .build();
    }

    /** A refusal by the MCP front itself, before any intent exists (nothing to audit). */
    static McpSchema.CallToolResult refusal(String code, String message, String hint) {
        return failure(error(code, message, hint), -1);
    }

    private static ObjectNode error(String code, String message, String hint) {
        var body = Json.object();
        body.put("code", code);
        body.put("message", message);
        if (hint != null) body.put("hint", hint);
        return body;
    }

    // No structuredContent on errors: clients check structured content against the tool's output
    // schema even when isError is set (the official TypeScript client does), and an error body is
    // not an output. The body travels as JSON text, and in _meta for clients that read it there.
    private static McpSchema.CallToolResult failure(ObjectNode body, long auditSeq) {
        if (auditSeq >= 0) body.put("auditSeq", auditSeq);
        return McpSchema.CallToolResult.builder()
                .addTextContent(truncated(Json.write(body)))
                .meta(Map.of(ERROR, map(body)))
                .isError(true)
                .build();
    }


    private static Map<String, Object> map(JsonNode node) {
        return Json.MAPPER.convertValue(node, MAP);
    }

    static String truncated(String text) {
        if (text.length() <= TEXT_LIMIT) return text;
        return text.substring(0, TEXT_LIMIT) + "\n[truncated: " + (text.length() - TEXT_LIMIT)
                + " more characters; the structured content holds the whole result]";
    }
}
