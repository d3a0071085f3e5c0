package dev.warden.llm;

import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * A tool the model may call: for the agent, one action from the registry. {@code parameters} is a JSON
 * Schema whose root is an object (an action's input schema). Both OpenAI and Anthropic accept only
 * {@code [A-Za-z0-9_-]{1,64}} as a tool name, so an action id such as {@code fs.read} must be mapped
 * (e.g. to {@code fs_read}) by the caller, and mapped back when the model calls it.
 */
public record ToolSpec(String name, String description, JsonNode parameters) {
    public ToolSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(parameters, "parameters");
        description = description == null ? "" : description;
        if (!name.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new IllegalArgumentException("a tool name must be 1-64 letters, digits, '_' or '-' (providers refuse others), was '" + name + "'");
        }
        if (!parameters.isObject()) throw new IllegalArgumentException("the parameters of " + name + " must be a JSON Schema object");
    }
}
