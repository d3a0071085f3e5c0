package dev.warden.api.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.audit.AuditQuery;
import dev.warden.json.Json;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Progress and cancellation of a long shell.exec over Streamable HTTP. */
class McpProgressTest {
    @TempDir
    Path temp;

    McpFixture fx;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        fx = new McpFixture(temp);
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    @Test
    void aCallWithAProgressTokenReceivesProgressWhileTheCommandRuns() {
        var progress = new CopyOnWriteArrayList<McpSchema.ProgressNotification>();
        // Reports come about once a second while the command runs and stop when it ends, so a command
        // of fixed length races them on a busy machine. This one runs until the second report has
        // arrived (or 20 s have passed, and then the assertions below fail).
        var gate = fx.root.resolve("two-reports");
        Consumer<McpSchema.ProgressNotification> onProgress = p -> {
            progress.add(p);
            if (progress.size() >= 2) touch(gate);
        };
        var transport = HttpClientStreamableHttpTransport.builder(fx.baseUrl()).endpoint(McpHttp.PATH)
                .httpRequestCustomizer((request, method, uri, body, context) ->
                        request.header("Authorization", "Bearer " + McpFixture.ADMIN))
                .build();
        try (var client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(30))
                .progressConsumer(onProgress).build()) {
            client.initialize();
            var result = client.callTool(McpSchema.CallToolRequest.builder("shell.exec")
                    .arguments(Map.of("command", untilExists(gate.getFileName().toString()) + "; echo done"))
                    .progressToken("tick").build());
            assertThat(result.isError()).isFalse();
            assertThat(Json.toTree(result.structuredContent()).path("stdout").asString()).isEqualTo("done\n");
            assertThat(progress).hasSizeGreaterThanOrEqualTo(2);
            assertThat(progress).allSatisfy(p -> {
                assertThat(p.progressToken()).isEqualTo("tick");
                assertThat(p.message()).contains("bytes of output so far");
            });
            assertThat(progress.get(1).progress()).isGreaterThan(progress.get(0).progress());

            // Without a token, no progress is sent.
            progress.clear();
            var quiet = client.callTool(new McpSchema.CallToolRequest("shell.exec", Map.of("command", "sleep 1.5")));
            assertThat(quiet.isError()).isFalse();
            assertThat(progress).isEmpty();
        }
    }

    @Test
    void notificationsCancelledKillsTheProcessGroupAndTheAuditSaysCancelled() throws Exception {
        var session = initialize(McpFixture.ADMIN);
        var pids = fx.root.resolve("pids");
        var events = new CopyOnWriteArrayList<String>();
        var call = http.sendAsync(post(McpFixture.ADMIN, session, """
                {"jsonrpc":"2.0","id":"call-1","method":"tools/call","params":{"name":"shell.exec",
                 "arguments":{"command":"sleep 60 & echo $$ $! > pids; wait"},"_meta":{"progressToken":7}}}"""),
                HttpResponse.BodyHandlers.ofLines()).thenApply(r -> {
                    r.body().forEach(events::add);
                    return r.statusCode();
                });
        var waited = System.nanoTime();
        while (!(Files.exists(pids) && Files.readString(pids).strip().contains(" ")
                && events.stream().anyMatch(e -> e.contains("notifications/progress")))) {
            assertThat(System.nanoTime() - waited).as("started and reported progress").isLessThan(TimeUnit.SECONDS.toNanos(20));
            Thread.sleep(50);
        }
        var processes = List.of(Files.readString(pids).strip().split(" ")).stream().map(Long::parseLong).toList();
        assertThat(processes).allSatisfy(pid -> assertThat(ProcessHandle.of(pid)).isPresent());

        // Another principal, in its own session, cannot cancel it.
        var other = initialize(fx.operatorToken);
        var foreign = http.send(post(fx.operatorToken, other, cancelled("call-1")), HttpResponse.BodyHandlers.ofString());
        assertThat(foreign.statusCode()).isEqualTo(202);
        Thread.sleep(300);
        assertThat(call).isNotDone();

        var cancel = http.send(post(McpFixture.ADMIN, session, cancelled("call-1")), HttpResponse.BodyHandlers.ofString());
        assertThat(cancel.statusCode()).isEqualTo(202);
        // The answer arrives within 3 s of the cancellation, and the whole group is gone soon after.
        assertThat(call.get(3, TimeUnit.SECONDS)).isEqualTo(200);
        var ended = System.nanoTime();
        while (processes.stream().anyMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))) {
            assertThat(System.nanoTime() - ended).as("process group gone").isLessThan(TimeUnit.SECONDS.toNanos(5));
            Thread.sleep(50);
        }

        JsonNode result = events.stream().filter(e -> e.startsWith("data:") && e.contains("\"id\":\"call-1\""))
                .map(e -> Json.parse(e.substring(5))).findFirst().orElseThrow().path("result");
        assertThat(result.path("isError").asBoolean()).isTrue();
        assertThat(result.path("_meta").path("error").path("code").asString()).isEqualTo("cancelled");

        var record = new AuditQuery(fx.warden.database()).latest(5).stream()
                .filter(r -> r.action().equals("shell.exec")).findFirst().orElseThrow();
        assertThat(record.outcome()).isEqualTo("failed");
        assertThat(record.code()).isEqualTo("cancelled");
    }

    @Test
    void aBodyOverTheLimitIsRefusedWith413() throws Exception {
        var session = initialize(McpFixture.ADMIN);
        var big = "x".repeat(1_048_577);
        var response = http.send(post(McpFixture.ADMIN, session,
                "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\",\"params\":{\"name\":\"fs.stat\",\"arguments\":{\"path\":\""
                        + big + "\"}}}"), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(Json.parse(response.body()).path("code").asString()).isEqualTo("body_too_large");
    }

    /** A shell loop that ends once {@code file} exists, or after at least 20 s without it. */
    private static String untilExists(String file) {
        return "i=0; until [ -e " + file + " ] || [ $i -ge 200 ]; do sleep 0.1; i=$((i + 1)); done";
    }

    private static void touch(Path file) {
        try {
            Files.writeString(file, "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String cancelled(String requestId) {
        return """
                {"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"%s","reason":"no longer needed"}}"""
                .formatted(requestId);
    }

    private String initialize(String token) throws Exception {
        var init = http.send(post(token, null, """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",
                 "capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}"""), HttpResponse.BodyHandlers.ofString());
        assertThat(init.statusCode()).isEqualTo(200);
        var session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        var ready = http.send(post(token, session, """
                {"jsonrpc":"2.0","method":"notifications/initialized"}"""), HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).isEqualTo(202);
        return session;
    }

    private HttpRequest post(String token, String session, String body) {
        var builder = HttpRequest.newBuilder(URI.create(fx.baseUrl() + McpHttp.PATH))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("MCP-Protocol-Version", "2025-06-18")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) builder.header("Mcp-Session-Id", session);
        return builder.build();
    }
}
