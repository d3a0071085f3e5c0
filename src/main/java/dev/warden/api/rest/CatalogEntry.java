package dev.warden.api.rest;

import dev.warden.action.ActionSpec;
import dev.warden.json.Json;
import tools.jackson.databind.node.ObjectNode;

/** How one action appears in {@code GET /v1/actions}. */
final class CatalogEntry {
    private CatalogEntry() {}

    static ObjectNode of(ActionSpec spec) {
        var node = Json.object();
        node.put("id", spec.id());
        node.put("version", spec.version());
        node.put("title", spec.title());
        node.put("description", spec.description());
        node.put("risk", spec.risk().id());
        node.put("effects", spec.effects().id());
        node.put("readOnly", spec.readOnly());
        node.put("destructive", spec.destructive());
        node.put("idempotent", spec.idempotent());
        node.put("openWorld", spec.openWorld());
        node.set("inputSchema", spec.inputSchema());
        node.set("outputSchema", spec.outputSchema());
        return node;
    }
}
