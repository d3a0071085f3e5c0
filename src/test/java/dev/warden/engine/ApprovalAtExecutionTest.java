package dev.warden.engine;

import static dev.warden.engine.EngineFixture.ADMIN;
import static dev.warden.engine.EngineFixture.OPERATOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.action.ActionException;
import dev.warden.approval.Approval;
import dev.warden.approval.ApprovalStatus;
import dev.warden.identity.Role;
import dev.warden.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An approved request runs hours after it was made: what changed in between counts. The requester is
 * read again (token, membership, role) and the policy in force then decides; a refusal is audited,
 * kept as the request's answer, and final.
 */
class ApprovalAtExecutionTest {
    @TempDir
    Path temp;

    EngineFixture w;

    @BeforeEach
    void open() {
        w = new EngineFixture(temp);
    }

    @AfterEach
    void close() {
        w.close();
    }

    private String request(String dir) {
        return ((Outcome.PendingApproval) w.submit("fs.mkdir", OPERATOR, "{\"path\":\"" + dir + "\"}")).approvalId();
    }

    /** Approves {@code id} and checks it was refused with {@code code}: nothing ran, the refusal is audited and final. */
    private void assertRefusedAtExecution(String id, String dir, String code) {
        var decided = w.warden.approvals().approve(ADMIN, id, "fine by me", Origin.REST);

        assertThat(w.root.resolve(dir)).doesNotExist();
        assertThat(decided.status()).isEqualTo(ApprovalStatus.EXECUTED);
        assertThat(Approvals.settled(decided)).isTrue();
        assertThat(decided.result().path("status").asString()).isEqualTo("denied");
        assertThat(decided.result().path("code").asString()).isEqualTo(code);
        assertThat(decided.result().path("hint").asString()).isNotBlank();
        var record = w.record(decided.result().path("auditSeq").asLong());
        assertThat(record.action()).isEqualTo("fs.mkdir");
        assertThat(record.outcome()).isEqualTo("denied");
        assertThat(record.code()).isEqualTo(code);
        assertThat(record.principalId()).isEqualTo(OPERATOR.id());
        // The approver's vote is recorded too, and the request cannot be tried again.
        assertThat(w.record(record.seq() - 1).action()).isEqualTo("approval.approve");
        assertThatThrownBy(() -> w.warden.approvals().approve(ApprovalsTest.SECOND_ADMIN, id, null, Origin.REST))
                .isInstanceOf(ActionException.class).extracting("code").isEqualTo("approval_not_pending");
        var replay = w.engine.submitApproved(Intent.execute("fs.mkdir", Json.parse("{\"path\":\"" + dir + "\"}"), OPERATOR,
                Origin.INTERNAL), id);
        assertThat(replay).isInstanceOfSatisfying(Outcome.Denied.class, d -> assertThat(d.code()).isEqualTo("approval_not_valid"));
        assertThat(w.root.resolve(dir)).doesNotExist();
    }

    @Test
    void aRequestWhoseTokenWasRevokedSinceDoesNotRun() {
        var id = request("revoked");
        assertThat(w.warden.tokens().revoke(OPERATOR.id())).isTrue();
        assertRefusedAtExecution(id, "revoked", "requester_token_revoked");
    }

    @Test
    void aRequestWhoseTokenExpiredSinceDoesNotRun() throws SQLException {
        var id = request("expired");
        try (var c = w.warden.database().writeConnection();
             var ps = c.prepareStatement("UPDATE api_tokens SET expires_at = ? WHERE id = ?")) {
            ps.setString(1, w.clock.instant().plus(Duration.ofHours(1)).toString());
            ps.setString(2, OPERATOR.id());
            ps.executeUpdate();
        }
        w.clock.advance(Duration.ofHours(2));
        assertRefusedAtExecution(id, "expired", "requester_token_expired");
    }

    @Test
    void aRequestOfSomeoneRemovedFromTheProjectOrDisabledSinceDoesNotRun() {
        var removed = request("removed");
        assertThat(w.warden.projects().removeMember("default", OPERATOR.name())).isTrue();
        assertRefusedAtExecution(removed, "removed", "requester_not_member");

        w.warden.projects().putMember("default", OPERATOR.name(), Role.OPERATOR);
        var disabled = request("disabled");
        assertThat(w.warden.users().disable(OPERATOR.name())).isTrue();
        assertRefusedAtExecution(disabled, "disabled", "requester_not_member");
    }

    @Test
    void aRequestOfSomeoneDemotedSinceDoesNotRunButOneWhoseRoleStandsDoes() {
        var demoted = request("demoted");
        w.warden.projects().putMember("default", OPERATOR.name(), Role.VIEWER);
        assertRefusedAtExecution(demoted, "demoted", "requester_role_lowered");

        // Given their role back, a new request of theirs runs as before.
        w.warden.projects().putMember("default", OPERATOR.name(), Role.OPERATOR);
        var again = w.warden.approvals().approve(ADMIN, request("restored"), null, Origin.REST);
        assertThat(again.result().path("status").asString()).isEqualTo("done");
        assertThat(w.root.resolve("restored")).isDirectory();
    }

    @Test
    void aPolicyThatDeniesByTheTimeOfApprovalWinsOverTheApproval() throws Exception {
        var id = request("late-deny");
        var policy = w.dataDir.resolve("policy.yaml");
        Files.writeString(policy, EngineFixture.POLICY + """
                  - name: no-more-directories
                    when: 'action == "fs.mkdir"'
                    effect: deny
                    reason: Directories are frozen
                """);
        assertThat(w.warden.policyFile().reloadIfChanged().applied()).isTrue();

        var decided = w.warden.approvals().approve(ADMIN, id, null, Origin.REST);

        assertThat(w.root.resolve("late-deny")).doesNotExist();
        assertThat(decided.status()).isEqualTo(ApprovalStatus.EXECUTED);
        assertThat(Approvals.settled(decided)).isTrue();
        assertThat(decided.result().path("code").asString()).isEqualTo("policy_denied");
        assertThat(decided.result().path("detail").asString()).isEqualTo("Directories are frozen");
        var record = w.record(decided.result().path("auditSeq").asLong());
        assertThat(record.outcome()).isEqualTo("denied");
        assertThat(record.reason()).contains("Directories are frozen").contains(id);
        // Undoing the policy change does not bring the spent approval back.
        Files.writeString(policy, EngineFixture.POLICY);
        assertThat(w.warden.policyFile().reloadIfChanged().applied()).isTrue();
        assertThat(w.warden.approvals().get(ADMIN, id).status()).isEqualTo(ApprovalStatus.EXECUTED);
        assertThat(w.engine.submitApproved(Intent.execute("fs.mkdir", Json.parse("{\"path\":\"late-deny\"}"), OPERATOR,
                Origin.INTERNAL), id)).isInstanceOfSatisfying(Outcome.Denied.class,
                d -> assertThat(d.code()).isEqualTo("approval_not_valid"));
        assertThat(w.root.resolve("late-deny")).doesNotExist();
    }

    @Test
    void aPolicyThatNoLongerAsksForApprovalStillRunsTheApprovedIntentOnce() throws Exception {
        var id = request("now-allowed");
        Files.writeString(w.dataDir.resolve("policy.yaml"), EngineFixture.POLICY.replace("effect: approve", "effect: allow"));
        assertThat(w.warden.policyFile().reloadIfChanged().applied()).isTrue();

        Approval decided = w.warden.approvals().approve(ADMIN, id, null, Origin.REST);

        assertThat(decided.result().path("status").asString()).isEqualTo("done");
        assertThat(w.root.resolve("now-allowed")).isDirectory();
    }
}
