package dev.warden.llm;

import java.util.Objects;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A tool the model asked to call. {@code arguments} is exactly what the model sent: a model can emit
 * JSON that does not parse, and the agent must be able to send that back with the parse error
 * instead of losing the call.
 */
public record ToolCall(String id, String name, String arguments) {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    public ToolCall {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        arguments = arguments == null ? "" : arguments;
    }

    /** The arguments as a JSON object, or empty when they are not one (see {@link #argumentsError()}). */
    public Optional<JsonNode> parsedArguments() {
        try {
            var node = JSON.readTree(arguments.isBlank() ? "{}" : arguments);
            return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
        } catch (JacksonException e) {
            return Optional.empty();
        }
    }

    /** Why the arguments are not a JSON object, worded for the model; empty when they are. */
    public Optional<String> argumentsError() {
        try {
            var node = JSON.readTree(arguments.isBlank() ? "{}" : arguments);
            return node != null && node.isObject() ? Optional.empty()
                    : Optional.of("the arguments of " + name + " must be a JSON object");
        } catch (JacksonException e) {
            return Optional.of("the arguments of " + name + " are not valid JSON: " + e.getOriginalMessage());
        }
    }
}
