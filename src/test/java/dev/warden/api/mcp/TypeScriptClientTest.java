package dev.warden.api.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Drives a running Warden with the official MCP TypeScript client ({@code src/test/node}), over
 * Streamable HTTP and over stdio: list tools, read a file, a refused path, a confirmation round trip,
 * progress of a long command and its cancellation (the process group dies, the audit says so).
 * The packages are installed on first need by {@code src/test/node/install.sh}.
 */
class TypeScriptClientTest {
    private static final Path NODE_DIR = NodePackages.DIR;

    @TempDir
    Path temp;

    McpFixture w;

    @BeforeEach
    void start() throws Exception {
        NodePackages.installed();
        w = new McpFixture(temp);
        Files.writeString(w.root.resolve("hello.txt"), "hello from warden\n");
        Files.writeString(w.root.resolve("doomed.txt"), "bye");
        Files.writeString(temp.resolve("outside.txt"), "secret");
    }

    @AfterEach
    void stop() {
        w.close();
    }

    @Test
    void overStreamableHttp() throws Exception {
        var report = run(List.of("http", w.baseUrl(), McpFixture.ADMIN, "hello.txt", temp.resolve("outside.txt").toString(),
                "doomed.txt"));
        assertCommonReport(report);
        assertThat(w.root.resolve("doomed.txt")).doesNotExist();
        assertProcessGroupGone();
    }

    @Test
    void overStdio() throws Exception {
        var java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var args = new ArrayList<>(List.of("stdio", "hello.txt", temp.resolve("outside.txt").toString(), "doomed.txt", java,
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "dev.warden.cli.Main",
                "mcp", "--data-dir", temp.resolve("stdio-data").toString(), "--root", w.root.toString()));
        var report = run(args);
        assertCommonReport(report);
        assertThat(w.root.resolve("doomed.txt")).doesNotExist();
        assertProcessGroupGone();
    }

    private static void assertCommonReport(JsonNode report) {
        assertThat(report.has("error")).as(report.path("error").asString("")).isFalse();
        assertThat(report.get("serverName").asString()).isEqualTo("warden");
        var tools = report.get("tools").valueStream().map(JsonNode::asString).toList();
        assertThat(tools).contains("fs.read", "fs.write", "shell.exec", "confirm");
        assertThat(report.get("fsReadReadOnly").asBoolean()).isTrue();
        assertThat(report.get("fsReadHasOutputSchema").asBoolean()).isTrue();
        assertThat(report.get("read").get("isError").asBoolean()).isFalse();
        assertThat(report.get("read").get("content").asString()).isEqualTo("hello from warden\n");
        assertThat(report.get("refused").get("isError").asBoolean()).isTrue();
        assertThat(report.get("refused").get("code").asString()).isEqualTo("path_outside_roots");
        assertThat(report.get("refused").get("textCode").asString()).isEqualTo("path_outside_roots");
        assertThat(report.get("held").get("code").asString()).isEqualTo("confirmation_required");
        assertThat(report.get("held").get("hasToken").asBoolean()).isTrue();
        assertThat(report.get("confirmed").get("isError").asBoolean()).isFalse();
        assertThat(report.get("replay").get("isError").asBoolean()).isTrue();

        var progress = report.get("progress");
        assertThat(progress.get("isError").asBoolean()).isFalse();
        assertThat(progress.get("stdout").asString()).isEqualTo("done\n");
        assertThat(progress.get("ticks").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(progress.get("rising").asBoolean()).isTrue();

        var cancelled = report.get("cancelled");
        assertThat(cancelled.get("clientSaw").asString()).contains("the user pressed stop");
        assertThat(cancelled.get("auditOutcome").asString()).isEqualTo("failed");
        assertThat(cancelled.get("auditCode").asString()).isEqualTo("cancelled");
    }

    /** The cancelled command wrote its shell's pid and its child's; both must be gone. */
    private void assertProcessGroupGone() throws Exception {
        var pids = List.of(Files.readString(w.root.resolve("pids")).strip().split(" ")).stream().map(Long::parseLong).toList();
        assertThat(pids).hasSize(2);
        var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (pids.stream().anyMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))) {
            assertThat(System.nanoTime()).as("the cancelled command's process group is gone").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private JsonNode run(List<String> args) throws Exception {
        var command = new ArrayList<>(List.of("node", NODE_DIR.resolve("mcp-client-check.mjs").toString()));
        command.addAll(args);
        var out = temp.resolve("node-out.txt");
        var err = temp.resolve("node-err.txt");
        var process = new ProcessBuilder(command).directory(NODE_DIR.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("the TypeScript client finishes").isTrue();
        var stdout = Files.readString(out, StandardCharsets.UTF_8).strip();
        assertThat(process.exitValue()).as(Files.readString(err, StandardCharsets.UTF_8)).isZero();
        var lines = stdout.split("\n");
        return Json.parse(lines[lines.length - 1]);
    }
}
