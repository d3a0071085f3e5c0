package dev.warden.engine;

import dev.warden.identity.Principal;
import dev.warden.json.Json;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns an invariant's {@code observe} into what CEL sees as {@code observation}. Every observation
 * is an intent through the engine, as the plan's principal and with no grant: it is policy-checked,
 * jailed and audited like any call, and one the policy would hold simply fails (and so violates).
 *
 * <ul>
 *   <li>{@code {"file": P}}: {@code fs.stat} with the SHA-256: {@code exists, type, size, sha256, ...}
 *   <li>{@code {"command": L}}: {@code shell.exec}: {@code exitCode, stdout, stderr, timedOut}
 *   <li>{@code {"disk": P}}: {@code df -Pk P}: {@code totalBytes, freeBytes, usedPercent}
 *   <li>{@code {"process": N}}: {@code pgrep -x N}: {@code running, count, pids}
 *   <li>{@code {"action": ID, "input": {...}}}: that action, which must be read-only: its result
 * </ul>
 * Each observation also has {@code ok} (the call succeeded) and, when it did not, {@code code}.
 */
final class Observations {
    private final Engine engine;

    Observations(Engine engine) {
        this.engine = engine;
    }

    ObjectNode observe(JsonNode spec, Principal principal, Origin origin) {
        String action;
        JsonNode input;
        if (spec.has("file")) {
            action = "fs.stat";
            input = Json.object().put("path", spec.get("file").asString()).put("sha256", true);
        } else if (spec.has("command")) {
            action = "shell.exec";
            input = Json.object().put("command", spec.get("command").asString());
        } else if (spec.has("disk")) {
            action = "shell.exec";
            input = argv("df", "-Pk", "--", spec.get("disk").asString());
        } else if (spec.has("process")) {
            action = "shell.exec";
            input = argv("pgrep", "-x", "--", spec.get("process").asString());
        } else {
            action = spec.path("action").asString();
            input = spec.has("input") ? spec.get("input") : Json.object();
            var readOnly = engine.registry().find(action).map(a -> a.spec().readOnly()).orElse(true);
            if (!readOnly) return failed(action, "observation_not_read_only", action + " changes things; an observation only looks");
        }
        var outcome = engine.submit(Intent.execute(action, input, principal, origin));
        if (!(outcome instanceof Outcome.Done done)) {
            var summary = Approvals.summary(outcome);
            return failed(action, summary.path("code").asString("failed"), summary.path("detail").asString(null));
        }
        var result = done.result();
        ObjectNode observation;
        if (spec.has("disk")) {
            observation = disk(result);
        } else if (spec.has("process")) {
            observation = process(result);
        } else {
            observation = result.isObject() ? ((ObjectNode) result).deepCopy() : Json.object().set("value", result);
        }
        observation.put("ok", true);
        observation.put("auditSeq", done.auditSeq());
        return observation;
    }

    private static ObjectNode disk(JsonNode result) {
        var node = Json.object();
        var lines = result.path("stdout").asString("").strip().split("\n");
        var fields = lines[lines.length - 1].trim().split("\\s+");
        if (result.path("exitCode").asInt(-1) != 0 || fields.length < 5) {
            node.put("ok", false).put("code", "disk_unreadable").put("stderr", result.path("stderr").asString(""));
            return node;
        }
        long total = Long.parseLong(fields[1]) * 1024;
        long free = Long.parseLong(fields[3]) * 1024;
        node.put("totalBytes", total).put("freeBytes", free)
                .put("usedPercent", total == 0 ? 0.0 : Math.round(1000.0 * (total - free) / total) / 10.0);
        return node;
    }

    private static ObjectNode process(JsonNode result) {
        var pids = Json.array();
        for (var line : result.path("stdout").asString("").split("\n")) {
            if (line.matches("\\d+")) pids.add(Long.parseLong(line));
        }
        var node = Json.object();
        node.put("running", !pids.isEmpty()).put("count", pids.size()).set("pids", pids);
        return node;
    }

    private static ObjectNode argv(String... args) {
        var node = Json.object();
        var list = node.putArray("argv");
        List.of(args).forEach(list::add);
        return node;
    }

    private static ObjectNode failed(String action, String code, String detail) {
        var node = Json.object();
        node.put("ok", false).put("action", action).put("code", code);
        if (detail != null) node.put("detail", detail);
        return node;
    }
}
