package dev.warden.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.identity.Role;
import dev.warden.identity.TokenService;
import dev.warden.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tokens that stop being valid stop working over REST; narrowed tokens stay narrow. */
class TokenLifecycleTest {
    static final String STAT = "{\"path\":\".\"}";

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
    void anExpiredTokenIsUnauthenticated() {
        var token = w.token(Role.OPERATOR, Duration.ofHours(1), List.of());
        assertThat(w.post("/v1/actions/fs.stat", token, STAT).status()).isEqualTo(200);

        w.clock.advance(Duration.ofHours(1));

        var answer = w.post("/v1/actions/fs.stat", token, STAT);
        answer.assertProblem(401, "invalid_token");
        assertThat(answer.text()).doesNotContain(token);
        w.get("/v1/actions", token).assertProblem(401, "invalid_token");
    }

    @Test
    void aTokenRevokedInThisProcessIsRefusedAtOnce() {
        var created = w.create(Role.OPERATOR, null, List.of());
        var token = created.secret();
        var id = created.info().id();
        assertThat(w.post("/v1/actions/fs.stat", token, STAT).status()).isEqualTo(200);

        assertThat(w.warden.tokens().revoke(id)).isTrue();

        w.post("/v1/actions/fs.stat", token, STAT).assertProblem(401, "invalid_token");
        assertThat(w.warden.tokens().revoke(id)).as("a second revoke finds nothing to revoke").isFalse();
    }

    @Test
    void aTokenRevokedByAnotherProcessIsRefusedOnceTheServersCacheExpires() throws Exception {
        var created = w.create(Role.OPERATOR, null, List.of());
        var token = created.secret();
        assertThat(w.post("/v1/actions/fs.stat", token, STAT).status()).isEqualTo(200);

        // The CLI revoking on the same data dir: its own database handle and token service.
        try (var cliDb = Database.openSqlite(w.dataDir)) {
            var cli = new TokenService(cliDb, Clock.systemUTC());
            assertThat(cli.revoke(created.info().id())).isTrue();
        }
        // The server caches a token for 2 s, so the refusal comes about then; the deadline is far
        // beyond it only so that a loaded machine cannot miss it (the loop ends at the first 401).
        var deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        int status;
        do {
            status = w.post("/v1/actions/fs.stat", token, STAT).status();
            if (status == 401) break;
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        assertThat(status).as("refused within 15 s of the revocation").isEqualTo(401);
        w.post("/v1/actions/fs.stat", token, STAT).assertProblem(401, "invalid_token");
        // The other tokens keep working.
        assertThat(w.post("/v1/actions/fs.stat", w.operatorToken, STAT).status()).isEqualTo(200);
    }

    @Test
    void aTokenNarrowedToFsActionsCannotRunCommands() throws Exception {
        var token = w.token(Role.ADMIN, null, List.of("fs.*"));
        var answer = w.post("/v1/actions/shell.exec", token, "{\"command\":\"touch canary\"}");
        answer.assertProblem(403, "action_not_permitted");
        assertThat(w.root.resolve("canary")).doesNotExist();
        var undo = w.post("/v1/undo/u_whatever", token, "");
        undo.assertProblem(403, "action_not_permitted");
        assertThat(w.post("/v1/actions/fs.write", token, "{\"path\":\"ok.txt\",\"content\":\"ok\"}").status()).isEqualTo(200);
        assertThat(Files.readString(w.root.resolve("ok.txt"))).isEqualTo("ok");
    }

    @Test
    void aViewerCannotReadTheAuditTrailNorChangeFiles() {
        var viewer = w.token(Role.VIEWER, null, List.of());
        w.get("/v1/audit", viewer).assertProblem(403, "admin_required");
        w.post("/v1/actions/fs.write", viewer, "{\"path\":\"v.txt\",\"content\":\"v\"}").assertProblem(403, "role_insufficient");
        assertThat(w.root.resolve("v.txt")).doesNotExist();
    }
}
