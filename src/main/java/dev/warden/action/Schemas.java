package dev.warden.action;

import dev.warden.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Loads an action's JSON Schemas from the classpath: {@code /schemas/<id>.input.json} and
 * {@code /schemas/<id>.output.json}. Keeping schemas as JSON files keeps them declarative and
 * reviewable as the contract they are.
 */
public final class Schemas {
    private Schemas() {}

    public static JsonNode input(String actionId) {
        return load("/schemas/" + actionId + ".input.json");
    }

    public static JsonNode output(String actionId) {
        return load("/schemas/" + actionId + ".output.json");
    }

    /**
     * The schema as a client needs it: without {@code $schema}, {@code $id} and the root {@code title}
     * (the tool that carries it has its own). A copy; the action's schema is left as it is.
     */
    public static ObjectNode bare(JsonNode schema) {
        var copy = (ObjectNode) schema.deepCopy();
        copy.remove("$schema");
        copy.remove("$id");
        copy.remove("title");
        return copy;
    }

    private static JsonNode load(String resource) {
        try (var in = Schemas.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("missing schema resource " + resource);
            return Json.parse(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
