package dev.warden.monitor;

import dev.warden.json.Json;
import java.time.Instant;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One firing of an alert rule: since when its condition held, when it fired (after the rule's
 * {@code for}), when it resolved (null while firing), and the sample that made it fire.
 */
public record Alert(String id, String rule, String severity, String project, String when, Instant since,
                    Instant firedAt, Instant resolvedAt, JsonNode sample) {

    public boolean firing() {
        return resolvedAt == null;
    }

    Alert resolve(Instant at) {
        return new Alert(id, rule, severity, project, when, since, firedAt, at, sample);
    }

    public ObjectNode toJson() {
        var node = Json.object();
        node.put("id", id);
        node.put("rule", rule);
        node.put("state", firing() ? "firing" : "resolved");
        node.put("severity", severity);
        node.put("project", project);
        node.put("when", when);
        node.put("since", since.toString());
        node.put("firedAt", firedAt.toString());
        if (resolvedAt != null) node.put("resolvedAt", resolvedAt.toString());
        node.set("sample", sample);
        return node;
    }
}
