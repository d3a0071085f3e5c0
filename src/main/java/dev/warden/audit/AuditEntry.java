package dev.warden.audit;

import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * One intent's record as the engine hands it to the audit log, before it gets its sequence number
 * and hash. {@code input} is the raw input: the log redacts secrets before anything is stored.
 */
public record AuditEntry(
        Instant time,
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
        String undoId) {}
