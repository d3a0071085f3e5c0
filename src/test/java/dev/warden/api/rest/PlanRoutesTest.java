package dev.warden.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.json.Json;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** POST /v1/plans: the JSON answer, the 428 round trip, and the event stream. */
class PlanRoutesTest {
    @TempDir
    Path temp;

    RestFixture w;

    @BeforeEach
    void start() {
        w = new RestFixture(temp, null, 1_048_576);
    }

    @AfterEach
    void stop() {
        w.close();
    }

    static final String PLAN = """
            {"mode": "atomic", "steps": [
              {"id": "w", "action": "fs.write", "input": {"path": "p.txt", "content": "plan\\n"}},
              {"id": "r", "action": "fs.read", "input": {"path": "${steps.w.result.path}"}, "dependsOn": ["w"]}
            ]}""";

    @Test
    void aPlanAnswersWithEveryStepsOutcome() throws Exception {
        var answer = w.post("/v1/plans", w.operatorToken, PLAN);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body().path("status").asString()).isEqualTo("done");
        var steps = answer.body().path("result").path("steps");
        assertThat(steps.get(1).path("result").path("content").asString()).isEqualTo("plan\n");
        assertThat(Files.readString(w.root.resolve("p.txt"))).isEqualTo("plan\n");
    }

    @Test
    void aFailedAtomicPlanIs409WithTheStepsAndNothingLeftBehind() {
        var answer = w.post("/v1/plans", w.operatorToken, """
                {"steps": [
                  {"id": "w", "action": "fs.write", "input": {"path": "gone.txt", "content": "x"}},
                  {"id": "r", "action": "fs.read", "input": {"path": "nope.txt"}, "dependsOn": ["w"]}
                ]}""");
        assertThat(answer.status()).isEqualTo(409);
        assertThat(answer.body().path("code").asString()).isEqualTo("plan_failed");
        assertThat(answer.body().path("details").path("status").asString()).isEqualTo("rolledBack");
        assertThat(w.root.resolve("gone.txt")).doesNotExist();
    }

    @Test
    void aPlanThatNeedsConfirmationIs428AndRunsWithTheToken() throws Exception {
        Files.writeString(w.root.resolve("x.txt"), "x");
        var plan = """
                {"steps": [{"id": "d", "action": "shell.exec", "input": {"command": "rm -rf x.txt"}}]}""";
        var held = w.post("/v1/plans", RestFixture.ADMIN, plan);
        assertThat(held.status()).isEqualTo(428);
        var token = held.body().path("confirmToken").asString();
        assertThat(w.root.resolve("x.txt")).exists();
        var done = w.post("/v1/plans?confirm=" + token, RestFixture.ADMIN, plan);
        assertThat(done.status()).isEqualTo(200);
        assertThat(w.root.resolve("x.txt")).doesNotExist();
    }

    @Test
    void withAcceptEventStreamTheStepsStreamAndTheResultComesLast() throws Exception {
        var request = HttpRequest.newBuilder(w.uri("/v1/plans"))
                .header("Authorization", "Bearer " + w.operatorToken)
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(PLAN)).build();
        var response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofLines());
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        List<String> lines = response.body().toList();
        var events = lines.stream().filter(l -> l.startsWith("event: ")).map(l -> l.substring(7)).toList();
        assertThat(events).startsWith("step").endsWith("result");
        assertThat(events).filteredOn("step"::equals).hasSize(4);
        var last = lines.stream().filter(l -> l.startsWith("data: ")).reduce((a, b) -> b).orElseThrow();
        var result = Json.parse(last.substring(6));
        assertThat(result.path("status").asInt()).isEqualTo(200);
        assertThat(result.path("body").path("result").path("status").asString()).isEqualTo("completed");
    }

    @Test
    void anAtomicPlanThatRollsBackStreamsRollbackEventsBeforeTheResult() throws Exception {
        Files.writeString(w.root.resolve("kept.txt"), "as it was\n");
        var plan = """
                {"mode": "atomic", "steps": [
                  {"id": "edit", "action": "fs.write", "input": {"path": "kept.txt", "content": "changed\\n"}},
                  {"id": "add", "action": "fs.write", "input": {"path": "added.txt", "content": "new\\n"}, "dependsOn": ["edit"]},
                  {"id": "boom", "action": "fs.read", "input": {"path": "nope.txt"}, "dependsOn": ["add"]}
                ]}""";
        var request = HttpRequest.newBuilder(w.uri("/v1/plans"))
                .header("Authorization", "Bearer " + w.operatorToken)
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(plan)).build();
        var response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        // Each event is an "event:" line followed by its "data:" line.
        var lines = response.body().toList();
        var events = new ArrayList<String>();
        for (int i = 0; i + 1 < lines.size(); i++) {
            if (!lines.get(i).startsWith("event: ")) continue;
            var name = lines.get(i).substring(7);
            var data = Json.parse(lines.get(i + 1).substring(6));
            events.add(name.equals("result") ? "result:" + data.path("status").asInt()
                    : name + ":" + data.path("id").asString() + ":" + data.path("status").asString());
        }
        assertThat(events).containsSubsequence("step:boom:failed", "rollback:add:undone", "rollback:edit:undone", "result:409");
        assertThat(events).filteredOn(e -> e.startsWith("rollback:")).containsExactly("rollback:add:undone", "rollback:edit:undone");
        assertThat(events).last().isEqualTo("result:409");
        var result = Json.parse(lines.stream().filter(l -> l.startsWith("data: ")).reduce((a, b) -> b).orElseThrow().substring(6));
        assertThat(result.path("body").path("details").path("status").asString()).isEqualTo("rolledBack");
        assertThat(Files.readString(w.root.resolve("kept.txt"))).isEqualTo("as it was\n");
        assertThat(w.root.resolve("added.txt")).doesNotExist();
    }

    @Test
    void malformedOrInvalidPlansAreRefused() {
        var malformed = w.post("/v1/plans", w.operatorToken, "{nope");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.body().path("code").asString()).isEqualTo("malformed_json");
        var cyclic = w.post("/v1/plans", w.operatorToken, """
                {"steps": [{"id": "a", "action": "fs.stat", "input": {"path": "."}, "dependsOn": ["a"]}]}""");
        assertThat(cyclic.status()).isEqualTo(422);
        assertThat(cyclic.body().path("code").asString()).isEqualTo("invalid_plan");
        assertThat(cyclic.body().path("errors").get(0).path("path").asString()).isEqualTo("$.steps[0].dependsOn[0]");
        var anonymous = w.post("/v1/plans", null, PLAN);
        assertThat(anonymous.status()).isEqualTo(401);
    }
}
