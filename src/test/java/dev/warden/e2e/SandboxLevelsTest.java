package dev.warden.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.warden.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The sandbox levels through the REST front of a real Warden with the default policy: isolated
 * runs, previews that change nothing, commits that change exactly what the preview listed and undo
 * back to the same bytes, discards, expiry and conflicts. Needs root (namespaces, overlays); on a
 * machine without it the tests are skipped and say why.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SandboxLevelsTest {
    private static final int NOBODY = 65534;

    @TempDir
    Path temp;

    private E2eFixture w;

    private E2eFixture open(String policy) throws IOException {
        assumeTrue(isRoot(), "isolated and preview runs need Warden to run as root (namespaces, cgroups, overlays)");
        var data = Files.createDirectories(temp.resolve("data"));
        if (policy != null) Files.writeString(data.resolve("policy.yaml"), policy);
        var root = Files.createDirectories(temp.resolve("root"));
        Files.writeString(root.resolve("README.md"), "# demo\nline two\n");
        Files.createDirectories(root.resolve("src/lib"));
        Files.writeString(root.resolve("src/main.c"), "int main() { return 0; }\n");
        Files.write(root.resolve("src/lib/blob.bin"), new byte[] {0, 1, 2, (byte) 0xff});
        Files.createSymbolicLink(root.resolve("latest"), Path.of("src/main.c"));
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
        chownTree(root, NOBODY);
        w = new E2eFixture(temp, 1 << 20);
        var caps = w.warden.sandboxes().capabilities();
        assumeTrue(caps.available(dev.warden.sandbox.SandboxLevel.PREVIEW), "no preview here: " + caps.missing(dev.warden.sandbox.SandboxLevel.PREVIEW));
        return w;
    }

    @AfterEach
    void close() {
        if (w != null) w.close();
    }

    private JsonNode exec(String token, String json) {
        var answer = w.post("/v1/actions/shell.exec", token, json);
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        return answer.body().path("result");
    }

    @Test
    void theProcessLevelIsTheDefaultAndReportsItsLimits() throws IOException {
        open(null);

        var result = exec(w.operatorToken, "{\"command\":\"echo hi\"}");

        assertThat(result.path("sandbox").path("level").asString()).isEqualTo("process");
        assertThat(result.path("sandbox").path("enforced").toString()).contains("process_group_kill", "rlimit_nofile=1024");
        assertThat(result.path("sandbox").path("unavailable")).isEmpty();
    }

    @Test
    void anIsolatedCommandWritesTheRootsButNothingElseAndHasNoNetwork() throws IOException {
        open(null);
        var outside = Files.createDirectories(temp.resolve("outside"));
        Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("rwxrwxrwx"));

        var result = exec(w.operatorToken, Json.write(Json.object().put("sandbox", "isolated").put("command",
                "echo in > new.txt; echo out > " + outside + "/x.txt; curl -s -m 2 http://127.0.0.1:" + w.server.port() + "/healthz")));

        assertThat(result.path("sandbox").path("level").asString()).isEqualTo("isolated");
        assertThat(result.path("sandbox").path("enforced").toString()).contains("no_network", "read_only_outside_roots",
                "cgroup_memory_bytes=536870912", "cgroup_pids_max=256", "uid=65534");
        assertThat(result.path("stderr").asString()).contains("Read-only file system");
        assertThat(result.path("stdout").asString()).doesNotContain("ok");
        assertThat(result.path("exitCode").asInt()).isNotZero();
        assertThat(w.root.resolve("new.txt")).hasContent("in");
        assertThat(outside.resolve("x.txt")).doesNotExist();
    }

    @Test
    void thePolicysDefaultLevelAppliesAndALevelBelowItsMinimumIsRefused() throws IOException {
        open("version: 1\nsandbox:\n  default: isolated\n  minimum: isolated\n");

        var result = exec(w.operatorToken, "{\"command\":\"echo hi\"}");
        var weaker = w.post("/v1/actions/shell.exec", w.operatorToken, "{\"command\":\"touch ran.txt\",\"sandbox\":\"process\"}");

        assertThat(result.path("sandbox").path("level").asString()).isEqualTo("isolated");
        weaker.assertProblem(403, "sandbox_below_minimum");
        assertThat(w.root.resolve("ran.txt")).doesNotExist();
    }

    @Test
    void aPreviewOfRmRfLeavesEveryFileInPlaceAndListsThemAsDeleted() throws IOException {
        open(null);
        var before = snapshot(w.root);

        // rm -rf is high risk, but a preview changes nothing real: an operator runs it without confirming.
        var result = exec(w.operatorToken, "{\"command\":\"rm -rf ./* && ls -A | wc -l\",\"sandbox\":\"preview\"}");

        assertThat(result.path("stdout").asString().strip()).isEqualTo("0");
        assertThat(snapshot(w.root)).isEqualTo(before);
        assertThat(result.path("previewId").asString()).startsWith("pv_");
        assertThat(result.path("expiresAt").asString()).isNotBlank();
        var listed = new TreeMap<String, String>();
        result.path("changes").forEach(c -> listed.put(w.root.relativize(Path.of(c.path("path").asString())).toString(),
                c.path("kind").asString()));
        var expected = new TreeMap<String, String>();
        before.keySet().stream().filter(k -> !k.isEmpty()).forEach(k -> expected.put(k, "deleted"));
        assertThat(listed).isEqualTo(expected);
        assertThat(result.path("changeCount").asInt()).isEqualTo(expected.size());
    }

    @Test
    void aCommittedPreviewChangesExactlyWhatItListedAndOneUndoRestoresTheBytes() throws IOException {
        open(null);
        var before = snapshot(w.root);
        var result = exec(w.operatorToken, "{\"sandbox\":\"preview\",\"command\":"
                + "\"echo 'line three' >> README.md && rm -r src/lib && mkdir -p docs && printf 'new\\\\n' > docs/guide.md"
                + " && ln -sfn README.md latest\"}");
        var id = result.path("previewId").asString();
        assertThat(snapshot(w.root)).isEqualTo(before);
        var readme = change(result, "README.md");
        assertThat(readme.path("kind").asString()).isEqualTo("modified");
        assertThat(readme.path("diff").asString()).contains("+line three").contains(" line two");
        assertThat(change(result, "docs/guide.md").path("diff").asString()).contains("+new");
        assertThat(change(result, "src/lib/blob.bin").path("kind").asString()).isEqualTo("deleted");

        // Deleting is high risk: the default policy asks for confirmation, and only an admin may.
        var held = w.post("/v1/previews/" + id + "/commit", E2eFixture.ADMIN, "");
        held.assertProblem(428, "confirmation_required");
        var committed = w.post("/v1/previews/" + id + "/commit?confirm=" + held.body().path("confirmToken").asString(),
                E2eFixture.ADMIN, "");

        assertThat(committed.status()).as(committed.text()).isEqualTo(200);
        assertThat(committed.body().path("result").path("deleted").asInt()).isEqualTo(2);
        assertThat(w.root.resolve("README.md")).hasContent("# demo\nline two\nline three");
        assertThat(w.root.resolve("docs/guide.md")).hasContent("new");
        assertThat(w.root.resolve("src/lib")).doesNotExist();
        assertThat(Files.readSymbolicLink(w.root.resolve("latest"))).isEqualTo(Path.of("README.md"));
        assertThat(Files.getAttribute(w.root.resolve("docs/guide.md"), "unix:uid")).isEqualTo(NOBODY);
        w.post("/v1/previews/" + id + "/commit", E2eFixture.ADMIN, "").assertProblem(409, "preview_committed");

        var undone = w.post("/v1/undo/" + committed.body().path("undoId").asString(), E2eFixture.ADMIN, "");

        assertThat(undone.status()).as(undone.text()).isEqualTo(200);
        assertThat(snapshot(w.root)).isEqualTo(before);
    }

    @Test
    void aDiscardedPreviewLeavesEverythingAndCannotBeCommitted() throws IOException {
        open(null);
        var before = snapshot(w.root);
        var id = exec(w.operatorToken, "{\"sandbox\":\"preview\",\"command\":\"echo x > README.md; touch new\"}")
                .path("previewId").asString();

        var discarded = w.post("/v1/previews/" + id + "/discard", w.operatorToken, "");

        assertThat(discarded.status()).as(discarded.text()).isEqualTo(200);
        assertThat(discarded.body().path("result").path("discarded").asInt()).isEqualTo(2);
        assertThat(snapshot(w.root)).isEqualTo(before);
        assertThat(w.dataDir.resolve("previews").resolve(id)).doesNotExist();
        w.post("/v1/previews/" + id + "/commit", w.operatorToken, "").assertProblem(409, "preview_discarded");
        w.post("/v1/previews/pv_00000000000000000000/commit", w.operatorToken, "").assertProblem(404, "preview_not_found");
    }

    @Test
    void aPreviewExpires() throws IOException {
        open(null);
        var id = exec(w.operatorToken, "{\"sandbox\":\"preview\",\"command\":\"touch new\"}").path("previewId").asString();
        assertThat(w.dataDir.resolve("previews").resolve(id)).isDirectory();

        w.clock.advance(Duration.ofMinutes(61));

        w.post("/v1/previews/" + id + "/commit", w.operatorToken, "").assertProblem(409, "preview_expired");
        assertThat(w.dataDir.resolve("previews").resolve(id)).doesNotExist();
        assertThat(w.root.resolve("new")).doesNotExist();
    }

    @Test
    void aCommitRefusesWhenAFileChangedSinceThePreview() throws IOException {
        open(null);
        var id = exec(w.operatorToken, "{\"sandbox\":\"preview\",\"command\":\"echo previewed >> README.md; touch new\"}")
                .path("previewId").asString();
        Files.writeString(w.root.resolve("README.md"), "changed by someone else\n");

        var refused = w.post("/v1/previews/" + id + "/commit", w.operatorToken, "");

        refused.assertProblem(409, "preview_conflict");
        assertThat(refused.body().path("details").path("path").asString()).endsWith("README.md");
        assertThat(w.root.resolve("README.md")).hasContent("changed by someone else");
        assertThat(w.root.resolve("new")).doesNotExist();
        // The preview stays pending: once the file is as it was, it can be committed.
        Files.writeString(w.root.resolve("README.md"), "# demo\nline two\n");
        Files.setAttribute(w.root.resolve("README.md"), "unix:uid", NOBODY);
        var committed = w.post("/v1/previews/" + id + "/commit", w.operatorToken, "");
        assertThat(committed.status()).as(committed.text()).isEqualTo(200);
        assertThat(w.root.resolve("README.md")).hasContent("# demo\nline two\npreviewed");
    }

    private static JsonNode change(JsonNode result, String rel) {
        for (var c : result.path("changes")) {
            if (c.path("path").asString().endsWith("/" + rel)) return c;
        }
        throw new AssertionError("no change listed for " + rel + " in " + result.path("changes"));
    }

    /** Every path below {@code root}: type, mode, owner and exact bytes (or link target). */
    private static Map<String, String> snapshot(Path root) throws IOException {
        var map = new TreeMap<String, String>();
        try (Stream<Path> all = Files.walk(root)) {
            for (var p : all.toList()) {
                var rel = root.relativize(p).toString();
                var owner = Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
                if (Files.isSymbolicLink(p)) {
                    map.put(rel, "link " + Files.readSymbolicLink(p) + " " + owner);
                } else {
                    var mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
                    map.put(rel, Files.isDirectory(p) ? "dir " + mode + " " + owner
                            : "file " + mode + " " + owner + " " + HexFormat.of().formatHex(Files.readAllBytes(p)));
                }
            }
        }
        return map;
    }

    private static void chownTree(Path dir, int uid) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (var p : all.toList()) {
                Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(p, "unix:gid", uid, LinkOption.NOFOLLOW_LINKS);
            }
        }
    }

    private static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
