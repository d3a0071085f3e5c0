package dev.warden.engine;

import static dev.warden.engine.EngineFixture.ADMIN;
import static dev.warden.engine.EngineFixture.OPERATOR;
import static dev.warden.engine.EngineFixture.assertAudited;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.action.ActionException;
import dev.warden.approval.Approval;
import dev.warden.approval.ApprovalStatus;
import dev.warden.identity.Principal;
import dev.warden.identity.Role;
import dev.warden.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The approve effect: held as a request, decided by another admin, run once as the requester. */
class ApprovalsTest {
    static final Principal SECOND_ADMIN = new Principal("tok_admin2", "bea", Role.ADMIN, "default", Principal.Kind.TOKEN, List.of());
    static final Principal OTHER_PROJECT_ADMIN = new Principal("tok_admin3", "carl", Role.ADMIN, "ops", Principal.Kind.TOKEN,
            List.of());

    @TempDir
    Path temp;

    EngineFixture w;
    Approvals approvals;

    @BeforeEach
    void open() {
        w = new EngineFixture(temp);
        approvals = w.warden.approvals();
    }

    @AfterEach
    void close() {
        w.close();
    }

    private Outcome.PendingApproval requestMkdir(Principal who, String dir) {
        return (Outcome.PendingApproval) w.submit("fs.mkdir", who, "{\"path\":\"" + dir + "\"}");
    }

    @Test
    void anApproveRuleHoldsTheIntentAsAPendingRequestWithAPreview() {
        var pending = requestMkdir(OPERATOR, "newdir");
        assertThat(pending.approvalId()).startsWith("apr_");
        assertThat(pending.reason()).isEqualTo("New directories need another person's approval");
        assertThat(pending.expiresAt()).isEqualTo(w.clock.instant().plus(Duration.ofHours(24)));
        assertThat(pending.preview()).isNotNull();
        assertThat(w.root.resolve("newdir")).doesNotExist();

        var r = w.record(pending.auditSeq());
        assertAudited(r, "pending_approval", "approval_required", "fs.mkdir", OPERATOR, Json.parse("{\"path\":\"newdir\"}"));
        assertThat(r.decision()).isEqualTo("approve");

        var stored = approvals.get(ADMIN, pending.approvalId());
        assertThat(stored.status()).isEqualTo(ApprovalStatus.PENDING);
        assertThat(stored.requester()).isEqualTo(OPERATOR);
        assertThat(stored.input()).isEqualTo(Json.parse("{\"path\":\"newdir\"}"));
        assertThat(stored.rule()).isEqualTo("mkdir-needs-approval");
        assertThat(approvals.list(ADMIN, ApprovalStatus.PENDING, 10)).extracting(Approval::id).contains(pending.approvalId());
    }

    @Test
    void anotherAdminApprovesAndTheIntentRunsOnceAsTheRequester() {
        var pending = requestMkdir(OPERATOR, "newdir");
        var decided = approvals.approve(ADMIN, pending.approvalId(), "looks fine", Origin.REST);

        assertThat(decided.status()).isEqualTo(ApprovalStatus.EXECUTED);
        assertThat(decided.votes()).singleElement().satisfies(v -> {
            assertThat(v.voterName()).isEqualTo("ada");
            assertThat(v.comment()).isEqualTo("looks fine");
        });
        assertThat(decided.result().path("status").asString()).isEqualTo("done");
        assertThat(Files.isDirectory(w.root.resolve("newdir"))).isTrue();
        assertThat(Approvals.settled(decided)).isTrue();

        // The execution is audited as the requester, and names the approval; the vote is audited as the approver.
        var run = w.record(decided.result().path("auditSeq").asLong());
        assertAudited(run, "done", null, "fs.mkdir", OPERATOR, Json.parse("{\"path\":\"newdir\"}"));
        assertThat(run.reason()).contains(pending.approvalId());
        var vote = w.record(run.seq() - 1);
        assertThat(vote.action()).isEqualTo("approval.approve");
        assertThat(vote.principalName()).isEqualTo("ada");
        assertThat(vote.input().path("approvalId").asString()).isEqualTo(pending.approvalId());

        // A second vote on a settled request changes nothing.
        assertThatThrownBy(() -> approvals.approve(SECOND_ADMIN, pending.approvalId(), null, Origin.REST))
                .isInstanceOf(ActionException.class).extracting("code").isEqualTo("approval_not_pending");
    }

    @Test
    void noOneApprovesTheirOwnRequestAndOnlyAdminsOfTheProjectDecide() {
        var pending = requestMkdir(ADMIN, "mine");
        var sameUserOtherToken = new Principal("tok_other", "ada", Role.ADMIN, "default", Principal.Kind.TOKEN, List.of());
        assertThatThrownBy(() -> approvals.approve(sameUserOtherToken, pending.approvalId(), null, Origin.REST))
                .isInstanceOf(ActionException.class).extracting("code").isEqualTo("self_approval");

        var byOperator = requestMkdir(OPERATOR, "theirs");
        var bob = new Principal("tok_bob", "bob", Role.OPERATOR, "default", Principal.Kind.TOKEN, List.of());
        // An operator who is not the requester cannot even see it; the requester sees but cannot decide.
        assertThatThrownBy(() -> approvals.approve(bob, byOperator.approvalId(), null, Origin.REST))
                .isInstanceOf(ActionException.class).extracting("code").isEqualTo("approval_not_found");
        assertThatThrownBy(() -> approvals.approve(OPERATOR, byOperator.approvalId(), null, Origin.REST))
                .isInstanceOf(ActionException.class).extracting("code").isEqualTo("approver_required");
        assertThatThrownBy(() -> approvals.approve(OTHER_PROJECT_ADMIN, byOperator.approvalId(), null, Origin.REST))
                .isInstanceOf(ActionException.class).extracting("code").isEqualTo("approval_not_found");
        assertThat(approvals.list(bob, null, 10)).isEmpty();
        assertThat(approvals.list(OPERATOR, null, 10)).extracting(Approval::id).containsExactly(byOperator.approvalId());

        assertThat(w.root.resolve("mine")).doesNotExist();
        assertThat(w.root.resolve("theirs")).doesNotExist();
        assertThat(approvals.get(ADMIN, byOperator.approvalId()).status()).isEqualTo(ApprovalStatus.PENDING);
    }

    @Test
    void aDenialIsFinalAndAuditedAndNothingRuns() {
        var pending = requestMkdir(OPERATOR, "nope");
        var denied = approvals.deny(ADMIN, pending.approvalId(), "not today", Origin.CLI);
        assertThat(denied.status()).isEqualTo(ApprovalStatus.DENIED);
        assertThat(Approvals.settled(denied)).isTrue();
        assertThatThrownBy(() -> approvals.approve(SECOND_ADMIN, pending.approvalId(), null, Origin.REST))
                .isInstanceOf(ActionException.class).extracting("code").isEqualTo("approval_not_pending");
        assertThat(w.root.resolve("nope")).doesNotExist();
        var audit = w.audit.latest(1).getFirst();
        assertThat(audit.action()).isEqualTo("approval.deny");
        assertThat(audit.origin()).isEqualTo("cli");
        assertThat(audit.outcome()).isEqualTo("denied");
    }

    @Test
    void aRequestExpiresAndCanNoLongerBeApproved() {
        var pending = requestMkdir(OPERATOR, "late");
        w.clock.advance(Duration.ofHours(24).plusSeconds(1));
        assertThat(approvals.get(OPERATOR, pending.approvalId()).status()).isEqualTo(ApprovalStatus.EXPIRED);
        // The sweep records the expiry once, in the audit trail.
        assertThat(approvals.sweepExpired()).extracting(Approval::id).containsExactly(pending.approvalId());
        assertThat(approvals.sweepExpired()).isEmpty();
        var record = w.audit.latest(1).getFirst();
        assertThat(record.action()).isEqualTo("approval.expire");
        assertThat(record.outcome()).isEqualTo("expired");
        assertThat(record.input().path("approvalId").asString()).isEqualTo(pending.approvalId());
        assertThatThrownBy(() -> approvals.approve(ADMIN, pending.approvalId(), null, Origin.REST))
                .isInstanceOf(ActionException.class).extracting("code").isEqualTo("approval_not_pending");
        assertThat(w.root.resolve("late")).doesNotExist();
    }

    @Test
    void anApprovedRequestCannotBeReplayedOrBentToAnotherInput() {
        var pending = requestMkdir(OPERATOR, "once");
        approvals.approve(ADMIN, pending.approvalId(), null, Origin.REST);
        assertThat(w.root.resolve("once")).isDirectory();
        // Replaying the approval id, even for the exact intent, is refused: it ran already.
        var replay = w.engine.submitApproved(Intent.execute("fs.mkdir", Json.parse("{\"path\":\"twice\"}"), OPERATOR,
                Origin.INTERNAL), pending.approvalId());
        assertThat(replay).isInstanceOfSatisfying(Outcome.Denied.class, d -> assertThat(d.code()).isEqualTo("approval_not_valid"));
        assertThat(w.root.resolve("twice")).doesNotExist();
    }

    @Test
    void theStoreLetsOnlyTheExactApprovedIntentClaimItOnce() {
        var store = new dev.warden.approval.ApprovalStore(w.warden.database(), w.clock, Duration.ofMinutes(5));
        var input = Json.parse("{\"path\":\"exact\"}");
        var opened = store.open(new dev.warden.approval.ApprovalStore.Request("fs.mkdir", input, "rest", OPERATOR, "low",
                "why", "rule", null, 2));
        // Two approvals are required: the first leaves it pending, so nothing can claim it yet.
        assertThat(store.vote(opened.id(), ADMIN, Approval.Verdict.APPROVE, null).status()).isEqualTo(ApprovalStatus.PENDING);
        assertThat(store.claim(opened.id(), OPERATOR, "fs.mkdir", input)).isFalse();
        assertThatThrownBy(() -> store.vote(opened.id(), ADMIN, Approval.Verdict.APPROVE, null))
                .isInstanceOf(ActionException.class).extracting("code").isEqualTo("already_decided");
        assertThat(store.vote(opened.id(), SECOND_ADMIN, Approval.Verdict.APPROVE, null).status()).isEqualTo(ApprovalStatus.APPROVED);

        assertThat(store.claim(opened.id(), OPERATOR, "fs.mkdir", Json.parse("{\"path\":\"other\"}"))).isFalse();
        assertThat(store.claim(opened.id(), OPERATOR, "fs.delete", input)).isFalse();
        assertThat(store.claim(opened.id(), ADMIN, "fs.mkdir", input)).isFalse();
        assertThat(store.claim(opened.id(), OPERATOR, "fs.mkdir", Json.parse("{ \"path\" : \"exact\" }"))).isTrue();
        assertThat(store.claim(opened.id(), OPERATOR, "fs.mkdir", input)).isFalse();
    }

    @Test
    void aListenerThatThrowsBreaksNeitherOpeningNorVotingNorFinishing() {
        var heard = new java.util.concurrent.CopyOnWriteArrayList<String>();
        var store = new dev.warden.approval.ApprovalStore(w.warden.database(), w.clock, Duration.ofMinutes(5), event -> {
            heard.add(event.kind());
            throw new IllegalStateException("a stored secret cannot be decrypted");
        });
        var input = Json.parse("{\"path\":\"x\"}");
        var opened = store.open(new dev.warden.approval.ApprovalStore.Request("fs.mkdir", input, "rest", OPERATOR, "low",
                "why", "rule", null, 1));
        assertThat(opened.status()).isEqualTo(ApprovalStatus.PENDING);

        var voted = store.vote(opened.id(), ADMIN, Approval.Verdict.APPROVE, "ok");
        assertThat(voted.status()).isEqualTo(ApprovalStatus.APPROVED);
        assertThat(store.claim(opened.id(), OPERATOR, "fs.mkdir", input)).isTrue();
        store.finish(opened.id(), Json.parse("{\"status\":\"done\"}"));
        assertThat(store.find(opened.id()).orElseThrow().result()).isNotNull();

        var denied = store.open(new dev.warden.approval.ApprovalStore.Request("fs.mkdir", input, "rest", OPERATOR, "low",
                "why", "rule", null, 1));
        assertThat(store.vote(denied.id(), ADMIN, Approval.Verdict.DENY, "no").status()).isEqualTo(ApprovalStatus.DENIED);
        var lapsing = store.open(new dev.warden.approval.ApprovalStore.Request("fs.mkdir", input, "rest", OPERATOR, "low",
                "why", "rule", null, 1));
        w.clock.advance(Duration.ofMinutes(6));
        assertThat(store.expireDue()).extracting(Approval::id).containsExactly(lapsing.id());
        // Every change was still announced, each to a listener that failed.
        assertThat(heard).containsExactly("approval.requested", "approval.decided", "approval.executed",
                "approval.requested", "approval.decided", "approval.requested", "approval.expired");
    }

    @Test
    void aDenyRuleWinsOverApproveAndNoRequestIsOpened() throws Exception {
        Files.createDirectories(w.root.resolve("secrets"));
        // mkdir-needs-approval and no-secrets-dir both match: deny wins before any request is opened.
        var denied = w.submit("fs.mkdir", OPERATOR, "{\"path\":\"secrets/x\"}");
        assertThat(denied).isInstanceOfSatisfying(Outcome.Denied.class, d -> assertThat(d.code()).isEqualTo("policy_denied"));
        assertThat(approvals.list(ADMIN, null, 10)).isEmpty();
    }

    @Test
    void twoAdminsRacingToApproveRunTheIntentOnce() throws Exception {
        var pending = requestMkdir(OPERATOR, "raced");
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var a = CompletableFuture.supplyAsync(() -> attempt(ADMIN, pending.approvalId()), pool);
            var b = CompletableFuture.supplyAsync(() -> attempt(SECOND_ADMIN, pending.approvalId()), pool);
            assertThat(List.of(a.get(), b.get())).containsExactlyInAnyOrder("executed", "approval_not_pending");
        }
        var runs = w.audit.latest(20).stream().filter(r -> r.action().equals("fs.mkdir") && r.outcome().equals("done")).count();
        assertThat(runs).isEqualTo(1);
    }

    private String attempt(Principal who, String id) {
        try {
            return approvals.approve(who, id, null, Origin.REST).status().id();
        } catch (ActionException e) {
            return e.code();
        }
    }

    @Test
    void aRuleCanRequireTwoDistinctApproversOfARole() {
        w.close();
        w = new EngineFixture(temp.resolve("two"), """
                version: 1
                rules:
                  - name: deletes-need-two
                    when: 'action == "fs.mkdir"'
                    effect: approve
                    approvers: {role: operator, count: 2}
                    reason: New directories need two people
                """);
        approvals = w.warden.approvals();
        var pending = requestMkdir(ADMIN, "twice");
        var bob = new Principal("tok_bob", "bob", Role.OPERATOR, "default", Principal.Kind.TOKEN, List.of());
        var viewer = new Principal("tok_vic", "vic", Role.VIEWER, "default", Principal.Kind.TOKEN, List.of());

        assertThat(approvals.list(bob, ApprovalStatus.PENDING, 10)).extracting(Approval::id).containsExactly(pending.approvalId());
        assertThatThrownBy(() -> approvals.approve(viewer, pending.approvalId(), null, Origin.REST))
                .isInstanceOf(ActionException.class).extracting("code").isEqualTo("approval_not_found");

        var first = approvals.approve(bob, pending.approvalId(), "one", Origin.REST);
        assertThat(first.status()).isEqualTo(ApprovalStatus.PENDING);
        assertThat(first.requiredApprovals()).isEqualTo(2);
        assertThat(w.root.resolve("twice")).doesNotExist();
        assertThatThrownBy(() -> approvals.approve(bob, pending.approvalId(), "again", Origin.REST))
                .isInstanceOf(ActionException.class).extracting("code").isEqualTo("already_decided");

        var second = approvals.approve(SECOND_ADMIN, pending.approvalId(), "two", Origin.REST);
        assertThat(second.status()).isEqualTo(ApprovalStatus.EXECUTED);
        assertThat(w.root.resolve("twice")).isDirectory();
    }

    @Test
    void votesSucceedWhileOtherWritersCommit() throws Exception {
        var ids = new java.util.ArrayList<String>();
        for (int i = 0; i < 30; i++) ids.add(requestMkdir(OPERATOR, "v" + i).approvalId());
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var writers = new java.util.ArrayList<java.util.concurrent.Future<?>>();
            for (int i = 0; i < 30; i++) {
                int n = i;
                writers.add(pool.submit(() -> w.submit("fs.write", OPERATOR, "{\"path\":\"w" + n + "\",\"content\":\"x\"}")));
            }
            var votes = ids.stream().map(id -> pool.submit(() -> approvals.deny(ADMIN, id, null, Origin.REST).status())).toList();
            for (var v : votes) assertThat(v.get()).isEqualTo(ApprovalStatus.DENIED);
            for (var f : writers) f.get();
        }
    }

    @Test
    void aTokenNarrowedToSomeActionsCannotApprove() {
        var pending = requestMkdir(OPERATOR, "narrow");
        var agent = new Principal("tok_agent", "bea", Role.ADMIN, "default", Principal.Kind.TOKEN, List.of("fs.*"));
        assertThatThrownBy(() -> approvals.approve(agent, pending.approvalId(), null, Origin.REST))
                .isInstanceOf(ActionException.class).extracting("code").isEqualTo("approver_token_narrowed");
        assertThat(w.root.resolve("narrow")).doesNotExist();
    }
}
