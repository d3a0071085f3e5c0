package dev.warden.api.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.json.Json;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Over stdio too, a client that declared elicitation is asked to confirm, with the preview: the
 * request to the client and its answer travel on the same pipes as the call, while the call waits.
 */
class McpStdioElicitationTest {

    @Test
    void theClientIsAskedAndOnlyAnAcceptedRequestRuns(@TempDir Path temp) throws Exception {
        var root = Files.createDirectories(temp.resolve("root"));
        var doomed = Files.writeString(root.resolve("doomed.txt"), "bye");
        var kept = Files.writeString(root.resolve("kept.txt"), "stay");
        var asked = new CopyOnWriteArrayList<McpSchema.ElicitFormRequest>();
        var params = ServerParameters.builder(McpStdioTest.javaBin())
                .args(McpStdioTest.wardenMcp(temp.resolve("data"), root))
                .build();
        var transport = new StdioClientTransport(params, McpJsonDefaults.getMapper());
        transport.setStdErrorHandler(line -> { });
        try (var client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(30))
                .initializationTimeout(Duration.ofSeconds(60))
                .capabilities(McpSchema.ClientCapabilities.builder().elicitation().build())
                .elicitation(request -> {
                    asked.add(request);
                    // The person agrees to delete doomed.txt and declines anything else.
                    return request.message().contains("doomed.txt")
                            ? new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.ACCEPT, Map.of("confirm", true))
                            : new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.DECLINE, null);
                })
                .build()) {
            client.initialize();

            var accepted = client.callTool(new McpSchema.CallToolRequest("fs.delete", Map.of("path", "doomed.txt")));
            assertThat(accepted.isError()).as(McpHttpTest.text(accepted)).isFalse();
            assertThat(doomed).doesNotExist();

            var declined = client.callTool(new McpSchema.CallToolRequest("fs.delete", Map.of("path", "kept.txt")));
            assertThat(declined.isError()).isTrue();
            var body = McpHttpTest.structured(declined);
            assertThat(body.path("code").asString()).isEqualTo("confirmation_declined");
            assertThat(body.path("hint").asString()).isNotBlank();
            assertThat(body.has("confirmToken")).as("a declined request leaves no token to replay").isFalse();
            assertThat(Files.readString(kept)).isEqualTo("stay");

            assertThat(asked).hasSize(2);
            assertThat(asked.getFirst().message()).contains("fs.delete", "Preview:", "doomed.txt");
            assertThat(asked.getFirst().requestedSchema()).containsKey("properties");

            // The audit trail, read back over the same session: each request held, then only the accepted one done.
            var tail = (McpSchema.TextResourceContents) client.readResource(
                    new McpSchema.ReadResourceRequest("warden://audit/tail")).contents().getFirst();
            var outcomes = new ArrayList<String>();
            for (JsonNode record : Json.parse(tail.text())) {
                if (record.path("action").asString().equals("fs.delete")) outcomes.add(record.path("outcome").asString());
            }
            assertThat(outcomes).containsExactly("needs_confirmation", "done", "needs_confirmation");
            client.closeGracefully();
        }
    }

    @Test
    void aClientWithoutElicitationGetsTheTokenAndTheConfirmTool(@TempDir Path temp) throws Exception {
        var root = Files.createDirectories(temp.resolve("root"));
        var doomed = Files.writeString(root.resolve("doomed.txt"), "bye");
        var params = ServerParameters.builder(McpStdioTest.javaBin())
                .args(McpStdioTest.wardenMcp(temp.resolve("data"), root))
                .build();
        var transport = new StdioClientTransport(params, McpJsonDefaults.getMapper());
        transport.setStdErrorHandler(line -> { });
        try (var client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(30))
                .initializationTimeout(Duration.ofSeconds(60)).build()) {
            client.initialize();
            var held = client.callTool(new McpSchema.CallToolRequest("fs.delete", Map.of("path", "doomed.txt")));
            var body = McpHttpTest.structured(held);
            assertThat(body.path("code").asString()).isEqualTo("confirmation_required");
            assertThat(doomed).exists();
            var confirmed = client.callTool(new McpSchema.CallToolRequest("confirm",
                    Map.of("token", body.path("confirmToken").asString())));
            assertThat(confirmed.isError()).as(McpHttpTest.text(confirmed)).isFalse();
            assertThat(doomed).doesNotExist();
            client.closeGracefully();
        }
    }
}
