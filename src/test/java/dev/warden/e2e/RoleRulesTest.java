package dev.warden.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.identity.Members;
import dev.warden.identity.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Roles over REST with real tokens: a viewer cannot execute, an operator cannot run a high action. */
class RoleRulesTest {
    @TempDir
    Path temp;

    E2eFixture w;

    @BeforeEach
    void start() throws Exception {
        w = new E2eFixture(temp, 64 * 1024);
        Files.writeString(w.root.resolve("a.txt"), "alpha\n");
    }

    @AfterEach
    void stop() {
        w.close();
    }

    @Test
    void aViewerReadsButCannotExecuteAnything() {
        var viewer = w.token(Role.VIEWER, null, List.of());
        assertThat(w.post("/v1/actions/fs.read", viewer, "{\"path\":\"a.txt\"}").status()).isEqualTo(200);
        w.post("/v1/actions/fs.write", viewer, "{\"path\":\"b.txt\",\"content\":\"b\"}").assertProblem(403, "role_insufficient");
        w.post("/v1/actions/shell.exec", viewer, "{\"command\":\"touch canary\"}").assertProblem(403, "role_insufficient");
        w.post("/v1/actions/fs.delete", viewer, "{\"path\":\"a.txt\"}").assertProblem(403, "role_insufficient");
        assertThat(w.root.resolve("b.txt")).doesNotExist();
        assertThat(w.root.resolve("canary")).doesNotExist();
        assertThat(w.root.resolve("a.txt")).exists();
    }

    @Test
    void anOperatorCannotRunAHighAction() {
        w.post("/v1/actions/fs.delete", w.operatorToken, "{\"path\":\"a.txt\"}").assertProblem(403, "role_insufficient");
        assertThat(w.root.resolve("a.txt")).exists();
        assertThat(w.post("/v1/actions/fs.write", w.operatorToken, "{\"path\":\"b.txt\",\"content\":\"b\"}").status())
                .as("medium is within an operator's reach").isEqualTo(200);
    }

    @Test
    void anAdminsOperatorTokenActsAsAnOperator() {
        Members.add(w.warden.users(), w.warden.projects(), "default", "ada", Role.ADMIN);
        var token = w.warden.tokens().create("ops", "ada", "default", Role.OPERATOR, null, List.of()).secret();
        w.post("/v1/actions/fs.delete", token, "{\"path\":\"a.txt\"}").assertProblem(403, "role_insufficient");
        assertThat(w.root.resolve("a.txt")).exists();
    }
}
