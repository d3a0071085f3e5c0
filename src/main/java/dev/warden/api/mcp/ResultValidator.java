package dev.warden.api.mcp;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.warden.json.Json;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * Checks each tool result against its tool's output schema before it is sent, in place of the
 * SDK's default validator. That one looked its compiled schema up by hashing the whole schema map
 * on every call, converted the result to a tree, and rendered every valid result to a string it
 * then dropped. Here each schema is compiled on its first use and found again by identity (the SDK
 * passes the tool's own schema map every time), and the result is checked as the tree
 * {@link ToolResults} hands over.
 *
 * <p>A valid result carries no rendering: the SDK would use one only as the text of a result
 * without content, and Warden's results always carry their own text.
 */
final class ResultValidator implements JsonSchemaValidator {
    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    // Compiled on first use rather than for every tool at start-up, which most sessions never call.
    private final Map<Identity, Schema> compiled = new ConcurrentHashMap<>();

    /** A schema map by identity: hashing its contents on every call is what this class avoids. */
    private record Identity(Map<String, Object> schema) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Identity that && that.schema == schema;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(schema);
        }
    }

    @Override
    public ValidationResponse validate(Map<String, Object> schema, Object structuredContent) {
        var checked = compiled.computeIfAbsent(new Identity(schema), key -> compile(key.schema()));
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
