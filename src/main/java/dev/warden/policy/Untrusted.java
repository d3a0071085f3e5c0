package dev.warden.policy;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * What content Warden does not trust: the results of some actions ({@code untrusted: ['net.*']})
 * and files under some directories ({@code untrustedPaths}). A session that reads such content is
 * tainted, and rules can ask {@code context.tainted}: instructions hidden in it may steer the agent.
 */
public record Untrusted(List<String> actions, List<String> paths) {
    public static final Untrusted NONE = new Untrusted(List.of(), List.of());

    public Untrusted {
        actions = List.copyOf(actions);
        paths = List.copyOf(paths);
    }

    /** Whether a call of {@code actionId} with this input and result brought untrusted content in. */
    public boolean taints(String actionId, JsonNode input, JsonNode result) {
        for (var glob : actions) if (Limits.matches(glob, actionId)) return true;
        if (paths.isEmpty()) return false;
        var seen = new ArrayList<String>();
        collect(input, seen);
        collect(result, seen);
        for (var p : seen) if (p.startsWith("/") && LexicalPath.underAny(LexicalPath.normalize(p), paths)) return true;
        return false;
    }

    private static void collect(JsonNode node, List<String> out) {
        if (node == null || !node.isObject()) return;
        for (var entry : node.properties()) {
            if (!RuleInputs.PATH_FIELDS.contains(entry.getKey())) continue;
            var value = entry.getValue();
            if (value.isString()) out.add(value.asString());
            else if (value.isArray()) for (var item : value) if (item.isString()) out.add(item.asString());
        }
    }
}
