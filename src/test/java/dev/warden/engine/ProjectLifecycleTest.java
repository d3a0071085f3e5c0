package dev.warden.engine;

import static dev.warden.engine.EngineFixture.ADMIN;
import static dev.warden.engine.EngineFixture.OPERATOR;
import static dev.warden.engine.EngineFixture.VIEWER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.identity.Principal;
import dev.warden.identity.ProjectState;
import dev.warden.identity.Role;
import dev.warden.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A locked project runs only reads; an archived one runs nothing, approved requests and plans included. */
class ProjectLifecycleTest {
    @TempDir
    Path temp;

    EngineFixture w;

    @BeforeEach
    void open() throws Exception {
        w = new EngineFixture(temp);
        Files.writeString(w.root.resolve("a.txt"), "alpha\n");
    }

    @AfterEach
    void close() {
        w.close();
    }

    private void set(String project, ProjectState state) {
        w.warden.projects().setState(project, state);
    }

    private static Outcome.Denied denied(Outcome outcome, String code) {
        assertThat(outcome).isInstanceOf(Outcome.Denied.class);
        var d = (Outcome.Denied) outcome;
        assertThat(d.code()).isEqualTo(code);
        assertThat(d.hint()).isNotBlank();
        return d;
    }

    @Test
    void aLockedProjectRunsReadsOnlyAndSaysWhy() throws Exception {
        set("default", ProjectState.LOCKED);

        assertThat(w.submit("fs.read", VIEWER, "{\"path\":\"a.txt\"}")).isInstanceOf(Outcome.Done.class);
        assertThat(w.submit("shell.exec", OPERATOR, "{\"command\":\"cat a.txt\"}")).as("a read-only command")
                .isInstanceOf(Outcome.Done.class);

        var write = denied(w.submit("fs.write", ADMIN, "{\"path\":\"b.txt\",\"content\":\"b\"}"), "project_locked");
        assertThat(write.reason()).contains("default").contains("locked");
        assertThat(w.root.resolve("b.txt")).doesNotExist();
        denied(w.submit("shell.exec", ADMIN, "{\"command\":\"touch canary\"}"), "project_locked");
        assertThat(w.root.resolve("canary")).doesNotExist();

        var r = w.record(write.auditSeq());
        assertThat(r.outcome()).isEqualTo("denied");
        assertThat(r.code()).isEqualTo("project_locked");

        set("default", ProjectState.ACTIVE);
        assertThat(w.submit("fs.write", ADMIN, "{\"path\":\"b.txt\",\"content\":\"b\"}")).isInstanceOf(Outcome.Done.class);
    }

    @Test
    void anArchivedProjectRunsNothingNotEvenReads() {
        set("default", ProjectState.ARCHIVED);
        denied(w.submit("fs.read", ADMIN, "{\"path\":\"a.txt\"}"), "project_archived");
        denied(w.simulate("fs.write", ADMIN, "{\"path\":\"b.txt\",\"content\":\"b\"}"), "project_archived");
        assertThat(w.root.resolve("b.txt")).doesNotExist();
    }

    @Test
    void theStateOfOneProjectDoesNotTouchAnother() {
        w.warden.projects().create("web");
        set("web", ProjectState.ARCHIVED);
        var webAdmin = new Principal("tok_web", "wes", Role.ADMIN, "web", Principal.Kind.TOKEN, List.of());
        denied(w.submit("fs.stat", webAdmin, "{\"path\":\"a.txt\"}"), "project_archived");
        assertThat(w.submit("fs.stat", OPERATOR, "{\"path\":\"a.txt\"}")).isInstanceOf(Outcome.Done.class);
    }

    @Test
    void aRequestApprovedAfterItsProjectWasArchivedDoesNotRun() {
        var pending = (Outcome.PendingApproval) w.submit("fs.mkdir", OPERATOR, "{\"path\":\"newdir\"}");
        set("default", ProjectState.ARCHIVED);
        var decided = w.warden.approvals().approve(ADMIN, pending.approvalId(), null, Origin.INTERNAL);
        assertThat(decided.result().path("code").asString()).isEqualTo("project_archived");
        assertThat(w.root.resolve("newdir")).doesNotExist();
    }

    @Test
    void aPlanWithAChangeInALockedProjectIsRefusedBeforeAnyStepRuns() {
        set("default", ProjectState.LOCKED);
        var outcome = w.warden.plans().submit(Json.parse("""
                {"mode": "atomic", "steps": [
                  {"id": "read", "action": "fs.read", "input": {"path": "a.txt"}},
                  {"id": "write", "action": "fs.write", "input": {"path": "b.txt", "content": "b"}, "dependsOn": ["read"]}
                ]}"""), OPERATOR, Origin.INTERNAL, null, e -> { });
        var d = denied(outcome, "project_locked");
        assertThat(d.reason()).contains("write");
        assertThat(w.root.resolve("b.txt")).doesNotExist();
    }
}
