package dev.warden.jobs;

import dev.warden.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What is known of one job at one moment, from the Warden that runs it or from the store.
 *
 * @param command     {@code {"command": "..."}} or {@code {"argv": [...]}}, as started (never its env or stdin)
 * @param sandbox     {@code {"level", "enforced": [...]}}: the limits it runs under
 * @param exitCode    null while running, and for a lost job
 * @param endedReason who or what ended it, when that was not the command itself
 * @param outputBytes every byte it wrote so far (stdout and stderr together)
 * @param firstOffset the oldest byte of output still readable
 */
public record JobRecord(String id, String ownerId, String ownerName, String project, JsonNode command, String cwd,
                        String risk, JsonNode sandbox, long pid, JobStatus status, Integer exitCode, boolean timedOut,
                        Instant startedAt, Instant endedAt, String endedReason, long outputBytes, long firstOffset) {

    public JobRecord {
        Objects.requireNonNull(id);
        Objects.requireNonNull(status);
        Objects.requireNonNull(startedAt);
    }

    /** The command as one line for people: the shell line, or the argv joined by spaces. */
    public String commandLine() {
        if (command.has("command")) return command.get("command").asString();
        var parts = new StringBuilder();
        command.path("argv").forEach(a -> parts.append(parts.isEmpty() ? "" : " ").append(a.asString()));
        return parts.toString();
    }

    public Duration duration(Instant now) {
        return Duration.between(startedAt, endedAt == null ? now : endedAt);
    }

    public ObjectNode toJson(Instant now) {
        var node = Json.object();
        node.put("jobId", id);
        node.put("status", status.id());
        node.put("owner", ownerName);
        node.put("project", project);
        command.properties().forEach(e -> node.set(e.getKey(), e.getValue()));
        node.put("cwd", cwd);
        node.put("risk", risk);
        node.put("pid", pid);
        node.put("startedAt", startedAt.toString());
        if (endedAt != null) node.put("endedAt", endedAt.toString());
        node.put("durationMs", Math.max(0, duration(now).toMillis()));
        if (exitCode != null) node.put("exitCode", exitCode);
        node.put("timedOut", timedOut);
        if (endedReason != null) node.put("endedReason", endedReason);
        node.put("outputBytes", outputBytes);
        node.put("firstOffset", firstOffset);
        if (sandbox != null) node.set("sandbox", sandbox);
        return node;
    }
}
