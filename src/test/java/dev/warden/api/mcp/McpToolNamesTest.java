package dev.warden.api.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.audit.AuditQuery;
import dev.warden.json.Json;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** {@code /mcp?toolNames=underscore} lists {@code fs_read}; calls accept both spellings in either mode. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class McpToolNamesTest {
    McpFixture fx;
    List<String> ids;

    @BeforeAll
    void start(@TempDir Path temp) throws Exception {
        fx = new McpFixture(temp);
        Files.writeString(fx.root.resolve("notes.txt"), "twelve bytes");
        ids = fx.warden.engine().registry().all().stream().map(a -> a.spec().id()).toList();
    }

    @AfterAll
    void stop() {
        fx.close();
    }

    @Test
    void underscoreModeListsEveryActionWithUnderscoresOnly() {
        var client = fx.client(McpFixture.ADMIN, McpHttp.PATH + "?toolNames=underscore");
        var names = client.listTools().tools().stream().map(McpSchema.Tool::name).toList();
        var expected = ids.stream().map(id -> id.replace('.', '_')).toList();
        assertThat(names).containsAll(expected).contains("confirm", "check_approval").hasSize(ids.size() + 2)
                .allSatisfy(name -> assertThat(name).matches("[A-Za-z0-9_-]+"));
        assertThat(names).contains("fs_read", "journal_undo", "shell_exec").doesNotContain("fs.read");
        var read = client.listTools().tools().stream().filter(t -> t.name().equals("fs_read")).findFirst().orElseThrow();
        assertThat(read.annotations().readOnlyHint()).isTrue();
        assertThat(read.outputSchema()).containsKey("properties");
    }

    @Test
    void dottedModeIsTheDefaultAndListsNoUnderscoreAliases() {
        var names = fx.client(McpFixture.ADMIN, McpHttp.PATH + "?toolNames=dotted").listTools().tools().stream()
                .map(McpSchema.Tool::name).toList();
        assertThat(names).contains("fs.read", "shell.exec").doesNotContain("fs_read", "shell_exec").hasSize(ids.size() + 2);
        assertThat(fx.client(McpFixture.ADMIN).listTools().tools()).extracting(McpSchema.Tool::name)
                .containsExactlyInAnyOrderElementsOf(names);
    }

    @Test
    void eitherSpellingRunsTheActionInEitherModeAndIsAuditedUnderItsId() {
        var clients = List.of(fx.client(McpFixture.ADMIN), fx.client(McpFixture.ADMIN, McpHttp.PATH + "?toolNames=underscore"));
        for (var client : clients) {
            for (var name : List.of("fs.stat", "fs_stat")) {
                var result = client.callTool(new McpSchema.CallToolRequest(name, Map.of("path", "notes.txt")));
                assertThat(result.isError()).as(name).isFalse();
                assertThat(Json.toTree(result.structuredContent()).path("size").asLong()).isEqualTo(12);
                var audited = new AuditQuery(fx.warden.database()).latest(1).getFirst();
                assertThat(audited.action()).isEqualTo("fs.stat");
            }
        }
    }

    @Test
    void aViewerInUnderscoreModeStillSeesOnlyWhatItMayRun() {
        var names = fx.client(fx.viewerToken, McpHttp.PATH + "?toolNames=underscore").listTools().tools().stream()
                .map(McpSchema.Tool::name).toList();
        assertThat(names).contains("fs_read", "shell_exec").doesNotContain("fs_write", "fs_delete", "fs.read");
        var refused = fx.client(fx.viewerToken).callTool(new McpSchema.CallToolRequest("fs_write",
                Map.of("path", "new.txt", "content", "x")));
        assertThat(refused.isError()).isTrue();
        assertThat(McpHttpTest.structured(refused).path("code").asString()).isEqualTo("role_insufficient");
        assertThat(fx.root.resolve("new.txt")).doesNotExist();
    }

    @Test
    void anUnknownSpellingIsRefusedWithAHint() throws Exception {
        var response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(fx.baseUrl() + McpHttp.PATH
                        + "?toolNames=camel"))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + McpFixture.ADMIN)
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",
                         "capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(400);
        var problem = Json.parse(response.body());
        assertThat(problem.path("code").asString()).isEqualTo("invalid_tool_names");
        assertThat(problem.path("hint").asString()).contains("toolNames=underscore");
    }
}
