package dev.warden.action;

import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * What an action is, independent of how it runs: the catalog entry every front renders (REST
 * catalog, OpenAPI operation, MCP tool). {@code description} is written for an LLM and stays under
 * 300 characters.
 */
public record ActionSpec(
        String id,
        int version,
        String title,
        String description,
        Risk risk,
        Effects effects,
        JsonNode inputSchema,
        JsonNode outputSchema,
        boolean idempotent,
        boolean openWorld) {

    public ActionSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(risk, "risk");
        Objects.requireNonNull(effects, "effects");
        Objects.requireNonNull(inputSchema, "inputSchema");
        Objects.requireNonNull(outputSchema, "outputSchema");
        if (description.length() > 300) {
            throw new IllegalArgumentException(id + ": description is " + description.length() + " characters, the limit is 300");
        }
    }

    public boolean readOnly() {
        return effects == Effects.NONE;
    }

    /** Destructive in the MCP sense: it may change or remove what exists, not only add. */
    public boolean destructive() {
        return effects != Effects.NONE && risk.atLeast(Risk.MEDIUM);
    }
}
