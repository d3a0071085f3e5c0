package dev.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.json.Json;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;

/** {@code warden connect}: every block that is not a comment parses as JSON and points at this Warden. */
class ConnectCommandTest {
    @TempDir
    Path temp;

    record Printed(int exit, List<String> comments, List<JsonNode> blocks) {}

    Printed connect(String client, String... extra) throws Exception {
        var data = Files.createDirectories(temp.resolve("data dir"));
        var root = Files.createDirectories(temp.resolve("root"));
        var args = new ArrayList<>(List.of("connect", client, "--data-dir", data.toString(), "--root", root.toString()));
        args.addAll(List.of(extra));
        var out = new StringWriter();
        var cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(new StringWriter(), true));
        int exit = cli.execute(args.toArray(String[]::new));
        var comments = new ArrayList<String>();
        var blocks = new ArrayList<JsonNode>();
        var block = new StringBuilder();
        for (var line : (out + "\n").split("\n", -1)) {
            if (line.startsWith("#")) {
                comments.add(line);
            } else if (line.isBlank()) {
                if (!block.isEmpty()) blocks.add(Json.parse(block.toString()));
                block.setLength(0);
            } else {
                block.append(line).append('\n');
            }
        }
        return new Printed(exit, comments, blocks);
    }

    @Test
    void claudePrintsStdioAndHttpConfigsThatParse() throws Exception {
        var printed = connect("claude", "--host", "127.0.0.1", "--port", "9123");
        assertThat(printed.exit()).isZero();
        assertThat(printed.blocks()).hasSize(4);

        var stdio = printed.blocks().getFirst().path("mcpServers").path("warden");
        var command = stdio.path("command").asString();
        // Built from this checkout, so the launcher script next to target/ is found.
        assertThat(command).endsWith("/warden");
        assertThat(Path.of(command)).isExecutable();
        // Some versions of Claude Desktop reject dots in tool names: Claude gets fs_read.
        assertThat(strings(stdio.path("args"))).containsExactly("mcp", "--data-dir", temp.resolve("data dir").toString(),
                "--tool-names=underscore", "--root", temp.resolve("root").toRealPath().toString());

        var desktopHttp = printed.blocks().get(1).path("mcpServers").path("warden");
        assertThat(desktopHttp.path("command").asString()).isEqualTo("npx");
        assertThat(strings(desktopHttp.path("args"))).containsExactly("-y", "mcp-remote",
                "http://127.0.0.1:9123/mcp?toolNames=underscore", "--header", "Authorization:${AUTH_HEADER}");
        assertThat(desktopHttp.path("env").path("AUTH_HEADER").asString()).startsWith("Bearer ");

        assertThat(printed.blocks().get(2)).isEqualTo(printed.blocks().getFirst());

        var http = printed.blocks().get(3).path("mcpServers").path("warden");
        assertThat(http.path("type").asString()).isEqualTo("http");
        assertThat(http.path("url").asString()).isEqualTo("http://127.0.0.1:9123/mcp?toolNames=underscore");
        assertThat(http.path("headers").path("Authorization").asString()).isEqualTo("Bearer ${WARDEN_TOKEN}");

        var text = String.join("\n", printed.comments());
        assertThat(text).contains("claude_desktop_config.json", "\"mcpServers\"", "mcp-remote",
                "claude mcp add warden -- " + command + " mcp --data-dir '" + temp.resolve("data dir") + "' --tool-names=underscore",
                "claude mcp add --transport http warden 'http://127.0.0.1:9123/mcp?toolNames=underscore' --header \"Authorization: Bearer ${WARDEN_TOKEN}\"");
    }

    /**
     * The printed stdio configuration, run as Claude Desktop runs it: its command (the launcher
     * script) with its args. WARDEN_CLASSPATH makes the launcher run the classes under test instead
     * of building a jar; everything else is the printed command line.
     */
    @Test
    void theClaudeStdioConfigStartsASessionThatListsUnderscoreNames() throws Exception {
        var printed = connect("claude");
        var stdio = printed.blocks().getFirst().path("mcpServers").path("warden");
        Files.writeString(temp.resolve("root").resolve("notes.txt"), "twelve bytes");
        var params = ServerParameters.builder(stdio.path("command").asString())
                .args(strings(stdio.path("args")))
                .env(Map.of("WARDEN_CLASSPATH", System.getProperty("java.class.path"),
                        "JAVA_HOME", System.getProperty("java.home")))
                .build();
        var transport = new StdioClientTransport(params, McpJsonDefaults.getMapper());
        transport.setStdErrorHandler(line -> { });
        try (var client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(30))
                .initializationTimeout(Duration.ofSeconds(60)).build()) {
            var init = client.initialize();
            assertThat(init.serverInfo().name()).isEqualTo("warden");
            var names = client.listTools().tools().stream().map(McpSchema.Tool::name).toList();
            assertThat(names).contains("fs_read", "fs_stat", "shell_exec", "confirm")
                    .allSatisfy(name -> assertThat(name).doesNotContain("."));
            var stat = client.callTool(new McpSchema.CallToolRequest("fs_stat", Map.of("path", "notes.txt")));
            assertThat(stat.isError()).isFalse();
            assertThat(Json.toTree(stat.structuredContent()).path("size").asLong()).isEqualTo(12);
            client.closeGracefully();
        }
    }

    private static List<String> strings(JsonNode array) {
        var list = new ArrayList<String>();
        array.forEach(a -> list.add(a.asString()));
        return list;
    }

    @Test
    void cursorPrintsStdioAndHttpConfigsThatParse() throws Exception {
        var printed = connect("cursor");
        assertThat(printed.exit()).isZero();
        assertThat(printed.blocks()).hasSize(2);
        var stdio = printed.blocks().getFirst().path("mcpServers").path("warden");
        assertThat(stdio.path("args").get(0).asString()).isEqualTo("mcp");
        assertThat(strings(stdio.path("args"))).noneMatch(a -> a.startsWith("--tool-names"));
        var http = printed.blocks().get(1).path("mcpServers").path("warden");
        // Defaults when no host or port is given.
        assertThat(http.path("url").asString()).isEqualTo("http://127.0.0.1:7878/mcp");
        assertThat(http.path("headers").path("Authorization").asString()).isEqualTo("Bearer ${env:WARDEN_TOKEN}");
        assertThat(String.join("\n", printed.comments())).contains("~/.cursor/mcp.json");
    }

    @Test
    void aBadPortIsRefused() throws Exception {
        assertThat(connect("cursor", "--port", "70000").exit()).isNotZero();
    }
}
