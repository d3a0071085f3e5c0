package dev.warden.actions.fs;

import tools.jackson.databind.JsonNode;

/** Typed access to an input the schema has already checked; defaults for optional fields. */
record Fields(JsonNode input) {

    String text(String name) {
        var node = input.get(name);
        return node == null || node.isNull() ? null : node.asString();
    }

    long number(String name, long fallback) {
        var node = input.get(name);
        return node == null || node.isNull() ? fallback : node.asLong();
    }

    boolean has(String name) {
        var node = input.get(name);
        return node != null && !node.isNull();
    }

    boolean flag(String name) {
        var node = input.get(name);
        return node != null && node.asBoolean(false);
    }
}
