package dev.warden.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.config.WardenConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Requests built to hurt the server: each gets a clear problem answer, and the next request still works. */
class HostileRequestTest {
    @TempDir
    Path temp;

    E2eFixture w;

    @BeforeEach
    void start() {
        w = new E2eFixture(temp, 64 * 1024);
    }

    @AfterEach
    void stop() {
        w.close();
    }

    @Test
    void aFiftyThousandElementArgvIsTooLargeAndTheServerStaysUp() {
        var body = new StringBuilder("{\"argv\":[\"touch\"");
        for (int i = 0; i < 50_000; i++) body.append(",\"canary").append(i % 10).append('"');
        body.append("]}");

        var answer = w.post("/v1/actions/shell.exec", w.operatorToken, body.toString());

        answer.assertProblem(413, "body_too_large");
        assertThat(w.filesUnder(w.root)).isEmpty();
        w.assertStillServing();
    }

    @Test
    void aFiftyThousandElementArgvWithinTheShippedBodyLimitIsAnOrdinaryCommand() throws Exception {
        // With the default 8 MiB limit the same argv is legal: the schema sets no maxItems and exec takes it.
        try (var big = new E2eFixture(temp.resolve("big"), WardenConfig.DEFAULT_MAX_BODY_BYTES)) {
            var body = new StringBuilder("{\"argv\":[\"touch\"");
            for (int i = 0; i < 50_000; i++) body.append(",\"f").append(i % 7).append('"');
            body.append("]}");
            var dryRun = big.post("/v1/actions/shell.exec/simulate", big.operatorToken, body.toString());
            assertThat(dryRun.status()).as(dryRun.text()).isEqualTo(200);
            assertThat(dryRun.body().path("result").path("argv").size()).isEqualTo(50_001);
            assertThat(big.filesUnder(big.root)).isEmpty();

            var run = big.post("/v1/actions/shell.exec", big.operatorToken, body.toString());
            assertThat(run.status()).as(run.text()).isEqualTo(200);
            assertThat(run.body().path("result").path("exitCode").asInt()).isZero();
            assertThat(big.filesUnder(big.root)).hasSize(7);
            big.assertStillServing();
        }
    }

    @Test
    void deeplyNestedJsonIsAClearClientErrorAndTheServerStaysUp() {
        var arrays = "{\"path\":\"a.txt\",\"content\":\"x\",\"extra\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}";
        var answer = w.post("/v1/actions/fs.write", w.operatorToken, arrays);
        answer.assertCleanProblem();
        assertThat(answer.status()).as(answer.text()).isBetween(400, 499);

        var objects = "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000);
        var second = w.post("/v1/actions/fs.write", w.operatorToken, objects);
        second.assertCleanProblem();
        assertThat(second.status()).as(second.text()).isBetween(400, 499);

        // Same depth, in a request that is otherwise valid for an action that takes free-form objects.
        var env = "{\"argv\":[\"touch\",\"canary\"],\"env\":" + "{\"A\":".repeat(10_000) + "\"x\"" + "}".repeat(10_000) + "}";
        var third = w.post("/v1/actions/shell.exec", w.operatorToken, env);
        third.assertCleanProblem();
        assertThat(third.status()).as(third.text()).isBetween(400, 499);

        assertThat(w.filesUnder(w.root)).isEmpty();
        w.assertStillServing();
    }

    @Test
    void bodiesThatAreNotJsonAreMalformedWhateverTheirContentType() {
        var xml = w.postWithType("/v1/actions/fs.write", w.operatorToken, "application/xml", "<path>a.txt</path>");
        xml.assertProblem(400, "malformed_json");
        var form = w.postWithType("/v1/actions/fs.write", w.operatorToken, "application/x-www-form-urlencoded",
                "path=a.txt&content=x");
        form.assertProblem(400, "malformed_json");
        var multipart = w.postWithType("/v1/actions/fs.write", w.operatorToken, "multipart/form-data; boundary=XyZ",
                "--XyZ\r\nContent-Disposition: form-data; name=\"path\"\r\n\r\na.txt\r\n--XyZ--\r\n");
        multipart.assertProblem(400, "malformed_json");
        var binary = w.postWithType("/v1/actions/fs.write", w.operatorToken, "application/octet-stream", "\u0000\u0001\u0002");
        binary.assertProblem(400, "malformed_json");
        var trailing = w.post("/v1/actions/fs.write", w.operatorToken, "{\"path\":\"a.txt\",\"content\":\"x\"} {\"path\":\"b.txt\"}");
        trailing.assertProblem(400, "malformed_json");
        assertThat(w.filesUnder(w.root)).isEmpty();
        w.assertStillServing();
    }

    @Test
    void aJsonBodySentTheWayCurlDashDSendsItWorks() throws Exception {
        // README: curl -d '{...}' sends application/x-www-form-urlencoded; the body must still be read as JSON,
        // also when ?confirm= is in the query.
        var write = w.postWithType("/v1/actions/fs.write", w.operatorToken, "application/x-www-form-urlencoded",
                "{\"path\":\"curl.txt\",\"content\":\"from curl\"}");
        assertThat(write.status()).as(write.text()).isEqualTo(200);
        assertThat(w.root.resolve("curl.txt")).hasContent("from curl");

        var held = w.postWithType("/v1/actions/fs.delete", E2eFixture.ADMIN, "application/x-www-form-urlencoded",
                "{\"path\":\"curl.txt\"}");
        held.assertProblem(428, "confirmation_required");
        var token = held.body().path("confirmToken").asString();
        var confirmed = w.postWithType("/v1/actions/fs.delete?confirm=" + token, E2eFixture.ADMIN,
                "application/x-www-form-urlencoded", "{\"path\":\"curl.txt\"}");
        assertThat(confirmed.status()).as(confirmed.text()).isEqualTo(200);
        assertThat(w.root.resolve("curl.txt")).doesNotExist();
    }

    @Test
    void anEmptyBodyForAnActionThatNeedsFieldsNamesEachMissingField() {
        var answer = w.post("/v1/actions/fs.read", w.operatorToken, "");
        answer.assertProblem(422, "invalid_input");
        assertThat(answer.body().path("errors").valueStream().map(e -> e.path("path").asString()).toList()).contains("$.path");
        assertThat(answer.body().path("errors").get(0).path("message").asString()).containsIgnoringCase("path");

        var write = w.postWithType("/v1/actions/fs.write", w.operatorToken, null, "");
        write.assertProblem(422, "invalid_input");
        assertThat(write.body().path("errors").valueStream().map(e -> e.path("path").asString()).toList())
                .contains("$.path", "$.content");

        var nullBody = w.post("/v1/actions/fs.read", w.operatorToken, "null");
        nullBody.assertCleanProblem();
        assertThat(nullBody.status()).isIn(400, 422);
        var scalar = w.post("/v1/actions/fs.read", w.operatorToken, "\"README.md\"");
        scalar.assertCleanProblem();
        assertThat(scalar.status()).isIn(400, 422);
        w.assertStillServing();
    }

    @Test
    void wrongMethodsAndUnknownRoutesAreProblems() {
        for (var method : new String[] {"GET", "PUT", "DELETE", "PATCH"}) {
            var answer = w.method(method, "/v1/actions/fs.read/simulate", w.operatorToken);
            answer.assertCleanProblem();
            assertThat(answer.status()).as(method).isIn(404, 405);
        }
        var getUndo = w.get("/v1/undo/u_abc", w.operatorToken);
        getUndo.assertCleanProblem();
        assertThat(getUndo.status()).isIn(404, 405);
        var deleteAction = w.method("DELETE", "/v1/actions/fs.read", w.operatorToken);
        deleteAction.assertCleanProblem();
        assertThat(deleteAction.status()).isIn(404, 405);

        var unknown = w.get("/v2/whatever", w.operatorToken);
        unknown.assertCleanProblem();
        assertThat(unknown.status()).isEqualTo(404);
        w.post("/v1/actions", w.operatorToken, "{}").assertCleanProblem();
        var extra = w.post("/v1/actions/fs.read/simulate/extra", w.operatorToken, "{}");
        extra.assertCleanProblem();
        assertThat(extra.status()).isEqualTo(404);
        // Without a token, an unknown route is not revealed: authentication comes first.
        w.get("/v2/whatever", null).assertProblem(401, "unauthenticated");
        w.assertStillServing();
    }

    @Test
    void anUnknownRouteNamesTheCatalogInItsHint() {
        var unknown = w.get("/v2/whatever", w.operatorToken);
        unknown.assertProblem(404, "no_such_endpoint");
        assertThat(unknown.body().path("hint").asString()).contains("/openapi.json");
        w.post("/v1/actions/fs.read/simulate/extra", w.operatorToken, "{}").assertProblem(404, "no_such_endpoint");
    }

    @Test
    void requestsRejectedBeforeRoutingAreProblemsToo() {
        var dotDot = w.get("/../../etc/passwd", w.operatorToken);
        assertThat(dotDot.text()).doesNotContain("root:x:0:0");
        dotDot.assertCleanProblem();
        assertThat(dotDot.status()).isEqualTo(400);
        var encoded = w.get("/v1/actions/%2e%2e/%2e%2e/etc", w.operatorToken);
        encoded.assertCleanProblem();
        var hugeHeader = w.post("/v1/actions/fs.stat", "wdn_" + "A".repeat(20_000), "{\"path\":\".\"}");
        hugeHeader.assertCleanProblem();
        assertThat(hugeHeader.status()).isEqualTo(431);
        w.assertStillServing();
    }

    @Test
    void oddButValidBearerHeadersAreHandled() {
        w.post("/v1/actions/fs.stat", "", "{\"path\":\".\"}").assertProblem(401, null);
        w.post("/v1/actions/fs.stat", "wdn_" + "A".repeat(4_000), "{\"path\":\".\"}").assertProblem(401, "invalid_token");
        var padded = w.post("/v1/actions/fs.stat", w.operatorToken + " ", "{\"path\":\".\"}");
        assertThat(padded.status()).as(padded.text()).isEqualTo(200);
        w.assertStillServing();
    }

    @Test
    void aHugeFileContentWithinTheLimitIsWrittenExactly() throws Exception {
        var content = "é".repeat(20_000);
        var answer = w.post("/v1/actions/fs.write", w.operatorToken, "{\"path\":\"big.txt\",\"content\":\"" + content + "\"}");
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        assertThat(Files.readString(w.root.resolve("big.txt"))).isEqualTo(content);
    }
}
