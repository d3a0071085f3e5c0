package dev.warden.engine;

import static dev.warden.engine.EngineFixture.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.warden.json.Json;
import dev.warden.sandbox.SandboxLevel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Invariants observe the host, whatever level commands run at: a process seen in the host's process
 * table, the file system that holds a path, and a command that leaves no preview behind.
 */
class ObservationsTest {
    @TempDir
    Path temp;

    EngineFixture w;
    Process daemon;

    @AfterEach
    void close() {
        if (daemon != null) daemon.destroyForcibly();
        if (w != null) w.close();
    }

    private JsonNode invariant(String observe, String check) {
        var outcome = w.warden.plans().submit(Json.parse("""
                {"steps": [{"id": "look", "action": "fs.stat", "input": {"path": "."}}],
                 "invariants": [{"name": "i", "observe": %s, "check": "%s"}]}""".formatted(observe, check)),
                ADMIN, Origin.INTERNAL, null, event -> {});
        var report = outcome instanceof Outcome.Done done ? done.result() : ((Outcome.Failed) outcome).details();
        return report.path("invariants").get(0);
    }

    @Test
    void aProcessIsFoundByNameInTheHostsTableEvenWhenCommandsRunIsolated() throws Exception {
        w = new EngineFixture(temp, EngineFixture.POLICY + "sandbox: {default: isolated}\n");
        // A copy of sleep under a name nothing else on the machine has.
        var name = "obsd" + ThreadLocalRandom.current().nextInt(100_000, 999_999);
        var binary = temp.resolve(name);
        Files.copy(Path.of("/bin/sleep"), binary);
        binary.toFile().setExecutable(true);
        daemon = new ProcessBuilder(binary.toString(), "60").start();

        var seen = invariant("{\"process\": \"" + name + "\"}", "observation.running && observation.count == 1");
        assertThat(seen.path("holds").asBoolean()).as(seen.toString()).isTrue();
        assertThat(seen.at("/observation/pids/0").asLong()).isEqualTo(daemon.pid());

        daemon.destroy();
        daemon.waitFor(5, TimeUnit.SECONDS);
        var gone = invariant("{\"process\": \"" + name + "\"}", "!observation.running");
        assertThat(gone.path("holds").asBoolean()).as(gone.toString()).isTrue();
        assertThat(gone.at("/observation/count").asInt()).isZero();
    }

    @Test
    void aDiskIsTheFileSystemWithTheLongestMountHoldingThePath() throws Exception {
        w = new EngineFixture(temp);
        var seen = invariant("{\"disk\": \".\"}", "observation.freeBytes > 0 && observation.usedPercent <= 100.0");
        assertThat(seen.path("holds").asBoolean()).as(seen.toString()).isTrue();
        var df = new ProcessBuilder("df", "-P", w.root.toString()).start();
        var lines = new String(df.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip().split("\n");
        var fields = lines[lines.length - 1].trim().split("\\s+");
        assertThat(seen.at("/observation/mount").asString()).isEqualTo(fields[5]);
        assertThat(seen.at("/observation/totalBytes").asLong()).isEqualTo(Files.getFileStore(w.root).getTotalSpace());
        assertThat(seen.at("/observation/path").asString()).isEqualTo(w.root.toRealPath().toString());

        var outside = invariant("{\"disk\": \"/etc\"}", "true");
        assertThat(outside.path("holds").asBoolean()).isFalse();
        assertThat(outside.at("/observation/code").asString()).isEqualTo("path_outside_roots");
    }

    @Test
    void aCommandObservedWherePreviewsAreTheDefaultChangesNothingAndLeavesNoPreviewBehind() throws Exception {
        w = new EngineFixture(temp, EngineFixture.POLICY + "sandbox: {default: preview}\n");
        assumeTrue(w.warden.sandboxes().capabilities().available(SandboxLevel.PREVIEW), "no preview level on this machine");
        // Sandboxed commands may run as an unprivileged user: let it write, so only the preview can stop it.
        Files.setPosixFilePermissions(w.root, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.writeString(w.root.resolve("app.conf"), "port=80\n");
        var seen = invariant("{\"command\": \"grep -q port=80 app.conf && touch observed.txt\"}", "observation.exitCode == 0");
        assertThat(seen.path("holds").asBoolean()).as(seen.toString()).isTrue();
        assertThat(seen.at("/observation/sandbox/level").asString()).isEqualTo("preview");
        assertThat(seen.at("/observation/changes/0/path").asString()).endsWith("observed.txt");
        assertThat(w.root.resolve("observed.txt")).doesNotExist();
        assertThat(previews()).isZero();
    }

    private long previews() {
        return w.count("SELECT COUNT(*) FROM previews WHERE status IN ('pending', 'running', 'committing')");
    }
}
