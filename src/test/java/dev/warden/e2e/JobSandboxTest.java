package dev.warden.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.warden.json.Json;
import dev.warden.sandbox.SandboxLevel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Jobs at the isolated level, and what a policy default of preview means for a job. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JobSandboxTest {
    private static final int NOBODY = 65534;

    @TempDir
    Path temp;

    private E2eFixture w;

    private void open(String policy) throws IOException {
        assumeTrue(isRoot(), "isolated runs need Warden to run as root (namespaces, cgroups)");
        var data = Files.createDirectories(temp.resolve("data"));
        if (policy != null) Files.writeString(data.resolve("policy.yaml"), policy);
        var root = Files.createDirectories(temp.resolve("root"));
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setAttribute(root, "unix:uid", NOBODY, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(root, "unix:gid", NOBODY, LinkOption.NOFOLLOW_LINKS);
        w = new E2eFixture(temp, 1 << 20);
        var caps = w.warden.sandboxes().capabilities();
        assumeTrue(caps.available(SandboxLevel.ISOLATED), "no isolated level here: " + caps.missing(SandboxLevel.ISOLATED));
    }

    @AfterEach
    void close() {
        if (w != null) w.close();
    }

    private JsonNode read(String id) {
        var answer = w.get("/v1/jobs/" + id + "/output?offset=0&waitMs=5000", w.operatorToken);
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        return answer.body().path("result");
    }

    @Test
    void anIsolatedJobRunsAsNobodyWithoutNetworkAndIsCancelledWhole() throws Exception {
        open(null);
        var started = w.post("/v1/jobs", w.operatorToken, Json.write(Json.object().put("sandbox", "isolated")
                .put("command", "echo inside; id -u; sleep 73.21 & sleep 73.21; wait")));
        assertThat(started.status()).as(started.text()).isEqualTo(202);
        var job = started.body().path("result");
        assertThat(job.path("sandbox").path("level").asString()).isEqualTo("isolated");
        assertThat(job.path("sandbox").path("enforced").toString()).contains("no_network", "uid=65534");
        var id = job.path("jobId").asString();

        var until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!read(id).path("data").asString().equals("inside\n65534\n")) {
            assertThat(System.nanoTime()).as("the job wrote its uid").isLessThan(until);
            Thread.sleep(100);
        }
        var cancelled = w.post("/v1/jobs/" + id + "/cancel", w.operatorToken, "{\"graceMs\":500}");
        assertThat(cancelled.status()).as(cancelled.text()).isEqualTo(200);
        assertThat(cancelled.body().path("result").path("status").asString()).isEqualTo("cancelled");
        var sleeps = new ProcessBuilder("pgrep", "-f", "sleep 73.21").start();
        sleeps.waitFor(5, TimeUnit.SECONDS);
        var left = new String(sleeps.getInputStream().readAllBytes()).strip();
        assertThat(left).as("no sleep of the job is left").isEmpty();
    }

    @Test
    void aPreviewJobChangesNothingAndBecomesAPreviewToCommitWhenItExits() throws Exception {
        open(null);
        var root = temp.resolve("root");
        Files.writeString(root.resolve("keep.txt"), "kept\n");
        Files.setAttribute(root.resolve("keep.txt"), "unix:uid", NOBODY, LinkOption.NOFOLLOW_LINKS);
        var started = w.post("/v1/jobs", w.operatorToken,
                "{\"command\":\"sleep 0.3; echo changed > made.txt; rm keep.txt; echo done\",\"sandbox\":\"preview\"}");
        assertThat(started.status()).as(started.text()).isEqualTo(202);
        var id = started.body().path("result").path("jobId").asString();
        JsonNode job;
        var until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        do {
            assertThat(System.nanoTime()).as("the job ends").isLessThan(until);
            Thread.sleep(100);
            job = w.get("/v1/jobs/" + id, w.operatorToken).body().path("result").path("jobs").path(0);
        } while (job.path("status").asString().equals("running"));
        assertThat(job.path("status").asString()).as(job.toString()).isEqualTo("exited");
        var sandbox = job.path("sandbox");
        assertThat(sandbox.path("level").asString()).isEqualTo("preview");
        assertThat(sandbox.path("changeCount").asInt()).as(sandbox.toString()).isEqualTo(2);
        var previewId = sandbox.path("previewId").asString();
        assertThat(previewId).isNotBlank();
        // Nothing real changed while the job ran.
        assertThat(root.resolve("made.txt")).doesNotExist();
        assertThat(root.resolve("keep.txt")).hasContent("kept");

        var committed = w.post("/v1/previews/" + previewId + "/commit", E2eFixture.ADMIN, "{}");
        if (committed.status() == 428) {
            committed = w.post("/v1/previews/" + previewId + "/commit?confirm=" + committed.body().path("confirmToken").asString(),
                    E2eFixture.ADMIN, "{}");
        }
        assertThat(committed.status()).as(committed.text()).isEqualTo(200);
        assertThat(root.resolve("made.txt")).hasContent("changed");
        assertThat(root.resolve("keep.txt")).doesNotExist();
    }

    @Test
    void aPreviewDefaultGivesAJobThatNamesNoLevelIsolated() throws Exception {
        open("version: 1\nsandbox:\n  default: preview\n");
        var started = w.post("/v1/jobs", w.operatorToken, "{\"command\":\"echo hi\"}");
        assertThat(started.status()).as(started.text()).isEqualTo(202);
        assertThat(started.body().path("result").path("sandbox").path("level").asString()).isEqualTo("isolated");
    }

    private static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
