package dev.warden.engine;

import static dev.warden.engine.EngineFixture.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.warden.app.Warden;
import dev.warden.config.WardenConfig;
import dev.warden.json.Json;
import dev.warden.sandbox.SandboxLevel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A root that holds Warden's own data dir, policy and config file: no action reads or changes them,
 * whatever path leads there, and an isolated command does not even see the data dir.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProtectedPathsTest {
    @TempDir
    Path temp;

    Path root;
    Path data;
    Path policy;
    Path configFile;
    Warden warden;

    @BeforeEach
    void open() throws IOException {
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
        root = Files.createDirectories(temp.resolve("root")).toRealPath();
        data = Files.createDirectories(root.resolve("state/warden"));
        policy = Files.createDirectories(root.resolve("conf")).resolve("policy.yaml");
        Files.writeString(policy, "version: 1\ndefault: allow\n");
        configFile = root.resolve("conf/warden.yaml");
        Files.writeString(configFile, "port: 0\n");
        Files.writeString(root.resolve("notes.txt"), "version: 1\n");
        warden = open(configFile);
    }

    private Warden open(Path config) {
        return Warden.open(new WardenConfig("127.0.0.1", 0, data, List.of(root), policy, null, WardenConfig.DEFAULT_MAX_BODY_BYTES,
                Duration.ofMinutes(5), Duration.ofHours(1), dev.warden.config.MonitorConfig.defaults(), dev.warden.config.LlmConfig.none(), config), Clock.systemUTC());
    }

    @AfterEach
    void close() {
        warden.close();
    }

    private Outcome submit(String action, String json) {
        return warden.engine().submit(Intent.execute(action, Json.parse(json), ADMIN, Origin.INTERNAL));
    }

    private static void assertProtected(Outcome outcome) {
        assertThat(outcome).isInstanceOfSatisfying(Outcome.Denied.class, d -> {
            assertThat(d.code()).isEqualTo("path_protected");
            assertThat(d.hint()).contains("admin front");
        });
    }

    @Test
    void theJailKnowsWhichOfWardensFilesLieInsideARoot() throws IOException {
        assertThat(warden.jail().protectedInsideRoots()).contains(data.toRealPath(), policy.toRealPath(), configFile.toRealPath());
    }

    @Test
    void theAuditDatabaseAndKeysCannotBeReadByAnyPath() throws IOException {
        assertThat(data.resolve("warden.db")).exists();
        assertProtected(submit("fs.read", "{\"path\":\"state/warden/warden.db\"}"));
        assertProtected(submit("fs.read", "{\"path\":\"" + data.resolve("secret.key") + "\"}"));
        assertProtected(submit("fs.read", "{\"path\":\"conf/../state/./warden/secret.key\"}"));
        assertProtected(submit("fs.list", "{\"path\":\"state/warden\"}"));
        // A symlink made inside the root leads nowhere either.
        Files.createSymbolicLink(root.resolve("shortcut"), data);
        assertProtected(submit("fs.read", "{\"path\":\"shortcut/secret.key\"}"));
        assertProtected(submit("fs.stat", "{\"path\":\"shortcut\"}"));
    }

    @Test
    void thePolicyAndConfigCannotBeRewrittenOrCreatedAnew() throws IOException {
        var before = Files.readString(policy);
        assertProtected(submit("fs.write", "{\"path\":\"conf/policy.yaml\",\"content\":\"version: 1\\nroles: {viewer: critical}\\n\"}"));
        assertProtected(submit("fs.edit", "{\"path\":\"conf/policy.yaml\",\"oldText\":\"allow\",\"newText\":\"deny\"}"));
        assertProtected(submit("fs.delete", "{\"path\":\"conf/warden.yaml\"}"));
        assertProtected(submit("fs.write", "{\"path\":\"state/warden/projects/default/policy.yaml\",\"content\":\"version: 1\\n\"}"));
        assertThat(policy).hasContent(before);
        assertThat(configFile).exists();
        assertThat(data.resolve("projects/default/policy.yaml")).doesNotExist();
    }

    @Test
    void aDirectoryHoldingWardensFilesCannotBeDeletedMovedOrCopied() {
        assertProtected(submit("fs.delete", "{\"path\":\"state\",\"recursive\":true}"));
        assertProtected(submit("fs.move", "{\"from\":\"state\",\"to\":\"moved\"}"));
        assertProtected(submit("fs.copy", "{\"from\":\"state\",\"to\":\"copied\"}"));
        assertThat(data.resolve("warden.db")).exists();
        assertThat(root.resolve("moved")).doesNotExist();
        assertThat(root.resolve("copied")).doesNotExist();
    }

    @Test
    void anUndoRecordedBeforeAFileBecameWardensOwnDoesNotWriteIt() throws IOException {
        // Before conf/warden.yaml was Warden's config file, an agent changed it, which is undoable.
        warden.close();
        warden = open(null);
        var written = (Outcome.Done) submit("fs.write", "{\"path\":\"conf/warden.yaml\",\"content\":\"port: 1\\n\"}");
        assertThat(written.undoId()).isNotNull();
        warden.close();
        warden = open(configFile);

        assertProtected(submit("journal.undo", "{\"undoId\":\"" + written.undoId() + "\"}"));
        assertThat(configFile).hasContent("port: 1\n");
    }

    @Test
    void everythingElseInTheRootStillWorksAndSearchesSkipWardensFiles() {
        assertThat(submit("fs.list", "{\"path\":\".\"}")).isInstanceOf(Outcome.Done.class);
        var found = submit("fs.search", "{\"path\":\".\",\"content\":\"version: 1\"}");
        assertThat(found).isInstanceOfSatisfying(Outcome.Done.class, d -> {
            var paths = d.result().path("matches").valueStream().map(m -> m.path("path").asString()).toList();
            assertThat(paths).containsExactly(root.resolve("notes.txt").toString());
        });
        assertThat(submit("fs.write", "{\"path\":\"state/other.txt\",\"content\":\"fine\"}")).isInstanceOf(Outcome.Done.class);
    }

    @Test
    void anIsolatedCommandCannotReadTheAuditDatabaseInsideARootThoughAProcessLevelOneCould() throws IOException {
        assumeTrue(isRoot(), "isolated runs need Warden to run as root (namespaces, cgroups)");
        var caps = warden.sandboxes().capabilities();
        assumeTrue(caps.available(SandboxLevel.ISOLATED), "no isolation here: " + caps.missing(SandboxLevel.ISOLATED));
        // Readable by anyone on disk, so only the sandbox's hiding keeps the command from it.
        Files.setPosixFilePermissions(data.resolve("warden.db"), PosixFilePermissions.fromString("rw-r--r--"));
        var command = "head -c 15 state/warden/warden.db; echo; ls -A state/warden | wc -l";

        var plain = (Outcome.Done) submit("shell.exec", "{\"command\":\"" + command + "\",\"sandbox\":\"process\"}");
        assertThat(plain.result().path("stdout").asString()).startsWith("SQLite format 3");

        var isolated = (Outcome.Done) submit("shell.exec", "{\"command\":\"" + command + "\",\"sandbox\":\"isolated\"}");
        assertThat(isolated.result().path("sandbox").path("enforced").toString()).contains("data_dir_hidden");
        assertThat(isolated.result().path("stdout").asString()).doesNotContain("SQLite").isEqualTo("\n0\n");
        assertThat(isolated.result().path("stderr").asString()).contains("warden.db");
        assertThat(data.resolve("warden.db")).exists();
    }

    @Test
    void anIsolatedCommandCannotRewriteThePolicyOrConfigKeptInARoot() throws IOException {
        assumeTrue(isRoot(), "isolated runs need Warden to run as root (namespaces, cgroups)");
        var caps = warden.sandboxes().capabilities();
        assumeTrue(caps.available(SandboxLevel.ISOLATED), "no isolation here: " + caps.missing(SandboxLevel.ISOLATED));
        // The command runs as the root's owner, who owns the files too: only the sandbox stands in the way.
        for (var p : List.of(root, root.resolve("conf"), policy, configFile)) {
            Files.setAttribute(p, "unix:uid", 1234);
            Files.setAttribute(p, "unix:gid", 1234);
        }
        var before = Files.readString(policy);
        var command = "echo 'roles: {viewer: critical}' > conf/policy.yaml; mv conf/policy.yaml conf/moved.yaml;"
                + " rm -f conf/warden.yaml; echo ok > conf/other.yaml";

        var run = (Outcome.Done) submit("shell.exec", "{\"command\":\"" + command + "\",\"sandbox\":\"isolated\"}");

        assertThat(run.result().path("sandbox").path("enforced").toString()).contains("warden_files_read_only");
        assertThat(policy).hasContent(before);
        assertThat(root.resolve("conf/moved.yaml")).doesNotExist();
        assertThat(configFile).exists();
        assertThat(root.resolve("conf/other.yaml")).hasContent("ok");
    }

    private static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
