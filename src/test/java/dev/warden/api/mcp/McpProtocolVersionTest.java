package dev.warden.api.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.json.Json;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * Each protocol revision a client may offer is negotiated as offered, over Streamable HTTP and over
 * stdio: the client sends it in {@code initialize}, the server answers with the same, and the
 * session then works under it.
 */
class McpProtocolVersionTest {
    @TempDir
    Path temp;

    @ParameterizedTest
    @ValueSource(strings = {"2025-11-25", "2025-06-18"})
    void overStreamableHttp(String version) throws Exception {
        try (var fx = new McpFixture(temp)) {
            var http = HttpClient.newHttpClient();
            var init = http.send(post(fx, null, version, initialize(version)), HttpResponse.BodyHandlers.ofString());
            assertThat(init.statusCode()).as(init.body()).isEqualTo(200);
            assertThat(message(init.body()).path("result").path("protocolVersion").asString()).isEqualTo(version);
            var session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();

            var initialized = http.send(post(fx, session, version, """
                    {"jsonrpc":"2.0","method":"notifications/initialized"}"""), HttpResponse.BodyHandlers.ofString());
            assertThat(initialized.statusCode()).isEqualTo(202);
            // Later requests carry the negotiated revision in MCP-Protocol-Version, as the transport requires.
            var list = http.send(post(fx, session, version, """
                    {"jsonrpc":"2.0","id":2,"method":"tools/list"}"""), HttpResponse.BodyHandlers.ofString());
            assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
            assertThat(message(list.body()).path("result").path("tools").size()).isPositive();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"2025-11-25", "2025-06-18"})
    void overStdio(String version) throws Exception {
        var root = Files.createDirectories(temp.resolve("root"));
        var command = new ArrayList<String>();
        command.add(McpStdioTest.javaBin());
        command.addAll(McpStdioTest.wardenMcp(temp.resolve("data"), root));
        var process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (var in = process.getOutputStream();
             var out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            McpStdioTest.send(in, initialize(version));
            var init = Json.parse(out.readLine());
            assertThat(init.path("id").asInt()).isEqualTo(1);
            assertThat(init.path("result").path("protocolVersion").asString()).isEqualTo(version);
            McpStdioTest.send(in, """
                    {"jsonrpc":"2.0","method":"notifications/initialized"}""");
            McpStdioTest.send(in, """
                    {"jsonrpc":"2.0","id":2,"method":"tools/list"}""");
            var list = Json.parse(out.readLine());
            assertThat(list.path("id").asInt()).isEqualTo(2);
            assertThat(list.path("result").path("tools").size()).isPositive();
            in.close();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            process.destroyForcibly();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"2099-01-01", "2024-01-01"})
    void aRevisionItDoesNotKnowIsAnsweredWithItsLatest(String version) throws Exception {
        try (var fx = new McpFixture(temp)) {
            var init = HttpClient.newHttpClient().send(post(fx, null, null, initialize(version)),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(message(init.body()).path("result").path("protocolVersion").asString()).isEqualTo("2025-11-25");
        }
    }

    private static String initialize(String version) {
        return """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"%s",\
                "capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""".formatted(version);
    }

    private static HttpRequest post(McpFixture fx, String session, String version, String body) {
        var b = HttpRequest.newBuilder(URI.create(fx.baseUrl() + McpHttp.PATH))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + McpFixture.ADMIN)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) b.header("Mcp-Session-Id", session);
        if (session != null && version != null) b.header("MCP-Protocol-Version", version);
        return b.build();
    }

    /** The JSON-RPC message of a response, sent as plain JSON or as one server-sent event. */
    private static JsonNode message(String body) {
        var text = body.strip();
        if (text.startsWith("{")) return Json.parse(text);
        return Json.parse(text.lines().filter(l -> l.startsWith("data:")).map(l -> l.substring(5).strip())
                .reduce("", String::concat));
    }
}
