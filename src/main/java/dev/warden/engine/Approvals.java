package dev.warden.engine;

import dev.warden.action.ActionException;
import dev.warden.action.ErrorKind;
import dev.warden.approval.Approval;
import dev.warden.approval.ApprovalStatus;
import dev.warden.approval.ApprovalStore;
import dev.warden.audit.AuditEntry;
import dev.warden.identity.IdentityException;
import dev.warden.identity.Principal;
import dev.warden.identity.Role;
import dev.warden.json.Json;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;
import tools.jackson.databind.JsonNode;

/**
 * The approver's side of the hold stage: who may see and decide a held request, and running it, as
 * its requester and through the whole pipeline again, once it has its votes. Every vote is audited.
 */
public final class Approvals {
    private static final Duration POLL = Duration.ofMillis(150);

    private final Engine engine;
    private final ApprovalStore store;
    private final Plans plans;
    private final Clock clock;
    /** The requester as they stand now (e.g. {@code TokenService::current}); throws IdentityException when they no longer may act. */
    private final UnaryOperator<Principal> requesterNow;

    public Approvals(Engine engine, ApprovalStore store, Plans plans, Clock clock, UnaryOperator<Principal> requesterNow) {
        this.engine = engine;
        this.store = store;
        this.plans = plans;
        this.clock = clock;
        this.requesterNow = requesterNow;
    }

    /** Each sees the requests of their project they made or may decide (admins: all of them). */
    public List<Approval> list(Principal viewer, ApprovalStatus status, int limit) {
        var rows = store.list(viewer.kind() == Principal.Kind.LOCAL ? null : viewer.project(), status, limit);
        return rows.stream().filter(a -> maySee(viewer, a)).toList();
    }

    public Approval get(Principal viewer, String id) {
        var approval = store.find(id).orElseThrow(() -> notFound(id));
        if (!maySee(viewer, approval)) throw notFound(id);
        return approval;
    }

    /**
     * Waits up to {@code wait} for the request to be settled (ran, denied or expired) and returns it as
     * it then stands. Polls the store because the decision may come from another process (the CLI).
     */
    public Approval await(Principal viewer, String id, Duration wait) throws InterruptedException {
        var deadline = System.nanoTime() + wait.toNanos();
        var approval = get(viewer, id);
        while (!settled(approval) && System.nanoTime() < deadline) {
            Thread.sleep(Math.min(POLL.toMillis(), Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            approval = get(viewer, id);
        }
        return approval;
    }

    public static boolean settled(Approval a) {
        return a.status() == ApprovalStatus.DENIED || a.status() == ApprovalStatus.EXPIRED
                || (a.status() == ApprovalStatus.EXECUTED && a.result() != null);
    }

    /**
     * Approves; when this vote completes the quorum, the intent runs now and the request holds its
     * answer. The requester is read again first: a request outlives the token or membership it was
     * made with, and an approval must not run for someone who has since lost the right to ask.
     * Whatever the answer, the request is spent: a refusal at execution is as final as a run.
     */
    public Approval approve(Principal approver, String id, String comment, Origin origin) {
        var voted = vote(approver, id, Approval.Verdict.APPROVE, comment, origin);
        if (voted.status() != ApprovalStatus.APPROVED) return voted;
        var requester = voted.requester();
        var intent = new Intent(voted.actionId(), voted.input(), requester, originOf(voted.origin()), Mode.EXECUTE, null, null);
        var refusal = standing(requester);
        Outcome outcome;
        if (refusal.isPresent()) {
            var r = refusal.get();
            outcome = engine.refuseApproved(intent, id, r.getMessage(), r.code(), r.hint());
        } else if (voted.actionId().equals(Plans.ACTION)) {
            outcome = plans.runApproved(voted);
        } else {
            outcome = engine.submitApproved(intent, id);
        }
        // A refusal, or a policy that now denies, ends the run before the engine's claim; the request
        // must not stay approved and runnable.
        store.claim(id, requester, voted.actionId(), voted.input());
        store.finish(id, summary(outcome));
        return store.find(id).orElseThrow();
    }

    /** Why the requester may no longer have their request run; empty when they still may. */
    private Optional<ActionException> standing(Principal requester) {
        Principal now;
        try {
            now = requesterNow.apply(requester);
        } catch (IdentityException e) {
            return Optional.of(new ActionException(ErrorKind.REFUSED, e.code(), e.getMessage() + " The approved request does not run.", e.hint()));
        }
        if (now.role().ordinal() < requester.role().ordinal()) {
            return Optional.of(new ActionException(ErrorKind.REFUSED, "requester_role_lowered",
                    requester.name() + " asked as " + requester.role().id() + " and is now " + now.role().id()
                            + " in project " + requester.project() + "; the approved request does not run.",
                    "The requester may send the request again with the role they have now."));
        }
        return Optional.empty();
    }

    /**
     * Expires what has waited too long, with an audit record for each (principal {@code system:warden});
     * runs every little while, so an expiry is recorded and announced even if nobody reads the request.
     */
    public List<Approval> sweepExpired() {
        var expired = store.expireDue();
        for (var a : expired) {
            var input = Json.object();
            input.put("approvalId", a.id());
            input.put("requestedAction", a.actionId());
            engine.audit().append(new AuditEntry(clock.instant(), "system:warden", "warden", a.project(), Origin.INTERNAL.id(),
                    "approval.expire", "execute", input, a.risk(), null, null, "expired", null, null, 0, null, null));
        }
        return expired;
    }

    public Approval deny(Principal approver, String id, String comment, Origin origin) {
        return vote(approver, id, Approval.Verdict.DENY, comment, origin);
    }

    private Approval vote(Principal voter, String id, Approval.Verdict verdict, String comment, Origin origin) {
        var current = store.find(id).orElseThrow(() -> notFound(id));
        if (!maySee(voter, current)) throw notFound(id);
        if (voter.role().ordinal() < current.approverRole().ordinal()) {
            throw new ActionException(ErrorKind.REFUSED, "approver_required",
                    "Request " + id + " must be decided by a" + (current.approverRole() == Role.ADMIN ? "n admin" : "n " + current.approverRole().id())
                            + " of project " + current.project() + ".",
                    "Ask " + (current.approverRole() == Role.ADMIN ? "an admin" : "someone with the role " + current.approverRole().id()
                            + " or higher") + " of the project to decide request " + id + ".");
        }
        if (!voter.actionPatterns().isEmpty()) {
            // A token narrowed to some actions is an agent's; approving is a person's act.
            throw new ActionException(ErrorKind.REFUSED, "approver_token_narrowed",
                    "A token limited to some actions cannot decide approval requests.",
                    "Decide with your own token without action patterns, or with ./warden approvals approve " + id + ".");
        }
        if (voter.name().equals(current.requester().name())) {
            throw new ActionException(ErrorKind.REFUSED, "self_approval",
                    "You asked for request " + id + "; someone else must decide it.",
                    "Ask another admin of project " + current.project() + " to decide it.");
        }
        var result = store.vote(id, voter, verdict, comment);
        var input = Json.object();
        input.put("approvalId", id);
        input.put("requestedAction", current.actionId());
        if (comment != null) input.put("comment", comment);
        engine.audit().append(new AuditEntry(clock.instant(), voter.id(), voter.name(), current.project(), origin.id(),
                "approval." + verdict.id(), "execute", input, current.risk(), null, null, result.status().id(), null,
                null, 0, null, null));
        return result;
    }

    private static boolean maySee(Principal viewer, Approval a) {
        if (viewer.kind() == Principal.Kind.LOCAL) return true;
        if (!viewer.project().equals(a.project())) return false;
        return viewer.role().ordinal() >= a.approverRole().ordinal() || viewer.name().equals(a.requester().name());
    }

    static Origin originOf(String id) {
        try {
            return Origin.valueOf(id.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return Origin.INTERNAL;
        }
    }

    private static ActionException notFound(String id) {
        return new ActionException(ErrorKind.NOT_FOUND, "approval_not_found", "There is no approval request " + id + " you may see.",
                "List the requests you may see with GET /v1/approvals or ./warden approvals list.");
    }

    /** What the requester would have been answered, kept with the request. */
    static JsonNode summary(Outcome outcome) {
        var node = Json.object();
        switch (outcome) {
            case Outcome.Done d -> {
                node.put("status", "done");
                node.set("result", d.result());
                if (d.undoId() != null) node.put("undoId", d.undoId());
            }
            case Outcome.Denied d -> {
                node.put("status", "denied");
                node.put("code", d.code());
                node.put("detail", d.reason());
                node.put("hint", d.hint());
            }
            case Outcome.Invalid i -> {
                node.put("status", "invalid");
                node.put("code", i.code());
                node.put("detail", i.detail());
                node.put("hint", i.hint());
            }
            case Outcome.Limited l -> {
                node.put("status", "limited");
                node.put("code", l.code());
                node.put("detail", l.detail());
                node.put("hint", l.hint());
                node.put("retryAt", l.retryAt().toString());
            }
            case Outcome.Failed f -> {
                node.put("status", "failed");
                node.put("code", f.code());
                node.put("detail", f.detail());
                node.put("hint", f.hint());
            }
            // Neither can come back from an approved intent; kept total so a new stage cannot slip by.
            case Outcome.NeedsConfirmation nc -> node.put("status", "needs_confirmation");
            case Outcome.PendingApproval pa -> node.put("status", "pending_approval");
        }
        node.put("auditSeq", outcome.auditSeq());
        return node;
    }
}
