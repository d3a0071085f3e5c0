package dev.warden.api.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.json.Json;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The job.* tools over MCP: their results pass the SDK's output-schema check, and a job outlives its session. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class McpJobsTest {
    @TempDir
    Path temp;

    McpFixture fx;

    @BeforeEach
    void start() {
        fx = new McpFixture(temp);
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    private static JsonNode call(io.modelcontextprotocol.client.McpSyncClient client, String tool, Map<String, Object> args) {
        var result = client.callTool(new McpSchema.CallToolRequest(tool, args));
        assertThat(result.isError()).as(tool + ": " + result.content()).isFalse();
        return Json.toTree(result.structuredContent());
    }

    @Test
    void aJobStartedInOneSessionIsReadAndCancelledFromAnother() {
        var first = fx.client(fx.operatorToken);
        var started = call(first, "job.start", Map.of("command", "echo ready; cat"));
        assertThat(started.path("status").asString()).isEqualTo("running");
        var id = started.path("jobId").asString();
        first.closeGracefully();

        var second = fx.client(fx.operatorToken);
        var read = call(second, "job.output", Map.of("jobId", id, "waitMs", 5000));
        assertThat(read.path("data").asString()).isEqualTo("ready\n");
        assertThat(call(second, "job.input", Map.of("jobId", id, "data", "more\n")).path("pending").asBoolean()).isFalse();
        var listed = call(second, "job.list", Map.of("status", "running"));
        assertThat(listed.path("jobs").get(0).path("jobId").asString()).isEqualTo(id);
        var cancelled = call(second, "job.cancel", Map.of("jobId", id, "graceMs", 500));
        assertThat(cancelled.path("status").asString()).isEqualTo("cancelled");
        var all = call(second, "job.output", Map.of("jobId", id, "offset", 0));
        assertThat(all.path("data").asString()).isEqualTo("ready\nmore\n");
        assertThat(all.path("finished").asBoolean()).isTrue();
    }
}
