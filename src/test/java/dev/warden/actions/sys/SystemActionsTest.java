package dev.warden.actions.sys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.action.ErrorKind;
import dev.warden.app.Warden;
import dev.warden.audit.AuditQuery;
import dev.warden.config.WardenConfig;
import dev.warden.engine.Intent;
import dev.warden.engine.Mode;
import dev.warden.engine.Origin;
import dev.warden.engine.Outcome;
import dev.warden.identity.Principal;
import dev.warden.identity.Role;
import dev.warden.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** sys.info, sys.metrics and proc.* through the engine, under the default policy, against real processes. */
class SystemActionsTest {
    static final Principal ADMIN = new Principal("tok_admin", "ada", Role.ADMIN, "default", Principal.Kind.TOKEN, List.of());
    static final Principal OPERATOR = new Principal("tok_op", "olivia", Role.OPERATOR, "default", Principal.Kind.TOKEN, List.of());
    static final Principal VIEWER = new Principal("tok_viewer", "victor", Role.VIEWER, "default", Principal.Kind.TOKEN, List.of());

    @TempDir
    Path temp;
    Warden warden;
    final List<Process> children = new ArrayList<>();

    @BeforeEach
    void open() throws IOException {
        var root = Files.createDirectories(temp.resolve("root"));
        var data = Files.createDirectories(temp.resolve("data"));
        warden = Warden.open(new WardenConfig("127.0.0.1", 0, data, List.of(root), data.resolve("policy.yaml"), null,
                WardenConfig.DEFAULT_MAX_BODY_BYTES, Duration.ofMinutes(5)), Clock.systemUTC());
    }

    @AfterEach
    void close() {
        children.forEach(Process::destroyForcibly);
        warden.close();
    }

    /** A shell running {@code script}, with {@code marker} (its $0) on its command line. */
    private Process spawn(String script, String marker) throws IOException {
        var process = new ProcessBuilder("sh", "-c", script, marker).start();
        children.add(process);
        return process;
    }

    /** {@code sleep} itself, for a time no other process sleeps: its command line is its marker. */
    private Process sleeper(String seconds) throws IOException {
        var process = new ProcessBuilder("sleep", seconds).start();
        children.add(process);
        return process;
    }

    /** A number of seconds unique to this test, usable as a marker: {@code sleep} takes fractions. */
    private static String seconds() {
        return "3" + String.format("%09d", Math.floorMod(UUID.randomUUID().getLeastSignificantBits(), 1_000_000_000L)) + ".5";
    }

    private static String marker() {
        return "wdn-test-" + UUID.randomUUID();
    }

    private Outcome submit(Principal who, String action, String json) {
        return warden.engine().submit(Intent.execute(action, Json.parse(json), who, Origin.REST));
    }

    private JsonNode done(Principal who, String action, String json) {
        var outcome = submit(who, action, json);
        assertThat(outcome).as(action + " " + json).isInstanceOf(Outcome.Done.class);
        return ((Outcome.Done) outcome).result();
    }

    /** Runs a confirmed call as an admin: the default policy asks to confirm high-risk actions. */
    private Outcome confirmed(String action, String json) {
        var first = submit(ADMIN, action, json);
        assertThat(first).isInstanceOf(Outcome.NeedsConfirmation.class);
        var token = ((Outcome.NeedsConfirmation) first).token();
        return warden.engine().submit(Intent.execute(action, Json.parse(json), ADMIN, Origin.REST).withConfirmation(token));
    }

    @Test
    void sysInfoDescribesThisMachine() throws IOException {
        var info = done(VIEWER, "sys.info", "{}");
        assertThat(info.path("kernel").asString()).isEqualTo(System.getProperty("os.version"));
        assertThat(info.path("cpu").path("logicalCores").asInt()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(info.path("memory").path("totalBytes").asLong()).isGreaterThan(0);
        assertThat(info.path("uptimeSeconds").asLong()).isPositive();
        assertThat(info.path("wardenPid").asLong()).isEqualTo(ProcessHandle.current().pid());
        var rootStore = Files.getFileStore(temp);
        var mounts = new ArrayList<Long>();
        info.path("fileSystems").forEach(fs -> mounts.add(fs.path("totalBytes").asLong()));
        assertThat(mounts).as("the file system holding the temp dir is listed").contains(rootStore.getTotalSpace());
    }

    @Test
    void sysMetricsSamplesTheLoadWithRatesOverAnInterval() {
        var sample = done(VIEWER, "sys.metrics", "{}");
        assertThat(sample.path("intervalSeconds").asDouble()).isGreaterThan(0);
        assertThat(sample.path("cpu").path("usedPercent").asDouble()).isBetween(0.0, 100.0);
        assertThat(sample.path("cpu").path("perCorePercent")).hasSize(Runtime.getRuntime().availableProcessors());
        var memory = sample.path("memory");
        assertThat(memory.path("usedBytes").asLong() + memory.path("availableBytes").asLong()).isEqualTo(memory.path("totalBytes").asLong());
        assertThat(memory.path("usedPercent").asDouble()).isBetween(0.0, 100.0);
        assertThat(sample.path("network").path("interfaces").findValuesAsString("name")).contains("lo");
        assertThat(sample.path("processes").asInt()).isPositive();
        for (var window : List.of("one", "five", "fifteen")) assertThat(sample.path("load").path(window).isNumber()).isTrue();
        var swap = sample.path("swap");
        assertThat(swap.path("usedBytes").asLong()).isBetween(0L, swap.path("totalBytes").asLong());
        for (var field : List.of("readBytesPerSec", "writeBytesPerSec", "readsPerSec", "writesPerSec")) {
            assertThat(sample.path("disk").path(field).asDouble(-1)).as("disk " + field).isGreaterThanOrEqualTo(0);
        }
        assertThat(sample.path("network").path("rxBytesPerSec").asDouble(-1)).isGreaterThanOrEqualTo(0);
        // That calls within a second share one reading is SystemProbeTest's, on a time it controls.
    }

    @Test
    void aNetworkRateIsTheTrafficBetweenTwoReadings() throws Exception {
        done(VIEWER, "sys.metrics", "{}");
        Thread.sleep(1100);
        // 32 MiB over loopback between this reading and the next.
        try (var server = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            var reader = Thread.ofVirtual().start(() -> {
                try (var socket = server.accept(); var in = socket.getInputStream()) {
                    in.transferTo(java.io.OutputStream.nullOutputStream());
                } catch (IOException ignored) {
                    // the writer closed
                }
            });
            try (var socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), server.getLocalPort());
                 var out = socket.getOutputStream()) {
                var chunk = new byte[1 << 20];
                for (int i = 0; i < 32; i++) out.write(chunk);
            }
            reader.join(10_000);
        }
        var sample = done(VIEWER, "sys.metrics", "{}");
        var lo = sample.path("network").path("interfaces").valueStream().filter(i -> i.path("name").asString().equals("lo"))
                .findFirst().orElseThrow();
        double seconds = sample.path("intervalSeconds").asDouble();
        assertThat(lo.path("rxBytesPerSec").asDouble() * seconds).as("bytes seen on lo over the interval")
                .isGreaterThan(32.0 * (1 << 20));
        assertThat(sample.path("network").path("rxBytesPerSec").asDouble()).isGreaterThanOrEqualTo(lo.path("rxBytesPerSec").asDouble());
    }

    @Test
    void procListFindsFiltersSortsAndPages() throws Exception {
        var marker = seconds();
        var idle = sleeper(marker);
        var busy = spawn("while :; do :; done", "busy-" + marker);
        var found = done(VIEWER, "proc.list", "{\"command\": \"" + marker + "\", \"sort\": \"cpu\"}");
        assertThat(found.path("total").asInt()).isEqualTo(2);
        var rows = found.path("processes");
        assertThat(rows.get(0).path("pid").asLong()).as("the busy loop ranks first by CPU").isEqualTo(busy.pid());
        assertThat(rows.get(0).path("cpuPercent").asDouble()).isGreaterThan(rows.get(1).path("cpuPercent").asDouble());
        assertThat(rows.get(1).path("pid").asLong()).isEqualTo(idle.pid());
        assertThat(rows.get(1).path("ppid").asLong()).isEqualTo(ProcessHandle.current().pid());
        assertThat(rows.get(1).path("command").asString()).isEqualTo("sleep " + marker);

        var byName = done(VIEWER, "proc.list", "{\"command\": \"" + marker + "\", \"name\": \"SL*P\"}");
        assertThat(byName.path("total").asInt()).as("the glob is case-insensitive and matches sleep only").isEqualTo(1);
        assertThat(byName.path("processes").get(0).path("name").asString()).isEqualTo("sleep");

        var first = done(VIEWER, "proc.list", "{\"command\": \"" + marker + "\", \"sort\": \"pid\", \"limit\": 1}");
        assertThat(first.path("order").asString()).isEqualTo("asc");
        assertThat(first.path("nextOffset").asInt()).isEqualTo(1);
        var second = done(VIEWER, "proc.list", "{\"command\": \"" + marker + "\", \"sort\": \"pid\", \"limit\": 1, \"offset\": 1}");
        assertThat(second.has("nextOffset")).isFalse();
        assertThat(first.path("processes").get(0).path("pid").asLong())
                .isLessThan(second.path("processes").get(0).path("pid").asLong());
        var none = done(VIEWER, "proc.list", "{\"command\": \"" + marker + "\", \"user\": \"no-such-user-" + marker + "\"}");
        assertThat(none.path("total").asInt()).isZero();
    }

    @Test
    void procListRejectsBadInputWithItsPath() {
        var outcome = submit(VIEWER, "proc.list", "{\"sort\": \"colour\", \"limit\": 0}");
        assertThat(outcome).isInstanceOf(Outcome.Invalid.class);
        assertThat(((Outcome.Invalid) outcome).errors()).extracting(Outcome.FieldError::path).contains("$.sort", "$.limit");
    }

    @Test
    void procInfoDescribesOneProcessAndNeverItsEnvironment() throws Exception {
        var marker = seconds();
        var child = sleeper(marker);
        var info = done(VIEWER, "proc.info", "{\"pid\": " + child.pid() + "}");
        assertThat(info.path("name").asString()).isEqualTo("sleep");
        assertThat(info.path("ppid").asLong()).isEqualTo(ProcessHandle.current().pid());
        assertThat(info.path("arguments").toString()).isEqualTo("[\"sleep\",\"" + marker + "\"]");
        assertThat(info.path("protected").asBoolean()).isFalse();
        assertThat(info.has("environment")).isFalse();
        var self = done(VIEWER, "proc.info", "{\"pid\": " + ProcessHandle.current().pid() + "}");
        assertThat(self.path("protected").asBoolean()).isTrue();
        assertThat(self.path("children").toString()).contains(Long.toString(child.pid()));
    }

    @Test
    void procInfoOfAProcessThatDoesNotExistSaysSoWithAHint() throws Exception {
        var gone = new ProcessBuilder("true").start();
        gone.waitFor();
        var outcome = submit(VIEWER, "proc.info", "{\"pid\": " + gone.pid() + "}");
        assertThat(outcome).isInstanceOf(Outcome.Failed.class);
        var failed = (Outcome.Failed) outcome;
        assertThat(failed.kind()).isEqualTo(ErrorKind.NOT_FOUND);
        assertThat(failed.code()).isEqualTo("process_not_found");
        assertThat(failed.hint()).contains("proc.list");
    }

    @Test
    void procKillEndsAProcessOnceConfirmedAndTheAuditNamesIt() throws Exception {
        var child = sleeper(seconds());
        var outcome = confirmed("proc.kill", "{\"pid\": " + child.pid() + "}");
        assertThat(outcome).isInstanceOf(Outcome.Done.class);
        var done = (Outcome.Done) outcome;
        assertThat(done.result().path("sent").asBoolean()).isTrue();
        assertThat(done.result().path("exited").asBoolean()).isTrue();
        assertThat(done.result().path("name").asString()).isEqualTo("sleep");
        assertThat(done.undoId()).as("a signal cannot be taken back").isNull();
        assertThat(child.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isEqualTo(128 + 15);
        var record = new AuditQuery(warden.database()).find(done.auditSeq()).orElseThrow();
        assertThat(record.outcome()).isEqualTo("done");
        assertThat(record.input().path("pid").asLong()).isEqualTo(child.pid());
    }

    @Test
    void procKillSendsTheSignalAskedFor() throws Exception {
        // TERM sent before the shell has run `trap` would kill it: it says when it ignores TERM.
        var child = spawn("trap '' TERM; echo ready; while :; do sleep 0.1; done", marker());
        assertThat(child.inputReader().readLine()).isEqualTo("ready");
        var term = (Outcome.Done) confirmed("proc.kill", "{\"pid\": " + child.pid() + ", \"waitMs\": 300}");
        assertThat(term.result().path("exited").asBoolean()).as("TERM is ignored by this process").isFalse();
        assertThat(term.result().path("note").asString()).contains("KILL");
        assertThat(child.isAlive()).isTrue();
        var kill = (Outcome.Done) confirmed("proc.kill", "{\"pid\": " + child.pid() + ", \"signal\": \"KILL\"}");
        assertThat(kill.result().path("exited").asBoolean()).isTrue();
        assertThat(child.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isEqualTo(128 + 9);
    }

    @Test
    void procKillSimulatedNamesTheTargetAndLeavesItRunning() throws Exception {
        var child = sleeper(seconds());
        var outcome = warden.engine().submit(Intent.execute("proc.kill", Json.parse("{\"pid\": " + child.pid() + "}"), ADMIN,
                Origin.REST).withMode(Mode.SIMULATE));
        assertThat(outcome).isInstanceOf(Outcome.Done.class);
        var result = ((Outcome.Done) outcome).result();
        assertThat(result.path("simulated").asBoolean()).isTrue();
        assertThat(result.path("sent").asBoolean()).isFalse();
        assertThat(result.path("name").asString()).isEqualTo("sleep");
        Thread.sleep(200);
        assertThat(child.isAlive()).isTrue();
    }

    @Test
    void procKillRefusesInitAndWardenItselfWhateverThePolicy() {
        for (var pid : new long[] {1, ProcessHandle.current().pid()}) {
            var outcome = submit(ADMIN, "proc.kill", "{\"pid\": " + pid + ", \"signal\": \"KILL\"}");
            assertThat(outcome).as("pid " + pid).isInstanceOf(Outcome.Denied.class);
            assertThat(((Outcome.Denied) outcome).code()).isEqualTo("process_protected");
        }
        assertThat(ProcessHandle.current().isAlive()).isTrue();
    }

    @Test
    void procKillIsBeyondOperatorsAndViewersUnderTheDefaultPolicy() throws Exception {
        var child = sleeper(seconds());
        for (var who : List.of(OPERATOR, VIEWER)) {
            var outcome = submit(who, "proc.kill", "{\"pid\": " + child.pid() + "}");
            assertThat(outcome).as(who.name()).isInstanceOf(Outcome.Denied.class);
        }
        assertThat(child.isAlive()).isTrue();
    }

    @Test
    void procKillRejectsAnUnknownSignalAndAPidOfZero() {
        var outcome = submit(ADMIN, "proc.kill", "{\"pid\": 0, \"signal\": \"SEGV\"}");
        assertThat(outcome).isInstanceOf(Outcome.Invalid.class);
        assertThat(((Outcome.Invalid) outcome).errors()).extracting(Outcome.FieldError::path).contains("$.pid", "$.signal");
    }

    @Test
    void procKillOfAProcessThatIsGoneSaysSo() throws Exception {
        var gone = new ProcessBuilder("true").start();
        gone.waitFor();
        var first = submit(ADMIN, "proc.kill", "{\"pid\": " + gone.pid() + "}");
        // Whether the policy asks first or the target is found missing at once, nothing is signalled.
        if (first instanceof Outcome.NeedsConfirmation c) {
            first = warden.engine().submit(Intent.execute("proc.kill", Json.parse("{\"pid\": " + gone.pid() + "}"), ADMIN,
                    Origin.REST).withConfirmation(c.token()));
        }
        assertThat(first).isInstanceOf(Outcome.Failed.class);
        assertThat(((Outcome.Failed) first).code()).isEqualTo("process_not_found");
    }
}
