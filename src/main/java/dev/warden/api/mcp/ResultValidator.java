package dev.warden.api.mcp;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.warden.json.Json;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * Checks each tool result against its tool's output schema before it is sent, in place of the
 * SDK's default validator. That one compiles or looks up the schema by hashing the whole schema on
 * every call, converts the result to a tree, and renders every valid result to a string it then
 * drops. Here the schemas are compiled once, looked up by identity (the SDK passes the tool's own
 * schema map), and the result is checked as the tree {@link ToolResults} hands over.
 *
 * <p>A valid result carries no rendering: the SDK would use one only as the text of a result
 * without content, and Warden's results always carry their own text.
 */
final class ResultValidator implements JsonSchemaValidator {
    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    // Filled in the constructor and only read afterwards, so shared without a lock.
    private final Map<Map<String, Object>, Schema> compiled = new IdentityHashMap<>();

    ResultValidator(List<McpSchema.Tool> tools) {
        for (var tool : tools) {
            if (tool.outputSchema() != null) compiled.put(tool.outputSchema(), compile(tool.outputSchema()));
        }
    }

    @Override
    public ValidationResponse validate(Map<String, Object> schema, Object structuredContent) {
        var known = compiled.get(schema);
        var checked = known != null ? known : compile(schema);
        JsonNode tree = structuredContent instanceof JsonNode node ? node : Json.MAPPER.valueToTree(structuredContent);
        var errors = checked.validate(tree);
        if (errors.isEmpty()) return ValidationResponse.asValid(null);
        return ValidationResponse.asInvalid("the result does not match the tool's output schema: "
                + errors.stream().map(e -> e.getInstanceLocation() + " " + e.getMessage()).collect(Collectors.joining("; ")));
    }

    private Schema compile(Map<String, Object> schema) {
        var compiledSchema = registry.getSchema(Json.MAPPER.valueToTree(schema));
        compiledSchema.initializeValidators();
        return compiledSchema;
    }
}
