package dev.warden.api.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.app.Warden;
import dev.warden.config.WardenConfig;
import dev.warden.identity.Members;
import dev.warden.identity.Role;
import dev.warden.json.Json;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** {@code warden mcp} in a child JVM, as a desktop client starts it: stdin and stdout carry the protocol. */
class McpStdioTest {

    @Test
    void theSdkClientInitializesListsAndCallsOverStdio(@TempDir Path temp) throws Exception {
        var root = Files.createDirectories(temp.resolve("root"));
        Files.writeString(root.resolve("notes.txt"), "twelve bytes");
        var params = ServerParameters.builder(javaBin())
                .args(wardenMcp(temp.resolve("data"), root))
                .build();
        var transport = new StdioClientTransport(params, McpJsonDefaults.getMapper());
        transport.setStdErrorHandler(line -> { });
        try (var client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(30))
                .initializationTimeout(Duration.ofSeconds(60)).enableCallToolSchemaCaching(true).build()) {
            var init = client.initialize();
            assertThat(init.protocolVersion()).isIn("2025-11-25", "2025-06-18");
            assertThat(init.serverInfo().name()).isEqualTo("warden");

            var tools = client.listTools().tools();
            assertThat(tools).extracting(McpSchema.Tool::name).contains("fs.stat", "fs.delete", "shell.exec", "confirm");

            var stat = client.callTool(new McpSchema.CallToolRequest("fs.stat", Map.of("path", "notes.txt")));
            assertThat(stat.isError()).isFalse();
            var body = Json.toTree(stat.structuredContent());
            assertThat(body.path("size").asLong()).isEqualTo(12);

            // The other spelling runs the same action.
            var underscored = client.callTool(new McpSchema.CallToolRequest("fs_stat", Map.of("path", "notes.txt")));
            assertThat(Json.toTree(underscored.structuredContent()).path("size").asLong()).isEqualTo(12);
            assertThat(tools).extracting(McpSchema.Tool::name).doesNotContain("fs_stat");

            var outside = client.callTool(new McpSchema.CallToolRequest("fs.stat", Map.of("path", "/etc/hostname")));
            assertThat(outside.isError()).isTrue();
            assertThat(McpHttpTest.structured(outside).path("code").asString()).isEqualTo("path_outside_roots");
            client.closeGracefully();
        }
    }

    @Test
    void withWardenTokenItActsAsThatTokenAndStdoutCarriesOnlyJsonRpc(@TempDir Path temp) throws Exception {
        var root = Files.createDirectories(temp.resolve("root"));
        var dataDir = temp.resolve("data");
        String viewer;
        var config = new WardenConfig("127.0.0.1", 0, dataDir, List.of(root), dataDir.resolve("policy.yaml"), null,
                1_048_576, Duration.ofMinutes(5));
        try (var warden = Warden.open(config, Clock.systemUTC())) {
            Members.add(warden.users(), warden.projects(), "default", "victor", Role.VIEWER);
            viewer = warden.tokens().create("viewer", "victor", "default", Role.VIEWER, null, List.of()).secret();
        }
        var command = new ArrayList<String>();
        command.add(javaBin());
        command.addAll(wardenMcp(dataDir, root));
        var pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("WARDEN_TOKEN", viewer);
        var process = pb.start();
        try (var in = process.getOutputStream();
             var out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            send(in, """
                    {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""");
            var init = Json.parse(out.readLine());
            assertThat(init.path("id").asInt()).isEqualTo(1);
            assertThat(init.path("result").path("protocolVersion").asString()).isEqualTo("2025-06-18");
            send(in, """
                    {"jsonrpc":"2.0","method":"notifications/initialized"}""");
            send(in, """
                    {"jsonrpc":"2.0","id":2,"method":"tools/list"}""");
            var list = Json.parse(out.readLine());
            assertThat(list.path("id").asInt()).isEqualTo(2);
            assertThat(names(list.path("result").path("tools")))
                    .containsExactlyInAnyOrder("fs.list", "fs.read", "fs.search", "fs.stat", "shell.exec", "job.start",
                            "job.output", "job.input", "job.cancel", "job.list", "sys.info", "sys.metrics", "proc.list", "proc.info",
                            "memory.list", "confirm", "check_approval");
            send(in, """
                    {"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"fs.mkdir","arguments":{"path":"new"}}}""");
            var denied = Json.parse(out.readLine());
            assertThat(denied.path("result").path("isError").asBoolean()).isTrue();
            assertThat(denied.path("result").path("_meta").path("error").path("code").asString()).isEqualTo("role_insufficient");
            assertThat(Files.exists(root.resolve("new"))).isFalse();
            in.close();
            // Closing stdin ends the session; nothing but JSON-RPC was written to stdout in between.
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String rest;
            while ((rest = out.readLine()) != null) assertThat(Json.parse(rest).path("jsonrpc").asString()).isEqualTo("2.0");
            assertThat(process.exitValue()).isZero();
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void overStdioAShellExecReportsProgressAndACancellationKillsIt(@TempDir Path temp) throws Exception {
        var root = Files.createDirectories(temp.resolve("root"));
        var command = new ArrayList<String>();
        command.add(javaBin());
        command.addAll(wardenMcp(temp.resolve("data"), root));
        var process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (var in = process.getOutputStream();
             var out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            send(in, """
                    {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""");
            assertThat(Json.parse(out.readLine()).path("id").asInt()).isEqualTo(1);
            send(in, """
                    {"jsonrpc":"2.0","method":"notifications/initialized"}""");
            send(in, """
                    {"jsonrpc":"2.0","id":"long","method":"tools/call","params":{"name":"shell.exec","arguments":{"command":"echo $$ > pid; exec sleep 60"},"_meta":{"progressToken":"p"}}}""");
            var first = Json.parse(out.readLine());
            var second = Json.parse(out.readLine());
            for (var progress : List.of(first, second)) {
                assertThat(progress.path("method").asString()).isEqualTo("notifications/progress");
                assertThat(progress.path("params").path("progressToken").asString()).isEqualTo("p");
            }
            var pid = Long.parseLong(Files.readString(root.resolve("pid")).strip());
            send(in, """
                    {"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"long"}}""");
            JsonNode answer;
            do {
                answer = Json.parse(out.readLine());
            } while (!answer.has("id"));
            assertThat(answer.path("id").asString()).isEqualTo("long");
            assertThat(answer.path("result").path("_meta").path("error").path("code").asString()).isEqualTo("cancelled");
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            in.close();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void manyCallsInFlightAtOnceAreEachAnsweredExactlyOnce(@TempDir Path temp) throws Exception {
        // The SDK's stdio transport (2.1.0) dropped a response whenever several calls finished at the
        // same moment and one sender waited more than 100 ms to enter its outbound sink: the call ran
        // and was audited, its caller never heard back. A client keeping calls in flight sees that.
        var root = Files.createDirectories(temp.resolve("root"));
        Files.writeString(root.resolve("notes.txt"), "x".repeat(4_096));
        var command = new ArrayList<String>();
        command.add(javaBin());
        command.addAll(wardenMcp(temp.resolve("data"), root));
        var process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        int calls = 400;
        try (var in = process.getOutputStream();
             var out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            send(in, """
                    {"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""");
            assertThat(Json.parse(out.readLine()).path("id").asInt()).isZero();
            send(in, """
                    {"jsonrpc":"2.0","method":"notifications/initialized"}""");
            var all = new StringBuilder();
            for (int id = 1; id <= calls; id++) {
                all.append("{\"jsonrpc\":\"2.0\",\"id\":").append(id)
                        .append(",\"method\":\"tools/call\",\"params\":{\"name\":\"fs.read\",\"arguments\":{\"path\":\"notes.txt\"}}}\n");
            }
            in.write(all.toString().getBytes(StandardCharsets.UTF_8));
            in.flush();
            var answers = new java.util.concurrent.ConcurrentHashMap<Integer, Integer>();
            var reading = java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    while (answers.size() < calls) {
                        var answer = Json.parse(out.readLine());
                        assertThat(answer.path("result").path("isError").asBoolean()).as(answer.toString()).isFalse();
                        assertThat(answer.path("result").path("structuredContent").path("size").asInt()).isEqualTo(4_096);
                        answers.merge(answer.path("id").asInt(), 1, Integer::sum);
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            try {
                reading.get(90, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("only " + answers.size() + " of " + calls + " calls were answered within 90 s");
            }
            assertThat(answers).hasSize(calls).allSatisfy((id, count) -> assertThat(count).as("answers to %d", id).isOne());
            in.close();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(out.readLine()).as("nothing after the last answer").isNull();
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void requestsWrittenJustBeforeTheInputEndsAreStillAnswered(@TempDir Path temp) throws Exception {
        // As `printf ... | warden mcp` does: every request, then the end of the input, before any answer.
        var root = Files.createDirectories(temp.resolve("root"));
        var command = new ArrayList<String>();
        command.add(javaBin());
        command.addAll(wardenMcp(temp.resolve("data"), root));
        var process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (var in = process.getOutputStream();
             var out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            send(in, """
                    {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""");
            send(in, """
                    {"jsonrpc":"2.0","method":"notifications/initialized"}""");
            send(in, """
                    {"jsonrpc":"2.0","id":2,"method":"tools/list"}""");
            in.close();
            var answers = new ArrayList<JsonNode>();
            for (var line = out.readLine(); line != null; line = out.readLine()) answers.add(Json.parse(line));
            assertThat(answers).extracting(a -> a.path("id").asInt()).containsExactly(1, 2);
            assertThat(answers.get(1).path("result").path("tools").size()).isPositive();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).isZero();
        } finally {
            process.destroyForcibly();
        }
    }

    static void send(java.io.OutputStream in, String line) throws java.io.IOException {
        in.write((line.strip() + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    private static List<String> names(JsonNode tools) {
        var names = new ArrayList<String>();
        tools.forEach(t -> names.add(t.path("name").asString()));
        return names;
    }

    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static List<String> wardenMcp(Path dataDir, Path root) {
        return List.of("--enable-native-access=ALL-UNNAMED", "-Xshare:auto", "-cp", System.getProperty("java.class.path"),
                "dev.warden.cli.Main", "mcp", "--data-dir", dataDir.toString(), "--root", root.toString());
    }
}
