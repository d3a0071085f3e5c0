package dev.warden.actions.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.action.ActionContext;
import dev.warden.action.ActionException;
import dev.warden.action.ChangeJournal;
import dev.warden.action.ErrorKind;
import dev.warden.action.Risk;
import dev.warden.guard.CommandAnalysis;
import dev.warden.guard.PathJail;
import dev.warden.json.Json;
import dev.warden.preview.PreviewStore;
import dev.warden.sandbox.Capabilities;
import dev.warden.sandbox.CgroupLimits;
import dev.warden.sandbox.Command;
import dev.warden.sandbox.ProcessLimits;
import dev.warden.sandbox.ProcessRunner;
import dev.warden.sandbox.SandboxFixture;
import dev.warden.sandbox.SandboxLevel;
import dev.warden.sandbox.SandboxSettings;
import dev.warden.sandbox.Sandboxes;
import dev.warden.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** shell.exec's sandbox field: the level it gets, failing closed, and how a sandboxed run is reported. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ShellExecSandboxTest {
    @TempDir
    Path temp;

    private final Function<Command, CommandAnalysis> analyzer = command -> new CommandAnalysis(
            command.toString().contains("rm") ? Risk.HIGH : Risk.READ, List.of(), List.of());

    private record TestContext(Instant deadline) implements ActionContext {
        @Override
        public ChangeJournal journal() {
            throw new UnsupportedOperationException("shell.exec journals nothing");
        }
    }

    private final ActionContext ctx = new TestContext(Instant.now().plus(Duration.ofMinutes(5)));

    /** A Warden on a machine where the probe finds no way to isolate: the probe is injected, the machine is not broken. */
    private ShellExecAction withoutIsolation(SandboxSettings settings, AtomicInteger probes) throws Exception {
        var root = Files.createDirectories(temp.resolve("root"));
        var runner = new ProcessRunner(ProcessLimits.defaults());
        var sandboxes = new Sandboxes(runner, settings, List.of(root), List.of(), () -> {
            probes.incrementAndGet();
            return Capabilities.processOnly("unshare: unshare failed: Operation not permitted");
        });
        return new ShellExecAction(new PathJail(List.of(root)), sandboxes, null, analyzer);
    }

    @Test
    void aLevelTheMachineCannotGiveFailsClosedAndNothingRuns() throws Exception {
        var probes = new AtomicInteger();
        var action = withoutIsolation(SandboxSettings.defaults(), probes);
        var input = Json.parse("{\"command\":\"touch ran.txt\",\"sandbox\":\"isolated\"}");

        assertThatThrownBy(() -> action.assess(ctx, input)).isInstanceOfSatisfying(ActionException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.INTERNAL);
            assertThat(e.code()).isEqualTo("sandbox_unavailable");
            assertThat(e.getMessage()).contains("Operation not permitted");
            assertThat(e.hint()).contains("never runs a command at a weaker level");
        });
        assertThatThrownBy(() -> action.execute(ctx, input)).isInstanceOfSatisfying(ActionException.class,
                e -> assertThat(e.code()).isEqualTo("sandbox_unavailable"));
        assertThatThrownBy(() -> action.execute(ctx, Json.parse("{\"command\":\"touch ran.txt\",\"sandbox\":\"preview\"}")))
                .isInstanceOfSatisfying(ActionException.class, e -> assertThat(e.code()).isEqualTo("sandbox_unavailable"));
        assertThat(temp.resolve("root/ran.txt")).doesNotExist();
        assertThat(probes.get()).as("probed once, then remembered").isEqualTo(1);
    }

    @Test
    void theProcessLevelNeedsNoProbe() throws Exception {
        var probes = new AtomicInteger();
        var action = withoutIsolation(SandboxSettings.defaults(), probes);

        var out = action.execute(ctx, Json.parse("{\"command\":\"echo hi\"}"));

        assertThat(out.path("stdout").asString()).isEqualTo("hi\n");
        assertThat(out.path("sandbox").path("level").asString()).isEqualTo("process");
        assertThat(probes.get()).isZero();
    }

    @Test
    void aDefaultTheMachineCannotGiveFailsClosedToo() throws Exception {
        var settings = SandboxSettings.defaults().withLevels(SandboxLevel.ISOLATED, SandboxLevel.PROCESS);
        var action = withoutIsolation(settings, new AtomicInteger());

        assertThatThrownBy(() -> action.execute(ctx, Json.parse("{\"command\":\"touch ran.txt\"}")))
                .isInstanceOfSatisfying(ActionException.class, e -> assertThat(e.code()).isEqualTo("sandbox_unavailable"));
        assertThat(temp.resolve("root/ran.txt")).doesNotExist();
    }

    @Test
    void aLevelBelowThePolicysMinimumIsRefused() throws Exception {
        var settings = SandboxSettings.defaults().withLevels(SandboxLevel.PREVIEW, SandboxLevel.ISOLATED);
        var action = withoutIsolation(settings, new AtomicInteger());

        assertThatThrownBy(() -> action.assess(ctx, Json.parse("{\"command\":\"ls\",\"sandbox\":\"process\"}")))
                .isInstanceOfSatisfying(ActionException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.REFUSED);
                    assertThat(e.code()).isEqualTo("sandbox_below_minimum");
                    assertThat(e.hint()).contains("'isolated'");
                });
    }

    @Test
    void aMemoryHogIsReportedAsKilledByMemory() throws Exception {
        var fx = SandboxFixture.create(temp, SandboxSettings.defaults().withCgroup(new CgroupLimits(64L << 20, 64, 1.0)));
        fx.assumeIsolation();
        var action = new ShellExecAction(new PathJail(List.of(fx.root())), fx.sandboxes(), null, analyzer);

        var out = action.execute(ctx, Json.parse("{\"argv\":[\"tail\",\"/dev/zero\"],\"sandbox\":\"isolated\",\"timeoutMs\":20000}"));

        assertThat(out.path("exitCode").asInt()).isEqualTo(137);
        assertThat(out.path("sandbox").path("killedBy").asString()).isEqualTo("memory");
        assertThat(out.path("sandbox").path("limitsHit").toString()).contains("memory");
        assertThat(out.path("sandbox").path("enforced").toString()).contains("cgroup_memory_bytes=67108864");
        assertThat(out.path("note").asString()).contains("more memory than its sandbox allows");
    }

    @Test
    void aPreviewIsAssessedAsLowRiskBecauseNothingRealChanges() throws Exception {
        var fx = SandboxFixture.create(temp);
        fx.assumeIsolation();
        try (var db = Database.openSqlite(fx.dataDir())) {
            var store = new PreviewStore(db, fx.dataDir().resolve("previews"), Clock.systemUTC());
            var action = new ShellExecAction(new PathJail(List.of(fx.root())), fx.sandboxes(), store, analyzer);
            assessPreview(action);
        }
    }

    private void assessPreview(ShellExecAction action) {
        var preview = action.assess(ctx, Json.parse("{\"command\":\"rm -rf .\",\"sandbox\":\"preview\"}"));
        var isolated = action.assess(ctx, Json.parse("{\"command\":\"rm -rf .\",\"sandbox\":\"isolated\"}"));

        assertThat(isolated.risk()).isEqualTo(Risk.HIGH);
        assertThat(preview.risk()).isEqualTo(Risk.LOW);
        assertThat(preview.reasons()).anySatisfy(r -> assertThat(r).contains("nothing real changes", "high"));
    }
}
