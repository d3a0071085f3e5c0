package dev.warden.api.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.audit.AuditQuery;
import dev.warden.identity.Members;
import dev.warden.identity.Role;
import dev.warden.json.Json;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The MCP front over Streamable HTTP, driven by the MCP Java SDK's own client. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class McpHttpTest {
    private static final String INITIALIZE = """
            {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",
             "capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""";

    McpFixture fx;
    McpSyncClient admin;

    @BeforeAll
    void start(@TempDir Path temp) {
        fx = new McpFixture(temp);
        admin = fx.client(McpFixture.ADMIN);
        admin.listTools();
    }

    @AfterAll
    void stop() {
        fx.close();
    }

    @Test
    void initializeNegotiatesACurrentProtocolVersion() {
        var init = admin.getCurrentInitializationResult();
        assertThat(init.protocolVersion()).isIn("2025-11-25", "2025-06-18");
        assertThat(init.serverInfo().name()).isEqualTo("warden");
        assertThat(init.capabilities().tools()).isNotNull();
        assertThat(init.instructions()).contains("confirm");
    }

    @Test
    void anAdminListsEveryActionWithItsSchemasAndAnnotations() throws IOException {
        var list = admin.listTools();
        var ids = fx.warden.engine().registry().all().stream().map(a -> a.spec().id()).toList();
        assertThat(list.tools()).extracting(McpSchema.Tool::name).containsAll(ids).contains("confirm", "check_approval").hasSize(ids.size() + 2);

        var read = tool(list, "fs.read");
        assertThat(read.description()).isEqualTo(fx.warden.engine().registry().find("fs.read").orElseThrow().spec().description());
        assertThat(read.inputSchema()).containsEntry("type", "object").containsKey("properties").doesNotContainKey("$schema");
        assertThat(read.outputSchema()).containsEntry("type", "object").doesNotContainKey("$schema");
        assertThat(read.annotations().title()).isEqualTo("Read a file");
        assertThat(read.annotations().readOnlyHint()).isTrue();
        assertThat(read.annotations().destructiveHint()).isFalse();
        assertThat(read.annotations().idempotentHint()).isTrue();
        assertThat(read.annotations().openWorldHint()).isFalse();

        var delete = tool(list, "fs.delete");
        assertThat(delete.annotations().readOnlyHint()).isFalse();
        assertThat(delete.annotations().destructiveHint()).isTrue();
        assertThat(tool(list, "shell.exec").annotations().openWorldHint()).isTrue();
        assertThat(tool(list, "fs.mkdir").annotations().destructiveHint()).isFalse();

        // Every token of tools/list is paid by the agent on every turn: keep an eye on its size. The
        // measured figure is in docs/ARCHITECTURE.md (MCP front); a new action that grows the list past
        // this bound should update both.
        var size = McpJsonDefaults.getMapper().writeValueAsString(list).length();
        System.err.println("tools/list for an admin: " + size + " characters, " + list.tools().size() + " tools");
        assertThat(size).isLessThan(40_000);
    }

    @Test
    void aViewerSeesOnlyReadActionsAndANarrowedTokenOnlyItsPatterns() {
        var viewer = fx.client(fx.viewerToken);
        assertThat(viewer.listTools().tools()).extracting(McpSchema.Tool::name)
                .containsExactlyInAnyOrder("fs.list", "fs.read", "fs.search", "fs.stat", "shell.exec", "job.start", "job.output",
                        "job.input", "job.cancel", "job.list", "sys.info", "sys.metrics", "proc.list", "proc.info", "memory.list",
                        "confirm", "check_approval");

        Members.add(fx.warden.users(), fx.warden.projects(), "default", "nina", Role.OPERATOR);
        var narrow = fx.warden.tokens().create("narrow", "nina", "default", Role.OPERATOR, null, List.of("fs.read", "fs.w*")).secret();
        assertThat(fx.client(narrow).listTools().tools()).extracting(McpSchema.Tool::name)
                .containsExactlyInAnyOrder("fs.read", "fs.write", "confirm", "check_approval");

        var operator = fx.client(fx.operatorToken);
        assertThat(operator.listTools().tools()).extracting(McpSchema.Tool::name)
                .contains("fs.write", "shell.exec").doesNotContain("fs.delete");
    }

    @Test
    void aViewerListsShellExecRunsAReadOnlyCommandAndIsRefusedAWritingOne() throws IOException {
        var viewer = fx.client(fx.viewerToken);
        assertThat(viewer.listTools().tools()).extracting(McpSchema.Tool::name)
                .contains("shell.exec").doesNotContain("fs.write", "fs.delete");
        Files.writeString(fx.root.resolve("x"), "keep");

        var ls = viewer.callTool(new McpSchema.CallToolRequest("shell.exec", Map.of("argv", List.of("ls"))));
        assertThat(ls.isError()).isFalse();
        assertThat(structured(ls).path("exitCode").asInt()).isZero();
        assertThat(structured(ls).path("stdout").asString()).contains("x");

        var rm = viewer.callTool(new McpSchema.CallToolRequest("shell.exec", Map.of("command", "rm x")));
        assertThat(rm.isError()).isTrue();
        assertThat(structured(rm).path("code").asString()).isEqualTo("role_insufficient");
        assertThat(Files.readString(fx.root.resolve("x"))).isEqualTo("keep");
    }

    @Test
    void aViewerCallingAWriteToolAnywayIsDeniedByTheEngine() throws IOException {
        var viewer = fx.client(fx.viewerToken);
        viewer.listTools();
        var result = viewer.callTool(new McpSchema.CallToolRequest("fs.write", Map.of("path", "v.txt", "content", "x")));
        assertThat(result.isError()).isTrue();
        assertThat(structured(result).path("code").asString()).isEqualTo("role_insufficient");
        assertThat(Files.exists(fx.root.resolve("v.txt"))).isFalse();
    }

    @Test
    void fsReadAnswersWithStructuredContentAndText() throws IOException {
        Files.writeString(fx.root.resolve("hello.txt"), "hello over MCP\n");
        var result = admin.callTool(new McpSchema.CallToolRequest("fs.read", Map.of("path", "hello.txt")));
        assertThat(result.isError()).isFalse();
        var structured = structured(result);
        assertThat(structured.path("content").asString()).isEqualTo("hello over MCP\n");
        assertThat(text(result)).contains("hello over MCP");
        assertThat(Json.parse(text(result))).isEqualTo(structured);

        var audit = new AuditQuery(fx.warden.database()).latest(20);
        assertThat(audit).anySatisfy(r -> {
            assertThat(r.action()).isEqualTo("fs.read");
            assertThat(r.origin()).isEqualTo("mcp");
            assertThat(r.outcome()).isEqualTo("done");
        });
    }

    @Test
    void aPathOutsideTheRootsIsAnErrorResultWithItsCodeAndHint() {
        var result = admin.callTool(new McpSchema.CallToolRequest("fs.read", Map.of("path", "/etc/passwd")));
        assertThat(result.isError()).isTrue();
        var body = structured(result);
        assertThat(body.path("code").asString()).isEqualTo("path_outside_roots");
        assertThat(body.path("message").asString()).isNotBlank();
        assertThat(body.path("hint").asString()).isNotBlank();
        assertThat(body.path("auditSeq").asLong()).isPositive();
        assertThat(text(result)).contains("path_outside_roots");
    }

    @Test
    void invalidInputListsEachErrorWithItsJsonPath() {
        var result = admin.callTool(new McpSchema.CallToolRequest("fs.read", Map.of("path", 5, "bogus", true)));
        assertThat(result.isError()).isTrue();
        var body = structured(result);
        assertThat(body.path("code").asString()).isEqualTo("invalid_input");
        assertThat(body.path("errors").isArray()).isTrue();
        assertThat(body.path("errors").size()).isGreaterThanOrEqualTo(2);
        body.path("errors").forEach(e -> assertThat(e.path("path").asString()).startsWith("$"));
        assertThat(body.path("errors").toString()).contains("$.path");
    }

    @Test
    void anUnknownToolIsAProtocolErrorFromTheSdk() {
        // The SDK answers a name it does not list with JSON-RPC -32602 before any handler runs.
        assertThatThrownBy(() -> admin.callTool(new McpSchema.CallToolRequest("fs.raed", Map.of("path", "x"))))
                .isInstanceOf(McpError.class)
                .hasMessageContaining("Unknown tool");
    }

    @Test
    void aDeleteNeedsConfirmationWhichTheConfirmToolGivesOnce() throws IOException {
        var file = Files.writeString(fx.root.resolve("doomed.txt"), "bye");
        var asked = admin.callTool(new McpSchema.CallToolRequest("fs.delete", Map.of("path", "doomed.txt")));
        assertThat(asked.isError()).isTrue();
        var body = structured(asked);
        assertThat(body.path("code").asString()).isEqualTo("confirmation_required");
        assertThat(body.path("expiresAt").asString()).isNotBlank();
        assertThat(body.path("preview").isObject()).isTrue();
        assertThat(body.path("hint").asString()).contains("confirm");
        var token = body.path("confirmToken").asString();
        assertThat(Files.exists(file)).isTrue();

        // Another principal holding the token gets nothing done with it.
        var operator = fx.client(fx.operatorToken);
        var stolen = operator.callTool(new McpSchema.CallToolRequest("confirm", Map.of("token", token)));
        assertThat(stolen.isError()).isTrue();
        assertThat(Files.exists(file)).isTrue();

        var confirmed = admin.callTool(new McpSchema.CallToolRequest("confirm", Map.of("token", token)));
        assertThat(confirmed.isError()).isFalse();
        assertThat(structured(confirmed).path("path").asString()).endsWith("doomed.txt");
        assertThat(Files.exists(file)).isFalse();

        var replay = admin.callTool(new McpSchema.CallToolRequest("confirm", Map.of("token", token)));
        assertThat(replay.isError()).isTrue();
        assertThat(structured(replay).path("code").asString()).isEqualTo("not_found");
    }

    @Test
    void aConfirmationTokenWorksOnce() throws IOException {
        var config = Files.createDirectories(fx.root.resolve("repo/.git")).resolve("config");
        var asked = admin.callTool(new McpSchema.CallToolRequest("fs.write", Map.of("path", "repo/.git/config", "content", "[core]\n")));
        assertThat(structured(asked).path("code").asString()).isEqualTo("confirmation_required");
        var token = structured(asked).path("confirmToken").asString();
        assertThat(Files.exists(config)).isFalse();

        var confirmed = admin.callTool(new McpSchema.CallToolRequest("confirm", Map.of("token", token)));
        assertThat(confirmed.isError()).isFalse();
        assertThat(Files.readString(config)).isEqualTo("[core]\n");
        Files.writeString(config, "changed since");

        var replay = admin.callTool(new McpSchema.CallToolRequest("confirm", Map.of("token", token)));
        assertThat(replay.isError()).isTrue();
        assertThat(structured(replay).path("code").asString()).isEqualTo("confirmation_used");
        assertThat(Files.readString(config)).isEqualTo("changed since");
    }

    @Test
    void confirmRefusesAnUnknownTokenAndAMissingOne() {
        var unknown = admin.callTool(new McpSchema.CallToolRequest("confirm", Map.of("token", "nope")));
        assertThat(unknown.isError()).isTrue();
        assertThat(structured(unknown).path("code").asString()).isEqualTo("confirmation_unknown");

        var missing = admin.callTool(new McpSchema.CallToolRequest("confirm", Map.of()));
        assertThat(missing.isError()).isTrue();
        assertThat(structured(missing).path("code").asString()).isEqualTo("invalid_input");
    }

    @Test
    void withoutAValidTokenTheEndpointAnswers401() throws Exception {
        var none = post(null, null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(Json.parse(none.body()).path("code").asString()).isEqualTo("unauthenticated");

        var bad = post("wdn_not-a-token", null);
        assertThat(bad.statusCode()).isEqualTo(401);
        assertThat(Json.parse(bad.body()).path("code").asString()).isEqualTo("invalid_token");
    }

    @Test
    void aForeignOriginIsRefusedEvenWithAValidToken() throws Exception {
        var evil = post(McpFixture.ADMIN, "http://evil.example");
        assertThat(evil.statusCode()).isEqualTo(403);
        assertThat(Json.parse(evil.body()).path("code").asString()).isEqualTo("origin_not_allowed");

        var rebound = post(McpFixture.ADMIN, "http://127.0.0.1.evil.example:" + fx.server.port());
        assertThat(rebound.statusCode()).isEqualTo(403);

        var local = post(McpFixture.ADMIN, "http://localhost:" + fx.server.port());
        assertThat(local.statusCode()).isEqualTo(200);
    }

    @Test
    void aForeignHostIsRefusedEvenWithAValidToken() throws Exception {
        var evil = rawPost("evil.example");
        assertThat(evil).startsWith("HTTP/1.1 403");
        assertThat(evil).contains("host_not_allowed");

        var rebound = rawPost("127.0.0.1.evil.example:" + fx.server.port());
        assertThat(rebound).startsWith("HTTP/1.1 403").contains("host_not_allowed");

        assertThat(rawPost("localhost:" + fx.server.port())).startsWith("HTTP/1.1 200");
        assertThat(rawPost("127.0.0.1:" + fx.server.port())).startsWith("HTTP/1.1 200");
        assertThat(rawPost("[::1]:" + fx.server.port())).startsWith("HTTP/1.1 200");
    }

    @Test
    void aWildcardListenerAcceptsIpLiteralsButNoForeignName() {
        var guard = new McpRequestGuard(fx.warden.tokens(), "0.0.0.0");
        assertThat(guard.allowedHost("192.168.1.20")).isTrue();
        assertThat(guard.allowedHost("localhost")).isTrue();
        assertThat(guard.allowedHost("evil.example")).isFalse();
        var named = new McpRequestGuard(fx.warden.tokens(), "warden.lan");
        assertThat(named.allowedHost("WARDEN.lan")).isTrue();
        assertThat(named.allowedHost("192.168.1.20")).isFalse();
        assertThat(named.allowedHost(null)).isFalse();
    }

    /** The JDK's HttpClient will not send a chosen Host header, so this speaks HTTP/1.1 on a socket. */
    private String rawPost(String host) throws IOException {
        var body = INITIALIZE.getBytes(StandardCharsets.UTF_8);
        try (var socket = new Socket("127.0.0.1", fx.server.port())) {
            socket.setSoTimeout(30_000);
            var head = "POST " + McpHttp.PATH + " HTTP/1.1\r\n"
                    + "Host: " + host + "\r\n"
                    + "Authorization: Bearer " + McpFixture.ADMIN + "\r\n"
                    + "Content-Type: application/json\r\n"
                    + "Accept: application/json, text/event-stream\r\n"
                    + "Content-Length: " + body.length + "\r\n"
                    + "Connection: close\r\n\r\n";
            var out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void anAdminReadsTheAuditTailNewestFirst() {
        admin.callTool(new McpSchema.CallToolRequest("fs.stat", Map.of("path", "tail-marker.txt")));
        var listed = admin.listResources().resources();
        assertThat(listed).extracting(McpSchema.Resource::uri).contains("warden://audit/tail", "warden://policy");
        assertThat(listed).filteredOn(r -> r.uri().equals("warden://audit/tail"))
                .singleElement().satisfies(r -> assertThat(r.mimeType()).isEqualTo("application/json"));

        var read = admin.readResource(new McpSchema.ReadResourceRequest("warden://audit/tail"));
        var contents = (McpSchema.TextResourceContents) read.contents().getFirst();
        assertThat(contents.uri()).isEqualTo("warden://audit/tail");
        var records = Json.parse(contents.text());
        assertThat(records.isArray()).isTrue();
        assertThat(records.size()).isBetween(1, 50);
        assertThat(records.get(0).path("action").asString()).isEqualTo("fs.stat");
        assertThat(records.get(0).path("input").toString()).contains("tail-marker.txt");
        var newest = new AuditQuery(fx.warden.database()).latest(1).getFirst();
        assertThat(records.get(0).path("seq").asLong()).isEqualTo(newest.seq());
        for (int i = 1; i < records.size(); i++) {
            assertThat(records.get(i).path("seq").asLong()).isLessThan(records.get(i - 1).path("seq").asLong());
        }
    }

    @Test
    void aViewerOrOperatorReadingTheAuditTailGetsAnError() {
        for (var token : List.of(fx.viewerToken, fx.operatorToken)) {
            var client = fx.client(token);
            assertThatThrownBy(() -> client.readResource(new McpSchema.ReadResourceRequest("warden://audit/tail")))
                    .isInstanceOf(McpError.class)
                    .hasMessageContaining("Only admins");
        }
    }

    @Test
    void everyPrincipalReadsThePolicyInForce() throws IOException {
        var expected = Files.readString(fx.dataDir.resolve("policy.yaml"));
        for (var client : List.of(admin, fx.client(fx.viewerToken))) {
            var read = client.readResource(new McpSchema.ReadResourceRequest("warden://policy"));
            var contents = (McpSchema.TextResourceContents) read.contents().getFirst();
            assertThat(contents.mimeType()).isEqualTo("application/yaml");
            assertThat(contents.text()).isEqualTo(expected).isNotBlank();
        }
    }

    @Test
    void anUnknownResourceIsAnError() {
        assertThatThrownBy(() -> admin.readResource(new McpSchema.ReadResourceRequest("warden://nope")))
                .isInstanceOf(McpError.class);
    }

    @Test
    void theGuidePromptTeachesRootsAuditConfirmationEditsAndUndo() {
        var viewer = fx.client(fx.viewerToken);
        assertThat(viewer.listPrompts().prompts()).extracting(McpSchema.Prompt::name).containsExactly("warden-guide");

        var guide = viewer.getPrompt(new McpSchema.GetPromptRequest("warden-guide", Map.of()));
        assertThat(guide.messages()).hasSize(1);
        var message = guide.messages().getFirst();
        assertThat(message.role()).isEqualTo(McpSchema.Role.USER);
        var text = ((McpSchema.TextContent) message.content()).text();
        assertThat(text).contains(fx.root.toString(), "audit", "confirmation_required", "preview", "confirm",
                "fs.edit", "simulate", "journal.undo");
        assertThat(text.length()).isLessThan(1_500);
    }

    @Test
    void anUnknownPromptIsAnError() {
        assertThatThrownBy(() -> admin.getPrompt(new McpSchema.GetPromptRequest("nope", Map.of())))
                .isInstanceOf(McpError.class);
    }

    @Test
    void initializeDeclaresResourcesAndPrompts() {
        var capabilities = admin.getCurrentInitializationResult().capabilities();
        assertThat(capabilities.resources()).isNotNull();
        assertThat(capabilities.prompts()).isNotNull();
    }

    @Test
    void aChangeCarriesItsUndoIdWhichJournalUndoTakesBack() throws IOException {
        var file = fx.root.resolve("undo-me.txt");
        Files.writeString(file, "before");
        var write = admin.callTool(new McpSchema.CallToolRequest("fs.write", Map.of("path", "undo-me.txt", "content", "after")));
        assertThat(write.isError()).isFalse();
        assertThat(Files.readString(file)).isEqualTo("after");
        var undoId = (String) write.meta().get("undoId");
        assertThat(undoId).startsWith("u_");
        assertThat(((McpSchema.TextContent) write.content().get(1)).text()).contains(undoId, "journal.undo");

        var undo = admin.callTool(new McpSchema.CallToolRequest("journal.undo", Map.of("undoId", undoId)));
        assertThat(undo.isError()).as(text(undo)).isFalse();
        assertThat(Files.readString(file)).isEqualTo("before");

        var read = admin.callTool(new McpSchema.CallToolRequest("fs.read", Map.of("path", "undo-me.txt")));
        assertThat(read.meta()).isNull();
        assertThat(read.content()).hasSize(1);
    }

    @Test
    void restStillAnswersBesideMcp() throws Exception {
        var response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(fx.baseUrl() + "/v1/actions"))
                .header("Authorization", "Bearer " + McpFixture.ADMIN).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Json.parse(response.body()).path("actions").size()).isEqualTo(fx.warden.engine().registry().all().size());
    }

    private HttpResponse<String> post(String token, String origin) throws Exception {
        var b = HttpRequest.newBuilder(URI.create(fx.baseUrl() + McpHttp.PATH))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(INITIALIZE));
        if (token != null) b.header("Authorization", "Bearer " + token);
        if (origin != null) b.header("Origin", origin);
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static McpSchema.Tool tool(McpSchema.ListToolsResult list, String name) {
        return list.tools().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }

    /** The result's structured content, or for an error the body it carries in {@code _meta.error}. */
    static JsonNode structured(McpSchema.CallToolResult result) {
        if (Boolean.TRUE.equals(result.isError())) {
            assertThat(result.structuredContent()).as("errors carry no structured content").isNull();
            return Json.toTree(result.meta().get("error"));
        }
        return Json.toTree(result.structuredContent());
    }

    static String text(McpSchema.CallToolResult result) {
        return ((McpSchema.TextContent) result.content().getFirst()).text();
    }
}
