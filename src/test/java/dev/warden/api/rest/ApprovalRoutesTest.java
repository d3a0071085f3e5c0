package dev.warden.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.identity.Members;
import dev.warden.identity.Role;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Approvals over REST: 202 with the request id, the long poll, and the approver's two answers. */
class ApprovalRoutesTest {
    static final String POLICY = """
            version: 1
            default: allow
            rules:
              - name: mkdir-needs-approval
                when: 'action == "fs.mkdir"'
                effect: approve
                reason: New directories need an admin's approval
            """;

    @TempDir
    Path temp;

    RestFixture w;
    String secondAdmin;

    @BeforeEach
    void start() {
        w = new RestFixture(temp, POLICY, 1_048_576);
        Members.add(w.warden.users(), w.warden.projects(), "default", "bea", Role.ADMIN);
        secondAdmin = w.warden.tokens().create("admin2", "bea", "default", Role.ADMIN, null, List.of()).secret();
    }

    @AfterEach
    void stop() {
        w.close();
    }

    @Test
    void anApproveRuleAnswers202AndTheRequesterLearnsTheResultByLongPoll() throws Exception {
        var held = w.post("/v1/actions/fs.mkdir", w.operatorToken, "{\"path\":\"newdir\"}");
        assertThat(held.status()).isEqualTo(202);
        var id = held.body().path("approvalId").asString();
        assertThat(id).startsWith("apr_");
        assertThat(held.body().path("status").asString()).isEqualTo("pending_approval");
        assertThat(held.body().path("hint").asString()).contains("/v1/approvals/" + id);
        assertThat(held.raw().headers().firstValue("Location")).hasValue("/v1/approvals/" + id);
        assertThat(w.root.resolve("newdir")).doesNotExist();

        var pending = w.get("/v1/approvals?status=pending", RestFixture.ADMIN);
        assertThat(pending.status()).isEqualTo(200);
        assertThat(pending.body().path("approvals").valueStream().map(a -> a.path("id").asString())).contains(id);

        // The requester waits; the admin approves while it waits; the wait ends with the result.
        var waiting = new CompletableFuture<RestFixture.Answer>();
        Thread.startVirtualThread(() -> waiting.complete(w.get("/v1/approvals/" + id + "?wait=20", w.operatorToken)));
        Thread.sleep(300);
        assertThat(waiting).isNotDone();
        var approved = w.post("/v1/approvals/" + id + "/approve", RestFixture.ADMIN, "{\"comment\":\"fine\"}");
        assertThat(approved.status()).isEqualTo(200);
        assertThat(approved.body().path("status").asString()).isEqualTo("executed");
        assertThat(approved.body().path("votes").get(0).path("comment").asString()).isEqualTo("fine");

        var answer = waiting.get(10, TimeUnit.SECONDS);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body().path("status").asString()).isEqualTo("executed");
        assertThat(answer.body().path("result").path("status").asString()).isEqualTo("done");
        assertThat(w.root.resolve("newdir")).isDirectory();

        var again = w.post("/v1/approvals/" + id + "/approve", secondAdmin, "");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.body().path("code").asString()).isEqualTo("approval_not_pending");
    }

    @Test
    void onlyAnotherAdminDecidesAndADenialIsFinal() {
        var id = w.post("/v1/actions/fs.mkdir", w.operatorToken, "{\"path\":\"nope\"}").body().path("approvalId").asString();

        var byRequester = w.post("/v1/approvals/" + id + "/approve", w.operatorToken, "");
        assertThat(byRequester.status()).isEqualTo(403);
        assertThat(byRequester.body().path("code").asString()).isEqualTo("approver_required");
        assertThat(byRequester.body().path("hint").asString()).isNotBlank();

        var byViewer = w.get("/v1/approvals/" + id, w.viewerToken);
        assertThat(byViewer.status()).isEqualTo(404);

        var adminsOwn = w.post("/v1/actions/fs.mkdir", RestFixture.ADMIN, "{\"path\":\"mine\"}").body().path("approvalId").asString();
        var self = w.post("/v1/approvals/" + adminsOwn + "/approve", RestFixture.ADMIN, "");
        assertThat(self.status()).isEqualTo(403);
        assertThat(self.body().path("code").asString()).isEqualTo("self_approval");

        var denied = w.post("/v1/approvals/" + id + "/deny", secondAdmin, "{\"comment\":\"no\"}");
        assertThat(denied.status()).isEqualTo(200);
        assertThat(denied.body().path("status").asString()).isEqualTo("denied");
        var late = w.post("/v1/approvals/" + id + "/approve", RestFixture.ADMIN, "");
        assertThat(late.status()).isEqualTo(409);
        assertThat(w.get("/v1/approvals/" + id + "?wait=1", w.operatorToken).body().path("status").asString()).isEqualTo("denied");
        assertThat(w.root.resolve("nope")).doesNotExist();
    }

    @Test
    void badRequestsAreAnsweredWithCodesAndHints() {
        var unknown = w.get("/v1/approvals/apr_nope", RestFixture.ADMIN);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body().path("code").asString()).isEqualTo("approval_not_found");

        var badWait = w.get("/v1/approvals/apr_nope?wait=600", RestFixture.ADMIN);
        assertThat(badWait.status()).isEqualTo(422);
        assertThat(badWait.body().path("code").asString()).isEqualTo("invalid_query");

        var badStatus = w.get("/v1/approvals?status=maybe", RestFixture.ADMIN);
        assertThat(badStatus.status()).isEqualTo(422);

        var id = w.post("/v1/actions/fs.mkdir", w.operatorToken, "{\"path\":\"x\"}").body().path("approvalId").asString();
        var badBody = w.post("/v1/approvals/" + id + "/approve", RestFixture.ADMIN, "{not json");
        assertThat(badBody.status()).isEqualTo(400);
        assertThat(badBody.body().path("code").asString()).isEqualTo("malformed_json");
        // A bad body decided nothing.
        assertThat(w.get("/v1/approvals/" + id, RestFixture.ADMIN).body().path("status").asString()).isEqualTo("pending");
    }

    @Test
    void theStreamSendsTheRequestAtEveryChangeAndEndsWhenItIsSettled() throws Exception {
        var id = w.post("/v1/actions/fs.mkdir", w.operatorToken, "{\"path\":\"streamed\"}").body().path("approvalId").asString();
        var request = java.net.http.HttpRequest.newBuilder(w.uri("/v1/approvals/" + id + "/stream"))
                .header("Authorization", "Bearer " + w.operatorToken).GET().build();
        var lines = new java.util.concurrent.CopyOnWriteArrayList<String>();
        var done = new CompletableFuture<Integer>();
        Thread.startVirtualThread(() -> {
            try {
                var response = java.net.http.HttpClient.newHttpClient().send(request,
                        java.net.http.HttpResponse.BodyHandlers.ofLines());
                response.body().forEach(lines::add);
                done.complete(response.statusCode());
            } catch (Exception e) {
                done.completeExceptionally(e);
            }
        });
        var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (lines.stream().noneMatch(l -> l.contains("\"status\":\"pending\""))) {
            assertThat(System.nanoTime()).as("lines so far: %s (status: %s)", lines, done.getNow(-1)).isLessThan(deadline);
            Thread.sleep(50);
        }
        assertThat(w.post("/v1/approvals/" + id + "/approve", RestFixture.ADMIN, "").status()).isEqualTo(200);
        assertThat(done.get(10, TimeUnit.SECONDS)).isEqualTo(200);
        var events = lines.stream().filter(l -> l.startsWith("data:")).toList();
        assertThat(events.getFirst()).contains("\"status\":\"pending\"");
        assertThat(events.getLast()).contains("\"status\":\"executed\"").contains("\"result\"");

        var foreign = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                w.uri("/v1/approvals/" + id + "/stream")).header("Authorization", "Bearer " + w.viewerToken).GET().build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(foreign.statusCode()).isEqualTo(404);
        assertThat(foreign.body()).contains("approval_not_found");
    }
}
