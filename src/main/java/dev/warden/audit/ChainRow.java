package dev.warden.audit;

import dev.warden.json.Json;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * One row of {@code audit_log} exactly as stored: {@code input} is the stored text, not a parsed
 * tree, because the hash is taken over the stored bytes and a parse/print round trip might not give
 * them back (number forms).
 */
record ChainRow(
        long seq,
        String ts,
        String principalId,
        String principalName,
        String project,
        String origin,
        String action,
        String mode,
        String input,
        String risk,
        String decision,
        String reason,
        String outcome,
        String code,
        String resultDigest,
        long durationUs,
        String traceId,
        String undoId,
        String prevHash,
        String hash) {

    static final String COLUMNS = "seq, ts, principal_id, principal_name, project, origin, action, mode, input, "
            + "risk, decision, reason, outcome, code, result_digest, duration_us, trace_id, undo_id, prev_hash, hash";

    static final String INSERT = "INSERT INTO audit_log (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";

    static ChainRow read(ResultSet rs) throws SQLException {
        return new ChainRow(rs.getLong("seq"), rs.getString("ts"), rs.getString("principal_id"),
                rs.getString("principal_name"), rs.getString("project"), rs.getString("origin"),
                rs.getString("action"), rs.getString("mode"), rs.getString("input"), rs.getString("risk"),
                rs.getString("decision"), rs.getString("reason"), rs.getString("outcome"), rs.getString("code"),
                rs.getString("result_digest"), rs.getLong("duration_us"), rs.getString("trace_id"),
                rs.getString("undo_id"), rs.getString("prev_hash"), rs.getString("hash"));
    }

    /** Binds every column, in {@link #COLUMNS} order, to {@link #INSERT}. */
    void bind(PreparedStatement insert) throws SQLException {
        insert.setLong(1, seq);
        insert.setString(2, ts);
        insert.setString(3, principalId);
        insert.setString(4, principalName);
        insert.setString(5, project);
        insert.setString(6, origin);
        insert.setString(7, action);
        insert.setString(8, mode);
        insert.setString(9, input);
        insert.setString(10, risk);
        insert.setString(11, decision);
        insert.setString(12, reason);
        insert.setString(13, outcome);
        insert.setString(14, code);
        insert.setString(15, resultDigest);
        insert.setLong(16, durationUs);
        insert.setString(17, traceId);
        insert.setString(18, undoId);
        insert.setString(19, prevHash);
        insert.setString(20, hash);
    }

    ChainRow withSeq(long otherSeq) {
        return new ChainRow(otherSeq, ts, principalId, principalName, project, origin, action, mode, input, risk,
                decision, reason, outcome, code, resultDigest, durationUs, traceId, undoId, prevHash, hash);
    }

    ChainRow withHash(String newHash) {
        return new ChainRow(seq, ts, principalId, principalName, project, origin, action, mode, input, risk,
                decision, reason, outcome, code, resultDigest, durationUs, traceId, undoId, prevHash, newHash);
    }

    AuditRecord toRecord() {
        return new AuditRecord(seq, parseTime(ts), principalId, principalName, project, origin, action, mode,
                parseInput(input), risk, decision, reason, outcome, code, resultDigest, durationUs, traceId, undoId,
                prevHash, hash);
    }

    /** The export shape: like {@link AuditRecord#toJson()} but with {@code ts} exactly as stored. */
    ObjectNode toJson() {
        var node = toRecord().toJson();
        node.put("ts", ts);
        return node;
    }

    // A tampered row may hold text that no longer parses; readers still show what is stored and
    // leave the judgement to the verifier.
    private static JsonNode parseInput(String text) {
        if (text == null) return JsonNodeFactory.instance.nullNode();
        try {
            return Json.parse(text);
        } catch (JacksonException e) {
            return JsonNodeFactory.instance.stringNode(text);
        }
    }

    private static Instant parseTime(String text) {
        try {
            return text == null ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
