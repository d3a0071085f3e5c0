package dev.warden.agent;

import dev.warden.agent.ChatSession.Call;
import dev.warden.agent.ChatSession.Waiting;
import dev.warden.json.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/**
 * Required fields a model left out of a call, asked of the person one at a time: only those
 * fields, each with its description, and a numbered list when the schema names the choices.
 */
final class Fields {
    private Fields() {}

    /** The first required top-level field {@code input} lacks. */
    static Optional<String> missing(JsonNode schema, JsonNode input) {
        for (var name : schema.path("required")) {
            var field = name.asString();
            if (!input.has(field) || input.get(field).isNull()) return Optional.of(field);
        }
        return Optional.empty();
    }

    static Waiting.ForField waiting(Call call, JsonNode schema, String field) {
        var fieldSchema = schema.path("properties").path(field);
        var options = new ArrayList<String>();
        fieldSchema.path("enum").forEach(v -> options.add(v.asString()));
        if (options.isEmpty() && fieldSchema.path("type").asString("").equals("boolean")) options.addAll(List.of("true", "false"));
        return new Waiting.ForField(call, field, fieldSchema, options);
    }

    static String question(Waiting.ForField field) {
        var text = new StringBuilder("To run ").append(field.call().actionId()).append(" I need ").append(field.field());
        var description = field.schema().path("description").asString("");
        if (!description.isBlank()) text.append(" (").append(description.strip().replaceAll("\\.$", "")).append(")");
        text.append(field.options().isEmpty() ? "." : ". Choose one:");
        for (int i = 0; i < field.options().size(); i++) text.append("\n  ").append(i + 1).append(". ").append(field.options().get(i));
        return text.toString();
    }

    /** The reply as the field's JSON value; null when it is not one (the question is asked again). */
    static JsonNode parse(String reply, Waiting.ForField field) {
        var text = reply.strip();
        if (text.isEmpty()) return null;
        if (!field.options().isEmpty()) {
            var choice = Replies.choice(text, field.options());
            if (choice.isEmpty()) return null;
            var value = field.options().get(choice.getAsInt());
            return switch (field.schema().path("type").asString("string")) {
                case "boolean" -> Json.MAPPER.getNodeFactory().booleanNode(Boolean.parseBoolean(value));
                case "integer", "number" -> Json.parse(value);
                default -> Json.MAPPER.getNodeFactory().stringNode(value);
            };
        }
        var factory = Json.MAPPER.getNodeFactory();
        try {
            return switch (field.schema().path("type").asString("string")) {
                case "integer" -> factory.numberNode(Long.parseLong(text));
                case "number" -> factory.numberNode(Double.parseDouble(text));
                case "array" -> {
                    ArrayNode list = factory.arrayNode();
                    Arrays.stream(text.split(",")).map(String::strip).filter(t -> !t.isEmpty()).forEach(list::add);
                    yield list.isEmpty() ? null : list;
                }
                case "object" -> {
                    var node = Json.parse(text);
                    yield node.isObject() ? node : null;
                }
                default -> factory.stringNode(text);
            };
        } catch (RuntimeException e) {
            return null;
        }
    }
}
