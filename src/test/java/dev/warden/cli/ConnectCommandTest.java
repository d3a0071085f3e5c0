package dev.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.json.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
        var cli = new CommandLine(new Main());
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
        assertThat(printed.blocks()).hasSize(3);

        var stdio = printed.blocks().getFirst().path("mcpServers").path("warden");
        var command = stdio.path("command").asString();
        // Built from this checkout, so the launcher script next to target/ is found.
        assertThat(command).endsWith("/warden");
        assertThat(Path.of(command)).isExecutable();
        var args = new ArrayList<String>();
        stdio.path("args").forEach(a -> args.add(a.asString()));
        assertThat(args).containsExactly("mcp", "--data-dir", temp.resolve("data dir").toString(),
                "--root", temp.resolve("root").toRealPath().toString());

        var http = printed.blocks().get(2).path("mcpServers").path("warden");
        assertThat(http.path("type").asString()).isEqualTo("http");
        assertThat(http.path("url").asString()).isEqualTo("http://127.0.0.1:9123/mcp");
        assertThat(http.path("headers").path("Authorization").asString()).isEqualTo("Bearer ${WARDEN_TOKEN}");

        var text = String.join("\n", printed.comments());
        assertThat(text).contains("claude_desktop_config.json", "\"mcpServers\"",
                "claude mcp add warden -- " + command + " mcp --data-dir '" + temp.resolve("data dir") + "'",
                "claude mcp add --transport http warden http://127.0.0.1:9123/mcp --header \"Authorization: Bearer ${WARDEN_TOKEN}\"");
    }

    @Test
    void cursorPrintsStdioAndHttpConfigsThatParse() throws Exception {
        var printed = connect("cursor");
        assertThat(printed.exit()).isZero();
        assertThat(printed.blocks()).hasSize(2);
        var stdio = printed.blocks().getFirst().path("mcpServers").path("warden");
        assertThat(stdio.path("args").get(0).asString()).isEqualTo("mcp");
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
