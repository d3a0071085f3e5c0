package dev.warden.audit;

import dev.warden.json.Json;
import java.time.Instant;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A stored audit record, as readers (REST, web, CLI) see it: every column, {@code input} parsed
 * (already redacted when it was written). {@code ts} is null only if the stored text was tampered
 * with beyond parsing.
 */
public record AuditRecord(
        long seq,
        Instant ts,
        String principalId,
        String principalName,
        String project,
        String origin,
        String action,
        String mode,
        JsonNode input,
        String risk,
        String decision,
        String reason,
        String outcome,
        String code,
        String resultDigest,
        long durationMicros,
        String traceId,
        String undoId,
        String prevHash,
        String hash) {

    /** The record as a JSON object keyed by column name, the shape of a JSONL export line. */
    public ObjectNode toJson() {
        var node = Json.object();
        node.put("seq", seq);
        node.put("ts", ts == null ? null : AuditChain.formatTime(ts));
        node.put("principal_id", principalId);
        node.put("principal_name", principalName);
        node.put("project", project);
        node.put("origin", origin);
        node.put("action", action);
        node.put("mode", mode);
        node.set("input", input);
        node.put("risk", risk);
        node.put("decision", decision);
        node.put("reason", reason);
        node.put("outcome", outcome);
        node.put("code", code);
        node.put("result_digest", resultDigest);
        node.put("duration_us", durationMicros);
        node.put("trace_id", traceId);
        node.put("undo_id", undoId);
        node.put("prev_hash", prevHash);
        node.put("hash", hash);
        return node;
    }
}
