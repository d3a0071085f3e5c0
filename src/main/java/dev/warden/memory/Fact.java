package dev.warden.memory;

import dev.warden.json.Json;
import java.time.Instant;
import tools.jackson.databind.node.ObjectNode;

/** One remembered fact: what the user said to keep, when, and through which credential. */
public record Fact(String id, String text, Instant createdAt, String createdBy) {

    public ObjectNode toJson() {
        return Json.object().put("id", id).put("fact", text).put("createdAt", createdAt.toString()).put("createdBy", createdBy);
    }
}
