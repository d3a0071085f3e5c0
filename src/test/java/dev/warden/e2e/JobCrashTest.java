package dev.warden.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.app.Warden;
import dev.warden.config.WardenConfig;
import dev.warden.engine.Intent;
import dev.warden.engine.Origin;
import dev.warden.engine.Outcome;
import dev.warden.identity.Principal;
import dev.warden.identity.Role;
import dev.warden.json.Json;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A server killed with SIGKILL while a job runs: the next Warden on the data dir reports the job
 * as lost with the output stored before the crash, and kills the process group it left behind; a
 * job that had ended before the crash keeps its exit code and output.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JobCrashTest {
    private static final String TOKEN = "crash-admin-secret-0123456789";

    @TempDir
    Path temp;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aJobWhoseServerDiedIsLostWithItsLastOutputAndItsProcessesAreKilled() throws Exception {
        var data = Files.createDirectories(temp.resolve("data"));
        var root = Files.createDirectories(temp.resolve("root"));
        var pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xshare:auto", "-cp", System.getProperty("java.class.path"),
                "dev.warden.cli.Main", "serve", "--port", "0", "--data-dir", data.toString(), "--root", root.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("WARDEN_ADMIN_TOKEN", TOKEN);
        var server = pb.start();
        try {
            var base = baseUrl(server);
            var finished = post(base + "/v1/jobs", "{\"command\":\"echo finished; exit 5\"}").path("result").path("jobId").asString();
            var ended = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!get(base + "/v1/jobs/" + finished).path("result").path("jobs").path(0).path("status").asString().equals("exited")) {
                assertThat(System.nanoTime()).as("the short job ended").isLessThan(ended);
                Thread.sleep(100);
            }
            var started = post(base + "/v1/jobs", "{\"command\":\"echo before the crash; echo $$ > pid; sleep 120\"}");
            assertThat(started.path("status").asString()).as(started.toString()).isEqualTo("accepted");
            var id = started.path("result").path("jobId").asString();
            var until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!(Files.exists(root.resolve("pid")) && get(base + "/v1/jobs/" + id + "/output").path("result")
                    .path("data").asString().contains("before the crash"))) {
                assertThat(System.nanoTime()).as("the job started and wrote").isLessThan(until);
                Thread.sleep(100);
            }
            // The server stores the newest output about once a second; the crash must come after that
            // write reached the database, so wait until another reader of the data dir sees it.
            var stored = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!storedOutput(data, id).contains("before the crash")) {
                assertThat(System.nanoTime()).as("the job's output reached the database").isLessThan(stored);
                Thread.sleep(100);
            }
            var jobPid = Long.parseLong(Files.readString(root.resolve("pid")).strip());

            server.destroyForcibly();
            assertThat(server.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(ProcessHandle.of(jobPid).map(ProcessHandle::isAlive).orElse(false))
                    .as("the job outlived its server").isTrue();

            var config = new WardenConfig("127.0.0.1", 0, data, List.of(root), data.resolve("policy.yaml"), null,
                    WardenConfig.DEFAULT_MAX_BODY_BYTES, Duration.ofMinutes(5));
            try (var warden = Warden.open(config, Clock.systemUTC())) {
                var admin = new Principal("tok_x", "someone", Role.ADMIN, "default", Principal.Kind.TOKEN, List.of());
                var listed = warden.engine().submit(Intent.execute("job.list", Json.object().put("jobId", id), admin, Origin.CLI));
                var job = ((Outcome.Done) listed).result().path("jobs").get(0);
                assertThat(job.path("status").asString()).isEqualTo("lost");
                assertThat(job.path("endedReason").asString()).contains("stopped while the job ran").contains("was killed");
                var output = warden.engine().submit(Intent.execute("job.output", Json.object().put("jobId", id), admin, Origin.CLI));
                assertThat(((Outcome.Done) output).result().path("data").asString()).isEqualTo("before the crash\n");

                // A job that had ended before the crash keeps its real end.
                var before = ((Outcome.Done) warden.engine().submit(Intent.execute("job.list",
                        Json.object().put("jobId", finished), admin, Origin.CLI))).result().path("jobs").get(0);
                assertThat(before.path("status").asString()).isEqualTo("exited");
                assertThat(before.path("exitCode").asInt()).isEqualTo(5);
                var beforeOutput = warden.engine().submit(Intent.execute("job.output", Json.object().put("jobId", finished),
                        admin, Origin.CLI));
                assertThat(((Outcome.Done) beforeOutput).result().path("data").asString()).isEqualTo("finished\n");
                var gone = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (ProcessHandle.of(jobPid).map(ProcessHandle::isAlive).orElse(false)) {
                    assertThat(System.nanoTime()).as("the left-over job was killed").isLessThan(gone);
                    Thread.sleep(50);
                }
            }
        } finally {
            server.destroyForcibly();
        }
    }

    /** The output tail the server last stored for job {@code id}, read through a connection of this process. */
    private static String storedOutput(Path data, String id) throws SQLException {
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("warden.db").toAbsolutePath());
             var ps = c.prepareStatement("SELECT output_tail FROM jobs WHERE id = ?")) {
            ps.setString(1, id);
            try (var rs = ps.executeQuery()) {
                var tail = rs.next() ? rs.getBytes(1) : null;
                return tail == null ? "" : new String(tail, StandardCharsets.UTF_8);
            }
        }
    }

    private static String baseUrl(Process server) throws Exception {
        var reader = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.startsWith("Warden listening on ")) return line.substring("Warden listening on ".length()).strip();
        }
        throw new AssertionError("the server did not start");
    }

    private JsonNode post(String url, String body) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return Json.parse(http.send(request, HttpResponse.BodyHandlers.ofString()).body());
    }

    private JsonNode get(String url) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + TOKEN).GET().build();
        return Json.parse(http.send(request, HttpResponse.BodyHandlers.ofString()).body());
    }
}
