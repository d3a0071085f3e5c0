package dev.warden.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.json.Json;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** /v1/jobs over HTTP: starting, reading, input, cancel, and the server-sent event stream. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JobRoutesTest {
    @TempDir
    Path temp;

    RestFixture w;

    @BeforeEach
    void start() {
        w = new RestFixture(temp, null, 1 << 20);
    }

    @AfterEach
    void stop() {
        w.close();
    }

    /** One server-sent event. */
    record Event(String id, String name, JsonNode data) {}

    /** Reads events until {@code stopAfter} events arrived or the stream ends; then closes the connection. */
    private List<Event> events(String path, String token, String lastEventId, int stopAfter) throws Exception {
        var b = HttpRequest.newBuilder(w.uri(path)).GET().header("Authorization", "Bearer " + token)
                .header("Accept", "text/event-stream");
        if (lastEventId != null) b.header("Last-Event-ID", lastEventId);
        var response = w.http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        var events = new ArrayList<Event>();
        try (var in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String id = null;
            String name = null;
            String line;
            while (events.size() < stopAfter && (line = in.readLine()) != null) {
                if (line.startsWith("id: ")) id = line.substring(4);
                else if (line.startsWith("event: ")) name = line.substring(7);
                else if (line.startsWith("data: ")) {
                    events.add(new Event(id, name, Json.parse(line.substring(6))));
                    id = null;
                    name = null;
                }
            }
        }
        return events;
    }

    private String startJob(String token, String input) {
        var started = w.post("/v1/jobs", token, input);
        assertThat(started.status()).isEqualTo(202);
        assertThat(started.body().path("status").asString()).isEqualTo("accepted");
        var id = started.body().path("result").path("jobId").asString();
        assertThat(started.raw().headers().firstValue("Location")).hasValue("/v1/jobs/" + id);
        return id;
    }

    private static String text(List<Event> events) {
        var all = new StringBuilder();
        events.stream().filter(e -> "output".equals(e.name())).forEach(e -> all.append(e.data().path("data").asString()));
        return all.toString();
    }

    @Test
    void theStreamSendsOutputAsItComesThenTheExitAndResumesFromLastEventId() throws Exception {
        var id = startJob(RestFixture.ADMIN, "{\"command\":\"for i in 1 2 3; do echo line $i; sleep 0.7; done\"}");
        var events = events("/v1/jobs/" + id + "/stream", RestFixture.ADMIN, null, 100);
        assertThat(text(events)).isEqualTo("line 1\nline 2\nline 3\n");
        assertThat(events.stream().filter(e -> "output".equals(e.name())).count()).as("output arrives as it is written")
                .isGreaterThanOrEqualTo(2);
        var exit = events.getLast();
        assertThat(exit.name()).isEqualTo("exit");
        assertThat(exit.data().path("status").asString()).isEqualTo("exited");
        assertThat(exit.data().path("exitCode").asInt()).isZero();
        var first = events.getFirst();
        assertThat(first.id()).isEqualTo(Long.toString(first.data().path("nextOffset").asLong()));

        // Reconnecting with the first event's id sends only what followed it.
        var resumed = events("/v1/jobs/" + id + "/stream", RestFixture.ADMIN, first.id(), 100);
        assertThat(first.data().path("data").asString() + text(resumed)).isEqualTo("line 1\nline 2\nline 3\n");
        assertThat(resumed.getLast().name()).isEqualTo("exit");
        var fromOffset = events("/v1/jobs/" + id + "/stream?offset=7", RestFixture.ADMIN, null, 100);
        assertThat(text(fromOffset)).isEqualTo("line 2\nline 3\n");
    }

    @Test
    void aJobOutlivesAStreamWhoseClientWentAway() throws Exception {
        var id = startJob(w.operatorToken, "{\"command\":\"for i in $(seq 1 20); do echo $i; sleep 0.1; done\"}");
        var firstOnly = events("/v1/jobs/" + id + "/stream", w.operatorToken, null, 1);
        assertThat(firstOnly).hasSize(1);
        // The client hung up; the job runs on to its end.
        JsonNode job;
        var until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        do {
            Thread.sleep(100);
            job = w.get("/v1/jobs/" + id, w.operatorToken).body().path("result").path("jobs").get(0);
        } while (job.path("status").asString().equals("running") && System.nanoTime() < until);
        assertThat(job.path("status").asString()).isEqualTo("exited");
        assertThat(job.path("exitCode").asInt()).isZero();
        var output = w.get("/v1/jobs/" + id + "/output?offset=0", w.operatorToken);
        assertThat(output.status()).isEqualTo(200);
        assertThat(output.body().path("result").path("data").asString()).endsWith("19\n20\n").startsWith("1\n2\n");
    }

    @Test
    void readingWritingAndCancellingThroughTheJobsResource() throws Exception {
        var id = startJob(w.operatorToken, "{\"argv\":[\"cat\"]}");
        var input = w.post("/v1/jobs/" + id + "/input", w.operatorToken, "{\"data\":\"hello\\n\"}");
        assertThat(input.status()).isEqualTo(200);
        assertThat(input.body().path("result").path("bytes").asInt()).isEqualTo(6);
        var read = w.get("/v1/jobs/" + id + "/output?sinceLast=true&waitMs=5000", w.operatorToken);
        assertThat(read.body().path("result").path("data").asString()).isEqualTo("hello\n");
        var badQuery = w.get("/v1/jobs/" + id + "/output?offset=soon", w.operatorToken);
        assertThat(badQuery.status()).isEqualTo(422);
        assertThat(badQuery.body().path("errors").get(0).path("path").asString()).isEqualTo("$.offset");

        var listed = w.get("/v1/jobs?status=running", w.operatorToken);
        assertThat(listed.body().path("result").path("jobs").get(0).path("jobId").asString()).isEqualTo(id);

        var cancelled = w.post("/v1/jobs/" + id + "/cancel", w.operatorToken, "{\"graceMs\":500}");
        assertThat(cancelled.status()).isEqualTo(200);
        assertThat(cancelled.body().path("result").path("status").asString()).isEqualTo("cancelled");
        var events = events("/v1/jobs/" + id + "/stream", w.operatorToken, null, 100);
        assertThat(text(events)).isEqualTo("hello\n");
        assertThat(events.getLast().data().path("status").asString()).isEqualTo("cancelled");
    }

    @Test
    void theActionRouteAnswersAcceptedAndStrangersSeeNoJob() throws Exception {
        var started = w.post("/v1/actions/job.start", w.operatorToken, "{\"command\":\"sleep 30\"}");
        assertThat(started.status()).isEqualTo(200);
        assertThat(started.body().path("status").asString()).isEqualTo("accepted");
        var id = started.body().path("result").path("jobId").asString();

        dev.warden.identity.Members.add(w.warden.users(), w.warden.projects(), "default", "oscar", dev.warden.identity.Role.OPERATOR);
        var oscar = w.warden.tokens().create("op2", "oscar", "default", dev.warden.identity.Role.OPERATOR, null, List.of()).secret();
        var stranger = w.get("/v1/jobs/" + id + "/stream", oscar);
        assertThat(stranger.status()).isEqualTo(404);
        assertThat(stranger.body().path("code").asString()).isEqualTo("job_not_found");
        assertThat(w.post("/v1/jobs/" + id + "/cancel", oscar, "").status()).isEqualTo(404);
        assertThat(w.get("/v1/jobs/" + id + "/output", oscar).status()).isEqualTo(404);
        assertThat(w.get("/v1/jobs", oscar).body().path("result").path("jobs")).isEmpty();
        // A viewer may not cancel what is not its own read-only job: the role decides before the job is looked up.
        assertThat(w.post("/v1/jobs/" + id + "/cancel", w.viewerToken, "").status()).isEqualTo(403);
        assertThat(w.get("/v1/jobs/" + id, null).status()).isEqualTo(401);
        assertThat(w.get("/v1/jobs/" + id + "/stream", null).status()).isEqualTo(401);
        var badOffset = w.get("/v1/jobs/" + id + "/stream?offset=-3", w.operatorToken);
        assertThat(badOffset.status()).isEqualTo(422);

        // The viewer may not start what changes things; the refusal names the role.
        var refused = w.post("/v1/jobs", w.viewerToken, "{\"argv\":[\"touch\",\"x\"]}");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body().path("code").asString()).isEqualTo("role_insufficient");
        assertThat(w.post("/v1/jobs/" + id + "/cancel", w.operatorToken, "{\"graceMs\":100}").status()).isEqualTo(200);
    }
}
