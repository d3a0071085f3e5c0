package dev.warden.api.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.audit.AuditQuery;
import dev.warden.json.Json;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A client that declared elicitation is asked to confirm, with the preview, instead of getting a token. */
class McpElicitationTest {
    @TempDir
    Path temp;

    McpFixture fx;
    final List<McpSchema.ElicitFormRequest> asked = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        fx = new McpFixture(temp);
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    McpSyncClient client(Function<McpSchema.ElicitFormRequest, McpSchema.ElicitResult> person) {
        var transport = HttpClientStreamableHttpTransport.builder(fx.baseUrl()).endpoint(McpHttp.PATH)
                .httpRequestCustomizer((request, method, uri, body, context) ->
                        request.header("Authorization", "Bearer " + McpFixture.ADMIN))
                .build();
        var client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(30))
                .capabilities(McpSchema.ClientCapabilities.builder().elicitation().build())
                .elicitation(request -> {
                    asked.add(request);
                    return person.apply(request);
                })
                .build();
        client.initialize();
        return client;
    }

    @Test
    void anAcceptedElicitationRunsTheHeldRequestOnce() throws Exception {
        var file = Files.writeString(fx.root.resolve("doomed.txt"), "bye");
        try (var client = client(request -> new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.ACCEPT,
                Map.of("confirm", true)))) {
            var result = client.callTool(new McpSchema.CallToolRequest("fs.delete", Map.of("path", "doomed.txt")));
            assertThat(result.isError()).isFalse();
            assertThat(Files.exists(file)).isFalse();
            assertThat(asked).hasSize(1);
            assertThat(asked.getFirst().message()).contains("fs.delete", "Preview:", "doomed.txt");
            assertThat(asked.getFirst().requestedSchema()).containsKey("properties");
        }
        var actions = new AuditQuery(fx.warden.database()).latest(2).stream().map(r -> r.outcome()).toList();
        assertThat(actions).containsExactly("done", "needs_confirmation");
    }

    @Test
    void aDeclinedOrDismissedElicitationDoesNothing() throws Exception {
        var file = Files.writeString(fx.root.resolve("kept.txt"), "stay");
        for (var action : List.of(McpSchema.ElicitResult.Action.DECLINE, McpSchema.ElicitResult.Action.CANCEL)) {
            try (var client = client(request -> new McpSchema.ElicitResult(action, null))) {
                var result = client.callTool(new McpSchema.CallToolRequest("fs.delete", Map.of("path", "kept.txt")));
                assertThat(result.isError()).isTrue();
                var body = McpHttpTest.structured(result);
                assertThat(body.path("code").asString()).isEqualTo("confirmation_declined");
                assertThat(body.path("hint").asString()).isNotBlank();
            }
        }
        assertThat(Files.readString(file)).isEqualTo("stay");
        assertThat(asked).hasSize(2);
    }

    @Test
    void acceptingWithConfirmFalseIsADecline() throws Exception {
        var file = Files.writeString(fx.root.resolve("kept.txt"), "stay");
        try (var client = client(request -> new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.ACCEPT,
                Map.of("confirm", false)))) {
            var result = client.callTool(new McpSchema.CallToolRequest("fs.delete", Map.of("path", "kept.txt")));
            assertThat(McpHttpTest.structured(result).path("code").asString()).isEqualTo("confirmation_declined");
        }
        assertThat(Files.exists(file)).isTrue();
    }
}
