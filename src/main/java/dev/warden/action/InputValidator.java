package dev.warden.action;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Validates inputs against each action's JSON Schema (draft 2020-12). Schemas are compiled once,
 * when the validator is built, so a call costs only the walk over its input.
 */
public final class InputValidator {

    /** One violation: where in the input ({@code $.path}) and what is wrong. */
    public record Violation(String path, String message) {}

    private final Map<String, Schema> schemas;

    public InputValidator(ActionRegistry registry) {
        var factory = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
        var compiled = new HashMap<String, Schema>();
        for (var action : registry.all()) {
            var spec = action.spec();
            var schema = factory.getSchema(spec.inputSchema());
            schema.initializeValidators();
            compiled.put(spec.id(), schema);
        }
        this.schemas = Map.copyOf(compiled);
    }

    public List<Violation> validate(String actionId, JsonNode input) {
        var schema = schemas.get(actionId);
        if (schema == null) throw new IllegalArgumentException("no schema for " + actionId);
        if (input == null || !input.isObject()) {
            return List.of(new Violation("$", "the input must be a JSON object"));
        }
        return schema.validate(input).stream()
                .map(e -> new Violation(path(e), message(e)))
                .distinct()
                .toList();
    }

    /** JSONPath form ({@code $.env.HOME}, {@code $.argv[0]}) whatever path style the library was built with. */
    private static String path(com.networknt.schema.Error error) {
        var out = new StringBuilder("$");
        var location = error.getInstanceLocation();
        for (int i = 0; i < location.getNameCount(); i++) {
            if (location.getElement(i) instanceof Integer index) out.append('[').append(index).append(']');
            else appendName(out, location.getName(i));
        }
        var keyword = error.getKeyword();
        if (("additionalProperties".equals(keyword) || "required".equals(keyword)) && error.getProperty() != null) {
            appendName(out, error.getProperty());
        }
        return out.toString();
    }

    private static void appendName(StringBuilder out, String name) {
        if (name.matches("[A-Za-z_][A-Za-z0-9_]*")) out.append('.').append(name);
        else out.append("['").append(name.replace("'", "\\'")).append("']");
    }

    private static String message(com.networknt.schema.Error error) {
        var message = error.getMessage();
        if ("additionalProperties".equals(error.getKeyword())) {
            return "unknown field '" + error.getProperty() + "': it is not part of this action's input";
        }
        return message;
    }
}
