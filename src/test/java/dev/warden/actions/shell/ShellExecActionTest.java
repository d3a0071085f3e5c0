package dev.warden.actions.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.warden.action.ActionContext;
import dev.warden.action.ActionException;
import dev.warden.action.ActionRegistry;
import dev.warden.action.ChangeJournal;
import dev.warden.action.Effects;
import dev.warden.action.ErrorKind;
import dev.warden.action.InputValidator;
import dev.warden.action.Risk;
import dev.warden.guard.CommandAnalysis;
import dev.warden.guard.PathJail;
import dev.warden.json.Json;
import dev.warden.sandbox.Command;
import dev.warden.sandbox.ProcessLimits;
import dev.warden.sandbox.ProcessRunner;
import dev.warden.sandbox.ResourceLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ShellExecActionTest {
    @TempDir
    Path root;
    @TempDir
    Path elsewhere;

    /**
     * Stands in for the command analyzer: HIGH for anything that mentions rm, READ otherwise. The
     * tests below check that the action passes the analyzer's verdict on, not how commands are
     * classified (that is the analyzer's own test).
     */
    private final Function<Command, CommandAnalysis> analyzer = command -> {
        var argv = switch (command) {
            case Command.Argv a -> a.args();
            case Command.Script s -> List.of(s.source().split(" "));
        };
        var risky = argv.contains("rm");
        return new CommandAnalysis(risky ? Risk.HIGH : Risk.READ,
                List.of(new CommandAnalysis.ParsedCommand(argv, risky ? Risk.HIGH : Risk.READ, risky ? "deletes files" : null)),
                risky ? List.of("rm deletes files") : List.of());
    };

    private final ProcessLimits limits = ProcessLimits.defaults().withKillGrace(Duration.ofMillis(300));
    private ShellExecAction action;
    private InputValidator validator;
    private final ActionContext ctx = new TestContext(Instant.now().plus(Duration.ofMinutes(5)));

    private record TestContext(Instant deadline) implements ActionContext {
        @Override
        public ChangeJournal journal() {
            throw new UnsupportedOperationException("shell.exec journals nothing");
        }
    }

    @BeforeEach
    void setUp() {
        action = new ShellExecAction(new PathJail(List.of(root)), new ProcessRunner(limits), analyzer);
        validator = new InputValidator(new ActionRegistry(List.of(action)));
    }

    private static JsonNode input(String json) {
        return Json.parse(json);
    }

    private JsonNode exec(String json) {
        var in = input(json);
        assertThat(validator.validate("shell.exec", in)).as("input is valid").isEmpty();
        var out = action.execute(ctx, in);
        var schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(action.spec().outputSchema());
        assertThat(schema.validate(out)).as("output matches the output schema").isEmpty();
        return out;
    }

    @Test
    void specIsTheContract() {
        var spec = action.spec();
        assertThat(spec.id()).isEqualTo("shell.exec");
        assertThat(spec.version()).isEqualTo(1);
        assertThat(spec.risk()).isEqualTo(Risk.MEDIUM);
        assertThat(spec.effects()).isEqualTo(Effects.IRREVERSIBLE);
        assertThat(spec.description()).hasSizeLessThan(300);
    }

    @Test
    void echoThroughTheShell() {
        var out = exec("{\"command\": \"echo hello | tr a-z A-Z\"}");

        assertThat(out.get("exitCode").asInt()).isZero();
        assertThat(out.get("stdout").asString()).isEqualTo("HELLO\n");
        assertThat(out.get("stderr").asString()).isEmpty();
        assertThat(out.get("timedOut").asBoolean()).isFalse();
        assertThat(out.get("stdoutTruncatedBytes").asLong()).isZero();
        assertThat(out.get("sandbox").get("level").asString()).isEqualTo("process");
        assertThat(out.get("sandbox").get("enforced").toString()).contains("process_group_kill", "rlimit_nofile=1024");
        assertThat(out.has("note")).isFalse();
    }

    @Test
    void argvIsPassedVerbatim() {
        var out = exec("{\"argv\": [\"printf\", \"%s|\", \"a b\", \"\\\"q\\\"\", \"$(id)\", \"*\", \"$HOME\"]}");

        assertThat(out.get("stdout").asString()).isEqualTo("a b|\"q\"|$(id)|*|$HOME|");
    }

    @Test
    void nonZeroExitIsANormalResult() {
        var out = exec("{\"command\": \"echo oops >&2; exit 7\"}");

        assertThat(out.get("exitCode").asInt()).isEqualTo(7);
        assertThat(out.get("stderr").asString()).isEqualTo("oops\n");
    }

    @Test
    void stdinRoundTrip() {
        var out = exec("{\"argv\": [\"cat\"], \"stdin\": \"one\\ntwo ✓\\n\"}");

        assertThat(out.get("stdout").asString()).isEqualTo("one\ntwo ✓\n");
    }

    @Test
    void envIsPassedAndTheServersIsNot() {
        var out = exec("{\"command\": \"echo \\\"$GREETING\\\"; env | cut -d= -f1 | sort | tr '\\\\n' ' '\","
                + " \"env\": {\"GREETING\": \"hi there\"}}");

        var lines = out.get("stdout").asString().lines().toList();
        assertThat(lines.getFirst()).isEqualTo("hi there");
        assertThat(lines.get(1).trim().split(" ")).containsExactlyInAnyOrder(
                "GREETING", "HOME", "LANG", "LOGNAME", "NO_COLOR", "PAGER", "PATH", "PWD", "SHELL", "TERM", "USER");
    }

    @Test
    void cwdInsideTheRootsIsUsedAndDefaultsToTheFirstRoot() throws Exception {
        Files.createDirectories(root.resolve("a/b"));

        assertThat(exec("{\"argv\": [\"pwd\"], \"cwd\": \"a/b\"}").get("stdout").asString().trim())
                .isEqualTo(root.toRealPath().resolve("a/b").toString());
        assertThat(exec("{\"argv\": [\"pwd\"], \"cwd\": \"" + root.resolve("a") + "\"}").get("stdout").asString().trim())
                .isEqualTo(root.toRealPath().resolve("a").toString());
        assertThat(exec("{\"argv\": [\"pwd\"]}").get("stdout").asString().trim()).isEqualTo(root.toRealPath().toString());
    }

    @Test
    void cwdOutsideTheRootsIsRefused() throws Exception {
        Files.createSymbolicLink(root.resolve("out"), elsewhere);
        for (var cwd : List.of(elsewhere.toString(), "../", "out")) {
            var in = input("{\"argv\": [\"pwd\"], \"cwd\": \"" + cwd + "\"}");
            assertThatThrownBy(() -> action.execute(ctx, in))
                    .isInstanceOfSatisfying(ActionException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ErrorKind.REFUSED);
                        assertThat(e.code()).isEqualTo("path_outside_roots");
                    });
            assertThatThrownBy(() -> action.assess(ctx, in))
                    .isInstanceOfSatisfying(ActionException.class, e -> assertThat(e.code()).isEqualTo("path_outside_roots"));
        }
        Files.delete(root.resolve("out"));
    }

    @Test
    void cwdMustBeAnExistingDirectory() throws Exception {
        Files.writeString(root.resolve("file.txt"), "x");
        assertThatThrownBy(() -> action.execute(ctx, input("{\"argv\": [\"pwd\"], \"cwd\": \"file.txt\"}")))
                .isInstanceOfSatisfying(ActionException.class, e -> {
                    assertThat(e.code()).isEqualTo("cwd_not_directory");
                    assertThat(e.kind()).isEqualTo(ErrorKind.BAD_INPUT);
                });
        assertThatThrownBy(() -> action.execute(ctx, input("{\"argv\": [\"pwd\"], \"cwd\": \"missing\"}")))
                .isInstanceOfSatisfying(ActionException.class, e -> {
                    assertThat(e.code()).isEqualTo("cwd_not_directory");
                    assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND);
                    assertThat(e.hint()).contains("fs.list");
                });
    }

    @Test
    void timeoutStopsTheCommandAndSaysSo() {
        long start = System.nanoTime();
        // Long enough for the shell to start and echo on a busy machine; the sleep outlasts it anyway.
        var out = exec("{\"command\": \"echo before; sleep 30\", \"timeoutMs\": 2000}");

        assertThat(out.get("timedOut").asBoolean()).isTrue();
        assertThat(out.get("stdout").asString()).isEqualTo("before\n");
        assertThat(out.get("note").asString()).contains("2000 ms", "job.start");
        assertThat(out.get("sandbox").get("enforced").toString()).contains("wall_clock_timeout_ms=2000");
        // Well short of the 30 s the command would sleep, with room for a slow kill on a busy machine.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void timeoutNeverOutlastsTheCallsDeadline() {
        var shortCtx = new TestContext(Instant.now().plusMillis(400));
        var out = action.execute(shortCtx, input("{\"argv\": [\"sleep\", \"30\"], \"timeoutMs\": 600000}"));

        assertThat(out.get("timedOut").asBoolean()).isTrue();
        assertThat(out.get("durationMs").asLong()).isLessThan(10_000);
    }

    @Test
    void backgroundedGrandchildDiesWithTheTimeout() throws Exception {
        // Long enough for the shell to start the child and write its pid on a busy machine: a file not
        // written before the timeout never will be.
        var out = exec("{\"command\": \"sleep 1000 & echo $! > bg.pid; sleep 30\", \"timeoutMs\": 3000}");

        assertThat(out.get("timedOut").asBoolean()).isTrue();
        var pid = Files.readString(root.resolve("bg.pid")).trim();
        // kill -0 succeeds on a zombie too, so a zombie counts as dead.
        var probe = exec("{\"command\": \"kill -0 " + pid + " 2>/dev/null && ! grep -q '^State:.*Z' /proc/" + pid
                + "/status && echo alive || echo dead\"}");
        assertThat(probe.get("stdout").asString().trim()).isEqualTo("dead");
    }

    @Test
    void cappedOutputReportsDroppedBytesAndSuggestsAFile() {
        var out = exec("{\"command\": \"yes | head -c 5000000\"}");

        long dropped = 5_000_000L - (1 << 20);
        assertThat(out.get("stdoutTruncatedBytes").asLong()).isEqualTo(dropped);
        assertThat(out.get("stderrTruncatedBytes").asLong()).isZero();
        assertThat(out.get("stdout").asString()).contains("[... " + dropped + " bytes dropped ...]");
        assertThat(out.get("note").asString()).contains("stdout was 5000000 bytes", "fs.read");
    }

    @Test
    void cpuLimitKillsABusyLoop() {
        var tight = new ShellExecAction(new PathJail(List.of(root)),
                new ProcessRunner(limits.withLimits(new ResourceLimits(1, 256))), analyzer);
        var out = tight.execute(ctx, input("{\"command\": \"while :; do :; done\", \"timeoutMs\": 20000}"));

        assertThat(out.get("timedOut").asBoolean()).isFalse();
        assertThat(out.get("exitCode").asInt()).isIn(128 + 9, 128 + 24);
        assertThat(out.get("sandbox").get("enforced").toString()).contains("rlimit_cpu_seconds=1");
    }

    @Test
    void openFilesLimitIsVisibleInside() {
        var tight = new ShellExecAction(new PathJail(List.of(root)),
                new ProcessRunner(limits.withLimits(new ResourceLimits(0, 100))), analyzer);
        var out = tight.execute(ctx, input("{\"command\": \"ulimit -n\"}"));

        assertThat(out.get("stdout").asString()).isEqualTo("100\n");
    }

    @Test
    void missingProgramFailsWithAHint() {
        assertThatThrownBy(() -> action.execute(ctx, input("{\"argv\": [\"/bin/nonexistent\"]}")))
                .isInstanceOfSatisfying(ActionException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND);
                    assertThat(e.code()).isEqualTo("command_not_found");
                    assertThat(e.hint()).contains("command -v");
                });
    }

    @Test
    void missingProgramInAShellLineIsAnExitCode() {
        var out = exec("{\"command\": \"/bin/nonexistent\"}");

        assertThat(out.get("exitCode").asInt()).isEqualTo(127);
        assertThat(out.get("stderr").asString()).contains("not found");
    }

    @Test
    void assessReturnsTheAnalyzersRiskAndReasons() {
        var risky = action.assess(ctx, input("{\"argv\": [\"rm\", \"-rf\", \"x\"]}"));
        assertThat(risky.risk()).isEqualTo(Risk.HIGH);
        assertThat(risky.reasons()).containsExactly("rm deletes files");

        var harmless = action.assess(ctx, input("{\"command\": \"ls -l\"}"));
        assertThat(harmless.risk()).isEqualTo(Risk.READ);
        assertThat(harmless.reasons()).isEmpty();
    }

    @Test
    void simulateAnalysesWithoutRunning() throws Exception {
        Files.createDirectory(root.resolve("w"));
        var preview = action.simulate(ctx, input("{\"command\": \"rm -rf x && touch ran\", \"cwd\": \"w\"}")).orElseThrow();

        assertThat(Files.exists(root.resolve("w/ran"))).isFalse();
        assertThat(preview.get("command").asString()).isEqualTo("rm -rf x && touch ran");
        assertThat(preview.get("cwd").asString()).isEqualTo(root.toRealPath().resolve("w").toString());
        assertThat(preview.get("risk").asString()).isEqualTo("high");
        assertThat(preview.get("reasons").get(0).asString()).isEqualTo("rm deletes files");
        assertThat(preview.get("commands").get(0).get("risk").asString()).isEqualTo("high");
        assertThat(preview.get("sandbox").get("level").asString()).isEqualTo("process");
        assertThat(preview.get("note").asString()).contains("Nothing was run");
    }

    @Test
    void schemaRequiresExactlyOneOfCommandAndArgv() {
        assertThat(validator.validate("shell.exec", input("{\"command\": \"true\", \"argv\": [\"true\"]}"))).isNotEmpty();
        assertThat(validator.validate("shell.exec", input("{\"cwd\": \"/\"}"))).isNotEmpty();
        assertThat(validator.validate("shell.exec", input("{\"argv\": []}"))).isNotEmpty();
        assertThat(validator.validate("shell.exec", input("{\"argv\": [\"\"]}"))).isNotEmpty();
        assertThat(validator.validate("shell.exec", input("{\"argv\": [\"echo\", 3]}"))).isNotEmpty();
        assertThat(validator.validate("shell.exec", input("{\"command\": \"\"}"))).isNotEmpty();
        assertThat(validator.validate("shell.exec", input("{\"argv\": [\"echo\", \"\"]}"))).isEmpty();
    }

    @Test
    void schemaRejectsUnknownFieldsBadEnvAndBadTimeouts() {
        assertThat(validator.validate("shell.exec", input("{\"command\": \"true\", \"shell\": \"bash\"}")))
                .anySatisfy(v -> assertThat(v.path()).endsWith("shell"));
        assertThat(validator.validate("shell.exec", input("{\"command\": \"true\", \"env\": {\"1BAD\": \"x\"}}"))).isNotEmpty();
        assertThat(validator.validate("shell.exec", input("{\"command\": \"true\", \"env\": {\"A-B\": \"x\"}}"))).isNotEmpty();
        assertThat(validator.validate("shell.exec", input("{\"command\": \"true\", \"env\": {\"A\": 1}}"))).isNotEmpty();
        assertThat(validator.validate("shell.exec", input("{\"command\": \"true\", \"env\": {\"_ok_1\": \"x\"}}"))).isEmpty();
        assertThat(validator.validate("shell.exec", input("{\"command\": \"true\", \"timeoutMs\": 0}"))).isNotEmpty();
        assertThat(validator.validate("shell.exec", input("{\"command\": \"true\", \"timeoutMs\": 600001}"))).isNotEmpty();
        assertThat(validator.validate("shell.exec", input("{\"command\": \"true\", \"timeoutMs\": 1.5}"))).isNotEmpty();
        assertThat(validator.validate("shell.exec", input("{\"command\": \"true\", \"timeoutMs\": 600000}"))).isEmpty();
        assertThat(validator.validate("shell.exec", input("{\"command\": \"true\", \"stdin\": 5}"))).isNotEmpty();
    }
}
