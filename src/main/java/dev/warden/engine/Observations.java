package dev.warden.engine;

import dev.warden.identity.Principal;
import dev.warden.json.Json;
import java.nio.file.Path;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns an invariant's {@code observe} into what CEL sees as {@code observation}. Every observation
 * is an intent through the engine, as the plan's principal and with no grant: it is policy-checked,
 * jailed and audited like any call, and one the policy would hold simply fails (and so violates).
 *
 * <ul>
 *   <li>{@code {"file": P}}: {@code fs.stat} with the SHA-256: {@code exists, type, size, sha256, ...}
 *   <li>{@code {"command": L}}: {@code shell.exec} at the policy's level: {@code exitCode, stdout,
 *       stderr, timedOut}. Where that level is preview, the preview is discarded at once: looking
 *       leaves nothing behind.
 *   <li>{@code {"disk": P}}: {@code fs.stat P}, then the file system holding it from {@code sys.info}:
 *       {@code mount, totalBytes, freeBytes, usedPercent}. Read from the host, not from inside a
 *       sandbox, where a command would see an overlay's or a namespace's view.
 *   <li>{@code {"process": N}}: {@code proc.list} by name ({@code *} and {@code ?} match as in a glob):
 *       {@code running, count, pids}, from the host's process table (a command under the isolated
 *       level would see only its own pid namespace).
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
        if (spec.has("file")) {
            return resultOf(call("fs.stat", Json.object().put("path", spec.get("file").asString()).put("sha256", true), principal, origin));
        }
        if (spec.has("command")) return command(spec.get("command").asString(), principal, origin);
        if (spec.has("disk")) return disk(spec.get("disk").asString(), principal, origin);
        if (spec.has("process")) {
            var listed = call("proc.list", Json.object().put("name", spec.get("process").asString()).put("limit", 500), principal, origin);
            return listed.done() == null ? listed.failure() : ok(listed.done(), process(listed.done().result()));
        }
        var action = spec.path("action").asString();
        var input = spec.has("input") ? spec.get("input") : Json.object();
        var readOnly = engine.registry().find(action).map(a -> a.spec().readOnly()).orElse(true);
        if (!readOnly) return failed(action, "observation_not_read_only", action + " changes things; an observation only looks");
        return resultOf(call(action, input, principal, origin));
    }

    /** One call through the engine: done, or else its failed observation. */
    private record Call(Outcome.Done done, ObjectNode failure) {}

    private Call call(String action, JsonNode input, Principal principal, Origin origin) {
        var outcome = engine.submit(Intent.execute(action, input, principal, origin));
        if (outcome instanceof Outcome.Done done) return new Call(done, null);
        var summary = Approvals.summary(outcome);
        return new Call(null, failed(action, summary.path("code").asString("failed"), summary.path("detail").asString(null)));
    }

    /** The call's result as the observation, or its failure. */
    private static ObjectNode resultOf(Call call) {
        if (call.done() == null) return call.failure();
        var result = call.done().result();
        return ok(call.done(), result.isObject() ? ((ObjectNode) result).deepCopy() : Json.object().set("value", result));
    }

    /** {@code observation}, made from {@code done}'s result, marked ok with the call's audit record. */
    private static ObjectNode ok(Outcome.Done done, ObjectNode observation) {
        observation.put("ok", true);
        observation.put("auditSeq", done.auditSeq());
        return observation;
    }

    private ObjectNode command(String line, Principal principal, Origin origin) {
        var ran = call("shell.exec", Json.object().put("command", line), principal, origin);
        // Where the policy runs commands as previews, the preview is what was observed; it is not a change to keep.
        if (ran.done() != null && ran.done().result().hasNonNull("previewId")) {
            var discard = Json.object().put("previewId", ran.done().result().get("previewId").asString());
            engine.submit(Intent.execute("preview.discard", discard, principal, origin));
        }
        return resultOf(ran);
    }

    private ObjectNode disk(String path, Principal principal, Origin origin) {
        var stat = call("fs.stat", Json.object().put("path", path), principal, origin);
        if (stat.done() == null) return stat.failure();
        var real = Path.of(stat.done().result().has("resolvedPath") ? stat.done().result().get("resolvedPath").asString()
                : stat.done().result().path("path").asString());
        var info = call("sys.info", Json.object(), principal, origin);
        if (info.done() == null) return info.failure();
        JsonNode best = null;
        int bestDepth = -1;
        for (var fs : info.done().result().path("fileSystems")) {
            var mount = Path.of(fs.path("mount").asString("/"));
            if (real.startsWith(mount) && mount.getNameCount() > bestDepth) {
                best = fs;
                bestDepth = mount.getNameCount();
            }
        }
        if (best == null) return failed("sys.info", "disk_unreadable", "no mounted file system holds " + real);
        var node = Json.object();
        node.put("path", real.toString()).put("mount", best.path("mount").asString())
                .put("totalBytes", best.path("totalBytes").asLong()).put("freeBytes", best.path("freeBytes").asLong())
                .put("usedPercent", best.path("usedPercent").asDouble());
        return ok(info.done(), node);
    }

    private static ObjectNode process(JsonNode result) {
        var pids = Json.array();
        result.path("processes").forEach(p -> pids.add(p.path("pid").asLong()));
        var node = Json.object();
        node.put("running", !pids.isEmpty()).put("count", result.path("total").asInt(pids.size())).set("pids", pids);
        return node;
    }

    private static ObjectNode failed(String action, String code, String detail) {
        var node = Json.object();
        node.put("ok", false).put("action", action).put("code", code);
        if (detail != null) node.put("detail", detail);
        return node;
    }
}
