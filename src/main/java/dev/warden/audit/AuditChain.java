package dev.warden.audit;

import dev.warden.json.CanonicalJson;
import dev.warden.json.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;

/**
 * The chain's one definition of a record's hash, shared by the writer and the verifier.
 *
 * <p>{@code hash = hex(SHA-256(UTF-8(prev_hash + canonical)))}, where {@code prev_hash} is the
 * previous record's {@code hash} (64 zeros for record 1) and {@code canonical} is
 * {@link CanonicalJson#of} of a JSON object holding every stored column except {@code hash}, keyed
 * by column name: {@code seq} and {@code duration_us} as JSON integers; every other column
 * ({@code ts}, {@code principal_id}, {@code principal_name}, {@code project}, {@code origin},
 * {@code action}, {@code mode}, {@code input}, {@code risk}, {@code decision}, {@code reason},
 * {@code outcome}, {@code code}, {@code result_digest}, {@code trace_id}, {@code undo_id},
 * {@code prev_hash}) as a JSON string, or JSON {@code null} when the column is NULL. {@code input}
 * enters as the stored text (itself canonical JSON), not as a nested object, so the hash covers the
 * exact bytes on disk. {@code ts} is UTC with exactly six fractional digits,
 * e.g. {@code 2026-11-03T10:15:30.123456Z}.
 */
final class AuditChain {
    static final String GENESIS = "0".repeat(64);

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private AuditChain() {}

    static String formatTime(Instant time) {
        return TIME.format(time.truncatedTo(ChronoUnit.MICROS));
    }

    static String canonical(ChainRow row) {
        var node = Json.object();
        node.put("seq", row.seq());
        node.put("ts", row.ts());
        node.put("principal_id", row.principalId());
        node.put("principal_name", row.principalName());
        node.put("project", row.project());
        node.put("origin", row.origin());
        node.put("action", row.action());
        node.put("mode", row.mode());
        node.put("input", row.input());
        node.put("risk", row.risk());
        node.put("decision", row.decision());
        node.put("reason", row.reason());
        node.put("outcome", row.outcome());
        node.put("code", row.code());
        node.put("result_digest", row.resultDigest());
        node.put("duration_us", row.durationUs());
        node.put("trace_id", row.traceId());
        node.put("undo_id", row.undoId());
        node.put("prev_hash", row.prevHash());
        return CanonicalJson.of(node);
    }

    /** The hash {@code row} must carry, computed from its other columns. */
    static String hash(ChainRow row) {
        try {
            var sha = MessageDigest.getInstance("SHA-256");
            sha.update(String.valueOf(row.prevHash()).getBytes(StandardCharsets.UTF_8));
            sha.update(canonical(row).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
