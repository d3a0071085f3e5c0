package dev.warden.api.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.json.Json;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultValidatorTest {
    private static final Map<String, Object> SCHEMA = Map.of("type", "object",
            "properties", Map.of("content", Map.of("type", "string"), "size", Map.of("type", "integer", "minimum", 0)),
            "required", List.of("content", "size"), "additionalProperties", false);
    private static final McpSchema.Tool TOOL = McpSchema.Tool.builder().name("fs.read")
            .inputSchema(new McpSchema.JsonSchema("object", Map.of(), List.of(), null, null, null))
            .outputSchema(SCHEMA).build();

    private final ResultValidator validator = new ResultValidator();

    @Test
    void aMatchingTreeIsValidAndIsNotRenderedAgain() {
        var response = validator.validate(TOOL.outputSchema(), Json.parse("{\"content\": \"text\", \"size\": 4}"));
        assertThat(response.valid()).isTrue();
        assertThat(response.jsonStructuredOutput()).isNull();
    }

    @Test
    void aTreeThatBreaksTheSchemaIsInvalidAndSaysWhere() {
        var response = validator.validate(TOOL.outputSchema(), Json.parse("{\"content\": 7, \"size\": -1, \"extra\": true}"));
        assertThat(response.valid()).isFalse();
        assertThat(response.errorMessage()).contains("output schema", "/content", "/size", "extra");

        var missing = validator.validate(TOOL.outputSchema(), Json.parse("{\"content\": \"text\"}"));
        assertThat(missing.valid()).isFalse();
        assertThat(missing.errorMessage()).contains("size");
    }

    @Test
    void anotherSchemaAndAResultAsAMapAreCheckedToo() {
        var other = Map.<String, Object>of("type", "object", "required", List.of("id"));
        assertThat(validator.validate(other, Map.of("id", "x")).valid()).isTrue();
        assertThat(validator.validate(other, Map.of("name", "x")).valid()).isFalse();
        assertThat(validator.validate(TOOL.outputSchema(), Map.of("content", "text", "size", 4)).valid()).isTrue();
    }
}
