package dev.warden.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestApiTest {
    @TempDir
    Path temp;

    RestFixture w;

    @BeforeEach
    void start() {
        w = new RestFixture(temp, null, 64 * 1024);
    }

    @AfterEach
    void stop() {
        w.close();
    }

    @Test
    void healthNeedsNoTokenButEverythingElseDoes() {
        var health = w.get("/healthz", null);
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.body().path("status").asString()).isEqualTo("ok");
        assertThat(health.body().at("/checks/process/ok").asBoolean()).isTrue();
        assertThat(health.body().at("/checks/process/uptimeSeconds").isIntegralNumber()).isTrue();
        var noToken = w.get("/v1/actions", null);
        assertThat(noToken.status()).isEqualTo(401);
        assertThat(noToken.contentType()).startsWith("application/problem+json");
        assertThat(noToken.body().get("code").asString()).isEqualTo("unauthenticated");
        assertThat(noToken.raw().headers().firstValue("WWW-Authenticate")).isPresent();
        var badToken = w.post("/v1/actions/fs.stat", "wdn_nope", "{\"path\":\".\"}");
        assertThat(badToken.status()).isEqualTo(401);
        assertThat(badToken.body().get("code").asString()).isEqualTo("invalid_token");
        assertThat(w.get("/openapi.json", null).status()).isEqualTo(401);
    }

    @Test
    void catalogListsEveryActionWithSchemas() {
        var answer = w.get("/v1/actions", w.operatorToken);
        assertThat(answer.status()).isEqualTo(200);
        var ids = answer.body().get("actions").valueStream().map(a -> a.get("id").asString()).toList();
        assertThat(ids).contains("fs.read", "fs.write", "fs.edit", "fs.list", "fs.stat", "fs.search", "fs.move",
                "fs.copy", "fs.delete", "fs.mkdir", "shell.exec", "journal.undo");
        for (var entry : answer.body().get("actions")) {
            assertThat(entry.get("inputSchema").get("additionalProperties").asBoolean(true))
                    .as("%s rejects unknown fields", entry.get("id")).isFalse();
            assertThat(entry.get("description").asString().length()).isLessThanOrEqualTo(300);
        }
        assertThat(w.get("/v1/actions/fs.read", w.operatorToken).body().get("risk").asString()).isEqualTo("read");
        var unknown = w.get("/v1/actions/fs.raed", w.operatorToken);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body().get("hint").asString()).contains("fs.read");
    }

    @Test
    void writeReadAndUndoRoundTrip() throws Exception {
        var write = w.post("/v1/actions/fs.write", w.operatorToken, "{\"path\":\"notes.txt\",\"content\":\"hello\\n\"}");
        assertThat(write.status()).isEqualTo(200);
        assertThat(write.body().get("status").asString()).isEqualTo("done");
        assertThat(write.body().get("auditSeq").asLong()).isPositive();
        var firstUndo = write.body().get("undoId").asString();
        assertThat(Files.readString(w.root.resolve("notes.txt"))).isEqualTo("hello\n");

        var overwrite = w.post("/v1/actions/fs.write", w.operatorToken, "{\"path\":\"notes.txt\",\"content\":\"changed\"}");
        var secondUndo = overwrite.body().get("undoId").asString();
        var read = w.post("/v1/actions/fs.read", w.operatorToken, "{\"path\":\"notes.txt\"}");
        assertThat(read.body().get("result").get("content").asString()).isEqualTo("changed");

        var undo = w.post("/v1/undo/" + secondUndo, w.operatorToken, "");
        assertThat(undo.status()).as(undo.body().toString()).isEqualTo(200);
        assertThat(Files.readString(w.root.resolve("notes.txt"))).isEqualTo("hello\n");
        var undoFirst = w.post("/v1/undo/" + firstUndo, w.operatorToken, "");
        assertThat(undoFirst.status()).as(undoFirst.body().toString()).isEqualTo(200);
        assertThat(w.root.resolve("notes.txt")).doesNotExist();

        var again = w.post("/v1/undo/" + firstUndo, w.operatorToken, "");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.body().get("code").asString()).isEqualTo("undo_already_applied");
        var missing = w.post("/v1/undo/u_doesnotexist", w.operatorToken, "");
        assertThat(missing.status()).isEqualTo(404);
    }

    @Test
    void pathsOutsideTheRootsAreRefused() throws Exception {
        var outside = Files.writeString(temp.resolve("secret.txt"), "top secret");
        var answer = w.post("/v1/actions/fs.read", w.operatorToken, Json.object().put("path", outside.toString()).toString());
        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.body().get("code").asString()).isEqualTo("path_outside_roots");
        assertThat(answer.body().get("hint").asString()).isNotBlank();
        var escape = w.post("/v1/actions/fs.read", w.operatorToken, "{\"path\":\"../secret.txt\"}");
        assertThat(escape.status()).isEqualTo(403);
        assertThat(escape.body().toString()).doesNotContain("top secret");
    }

    @Test
    void invalidInputIsAnsweredWithEveryErrorAndItsPath() {
        var answer = w.post("/v1/actions/fs.read", w.operatorToken, "{\"path\":42,\"colour\":\"red\"}");
        assertThat(answer.status()).isEqualTo(422);
        assertThat(answer.body().get("code").asString()).isEqualTo("invalid_input");
        var paths = answer.body().get("errors").valueStream().map(e -> e.get("path").asString()).toList();
        assertThat(paths).contains("$.path", "$.colour");
    }

    @Test
    void malformedUnknownAndOversizedRequestsChangeNothing() throws Exception {
        var malformed = w.post("/v1/actions/fs.write", w.operatorToken, "{\"path\":\"a.txt\",");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.body().get("code").asString()).isEqualTo("malformed_json");

        var notObject = w.post("/v1/actions/fs.write", w.operatorToken, "[1,2]");
        assertThat(notObject.status()).isEqualTo(422);

        var unknown = w.post("/v1/actions/fs.wirte", w.operatorToken, "{}");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body().get("code").asString()).isEqualTo("unknown_action");
        assertThat(unknown.body().get("hint").asString()).contains("fs.write");

        var huge = "{\"path\":\"big.txt\",\"content\":\"" + "x".repeat(100_000) + "\"}";
        var tooLarge = w.post("/v1/actions/fs.write", w.operatorToken, huge);
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.body().get("code").asString()).isEqualTo("body_too_large");

        try (var files = Files.list(w.root)) {
            assertThat(files.toList()).isEmpty();
        }
    }

    @Test
    void confirmationRoundTripIsBoundToTheInputAndSingleUse() throws Exception {
        Files.writeString(w.root.resolve("doomed.txt"), "bye");
        Files.writeString(w.root.resolve("other.txt"), "keep");
        var body = "{\"path\":\"doomed.txt\"}";
        var held = w.post("/v1/actions/fs.delete", RestFixture.ADMIN, body);
        assertThat(held.status()).as(held.body().toString()).isEqualTo(428);
        assertThat(held.body().get("code").asString()).isEqualTo("confirmation_required");
        var token = held.body().get("confirmToken").asString();
        assertThat(held.body().get("expiresAt").asString()).isNotBlank();
        assertThat(held.body().get("preview").isObject()).isTrue();
        assertThat(w.root.resolve("doomed.txt")).exists();

        var otherInput = w.post("/v1/actions/fs.delete?confirm=" + token, RestFixture.ADMIN, "{\"path\":\"other.txt\"}");
        assertThat(otherInput.status()).isEqualTo(403);
        assertThat(otherInput.body().get("code").asString()).isEqualTo("confirmation_mismatch");
        assertThat(w.root.resolve("other.txt")).exists();

        var confirmed = w.post("/v1/actions/fs.delete?confirm=" + token, RestFixture.ADMIN, body);
        assertThat(confirmed.status()).as(confirmed.body().toString()).isEqualTo(200);
        assertThat(w.root.resolve("doomed.txt")).doesNotExist();
        assertThat(confirmed.body().get("undoId").asString()).isNotBlank();

        Files.writeString(w.root.resolve("doomed.txt"), "again");
        var replay = w.post("/v1/actions/fs.delete?confirm=" + token, RestFixture.ADMIN, body);
        assertThat(replay.status()).isEqualTo(403);
        assertThat(replay.body().get("code").asString()).isEqualTo("confirmation_used");
        assertThat(w.root.resolve("doomed.txt")).exists();
    }

    @Test
    void rolesCapTheRiskAPrincipalMayRun() throws Exception {
        Files.writeString(w.root.resolve("a.txt"), "a");
        var viewerWrite = w.post("/v1/actions/fs.write", w.viewerToken, "{\"path\":\"b.txt\",\"content\":\"b\"}");
        assertThat(viewerWrite.status()).isEqualTo(403);
        assertThat(w.root.resolve("b.txt")).doesNotExist();
        var viewerRead = w.post("/v1/actions/fs.read", w.viewerToken, "{\"path\":\"a.txt\"}");
        assertThat(viewerRead.status()).isEqualTo(200);
        var operatorDelete = w.post("/v1/actions/fs.delete", w.operatorToken, "{\"path\":\"a.txt\"}");
        assertThat(operatorDelete.status()).isEqualTo(403);
        assertThat(w.root.resolve("a.txt")).exists();
    }

    @Test
    void simulateChangesNothing() throws Exception {
        var answer = w.post("/v1/actions/fs.write/simulate", w.operatorToken, "{\"path\":\"new.txt\",\"content\":\"x\"}");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body().get("status").asString()).isEqualTo("simulated");
        assertThat(w.root.resolve("new.txt")).doesNotExist();
    }

    @Test
    void shellCommandsRunAndReportTheirExitCode() {
        var answer = w.post("/v1/actions/shell.exec", w.operatorToken, "{\"argv\":[\"sh\",\"-c\",\"echo out; echo err >&2; exit 3\"]}");
        assertThat(answer.status()).as(answer.body().toString()).isEqualTo(200);
        var result = answer.body().get("result");
        assertThat(result.get("exitCode").asInt()).isEqualTo(3);
        assertThat(result.get("stdout").asString()).isEqualTo("out\n");
        assertThat(result.get("stderr").asString()).isEqualTo("err\n");
        assertThat(result.get("timedOut").asBoolean()).isFalse();
    }

    @Test
    void everyRequestIsAuditedAndAdminsCanPageTheTrail() {
        w.post("/v1/actions/fs.stat", w.operatorToken, "{\"path\":\".\"}");
        w.post("/v1/actions/fs.read", w.operatorToken, "{\"path\":\"/etc/passwd\"}");
        w.post("/v1/actions/nope", w.operatorToken, "{}");
        var forbidden = w.get("/v1/audit", w.operatorToken);
        assertThat(forbidden.status()).isEqualTo(403);
        var page = w.get("/v1/audit?after=0&limit=10", RestFixture.ADMIN);
        assertThat(page.status()).isEqualTo(200);
        var outcomes = page.body().get("records").valueStream().map(r -> r.get("outcome").asString()).toList();
        assertThat(outcomes).containsExactly("done", "denied", "invalid");
    }

    @Test
    void openApiDocumentIsServed() {
        var doc = w.get("/openapi.json", w.operatorToken);
        assertThat(doc.status()).isEqualTo(200);
        assertThat(doc.body().get("openapi").asString()).startsWith("3.1");
        assertThat(doc.body().get("paths").has("/v1/actions/fs.read")).isTrue();
    }
}
