package dev.warden.engine;

import dev.warden.action.Action;
import dev.warden.action.ActionContext;
import dev.warden.action.ActionException;
import dev.warden.action.ActionRegistry;
import dev.warden.action.Assessment;
import dev.warden.action.CallObserver;
import dev.warden.action.Caller;
import dev.warden.action.ChangeJournal;
import dev.warden.action.ErrorKind;
import dev.warden.action.InputValidator;
import dev.warden.action.Risk;
import dev.warden.audit.AuditEntry;
import dev.warden.audit.AuditLog;
import dev.warden.audit.UndoRow;
import dev.warden.approval.ApprovalStore;
import dev.warden.json.CanonicalJson;
import dev.warden.json.Json;
import dev.warden.journal.Journal;
import dev.warden.policy.ConfirmationTokens;
import dev.warden.policy.Decision;
import dev.warden.policy.DecisionRequest;
import dev.warden.policy.Effect;
import dev.warden.policy.Policy;
import dev.warden.store.Database;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The one pipeline every intent takes: resolve, validate, guard, decide, hold, execute, journal,
 * audit. Each stage either passes the intent on or ends it with an {@link Outcome}; whatever the
 * end, the audit record is durable before {@link #submit} returns.
 */
public final class Engine {
    private static final Logger log = LoggerFactory.getLogger(Engine.class);
    private static final Duration DEFAULT_DEADLINE = Duration.ofMinutes(10);

    private final ActionRegistry registry;
    private final InputValidator validator;
    private final Supplier<Policy> policy;
    private final ConfirmationTokens confirmations;
    private final Journal journal;
    private final AuditLog audit;
    private final ApprovalStore approvals;
    private final Limiter limiter;
    /** Sessions that read untrusted content, until a day after the last such read. */
    private final com.github.benmanes.caffeine.cache.Cache<String, Boolean> tainted =
            com.github.benmanes.caffeine.cache.Caffeine.newBuilder().expireAfterWrite(Duration.ofDays(1)).maximumSize(100_000).build();
    private final Clock clock;

    public Engine(ActionRegistry registry, InputValidator validator, Supplier<Policy> policy,
                  ConfirmationTokens confirmations, Journal journal, AuditLog audit, ApprovalStore approvals,
                  Database database, Clock clock) {
        this.registry = registry;
        this.validator = validator;
        this.policy = policy;
        this.confirmations = confirmations;
        this.journal = journal;
        this.audit = audit;
        this.approvals = approvals;
        this.limiter = new Limiter(database, clock);
        this.clock = clock;
    }

    public ActionRegistry registry() {
        return registry;
    }

    public Outcome submit(Intent intent) {
        return submit(intent, null);
    }

    /**
     * Runs an intent another person approved as request {@code approvalId}. Only {@link Approvals}
     * calls this: the policy is decided again, and the request is claimed so it runs at most once.
     */
    Outcome submitApproved(Intent intent, String approvalId) {
        return submit(intent, approvalId);
    }

    /**
     * Runs one step of a plan whose caller already answered for every step: {@code grant} says
     * whether the plan was confirmed or approved, which then satisfies a step's confirm or approve.
     * A deny still wins, and a step needing more than the plan was granted is refused.
     */
    Outcome submitStep(Intent intent, Grant grant) {
        return submit(intent, null, grant);
    }

    /** What a plan was granted as a whole, for its steps. */
    enum Grant { NONE, CONFIRMED, APPROVED }

    AuditLog audit() {
        return audit;
    }

    /** Whether the intent's session has read content the policy does not trust. */
    public boolean isTainted(Intent intent) {
        return tainted.getIfPresent(intent.taintKey()) != null;
    }

    /** The policy in force now. */
    Policy policy() {
        return policy.get();
    }

    ConfirmationTokens confirmations() {
        return confirmations;
    }

    /**
     * Resolves, validates, assesses and decides {@code intent} without running or auditing it.
     * With {@code inputIncomplete} (a plan step whose input reads an earlier step's result), input
     * that fails its schema is not yet an error: the decision is then made at the action's declared risk.
     */
    Preflight preflight(Intent intent, boolean inputIncomplete) {
        var found = registry.find(intent.actionId());
        if (found.isEmpty()) {
            var closest = registry.closest(intent.actionId(), 3);
            return new Preflight.Refused("unknown_action", "There is no action called '" + intent.actionId() + "'.",
                    closest.isEmpty() ? "GET /v1/actions lists the catalog." : "Did you mean " + String.join(", ", closest) + "?",
                    List.of());
        }
        var action = found.get();
        var spec = action.spec();
        if (!intent.principal().mayCall(spec.id())) {
            return new Preflight.Refused("action_not_permitted", "This token may not call " + spec.id() + ".",
                    "Use a token whose action patterns include " + spec.id() + ".", List.of());
        }
        var violations = validator.validate(spec.id(), intent.input());
        Risk risk = spec.risk();
        boolean assessed = false;
        if (!violations.isEmpty() && !inputIncomplete) {
            return new Preflight.Refused("invalid_input", "The input does not match the schema of " + spec.id() + ".",
                    "Fix the fields listed in errors; GET /v1/actions/" + spec.id() + " shows the schema.",
                    violations.stream().map(v -> new Outcome.FieldError(v.path(), v.message())).toList());
        }
        if (violations.isEmpty()) {
            try (var recorder = journal.begin(intent.principal(), spec.id())) {
                risk = action.assess(new CallContext(recorder, clock.instant().plus(DEFAULT_DEADLINE), CallObserver.NONE,
                        caller(intent.principal())),
                        intent.input()).risk();
                assessed = true;
                recorder.abandon();
            } catch (ActionException e) {
                // A missing file or a changed one may be what an earlier step of the plan is about to
                // fix; only a refusal (outside the roots, a forbidden target) or bad input stops it now.
                var worldState = e.kind() == ErrorKind.NOT_FOUND || e.kind() == ErrorKind.CONFLICT;
                if (!inputIncomplete && !worldState) return new Preflight.Refused(e.code(), e.getMessage(), e.hint(), List.of());
            }
        }
        var decision = policy.get().decide(new DecisionRequest(intent.principal(), spec.id(), intent.input(), risk, Map.of(
                "origin", intent.origin().id(),
                "mode", intent.mode().name().toLowerCase(java.util.Locale.ROOT),
                "tainted", isTainted(intent))));
        return new Preflight.Decided(decision.effect(), decision.reason(), decision.rule(), risk, assessed,
                decision.approvers());
    }

    private Outcome submit(Intent intent, String approvalId) {
        return submit(intent, approvalId, Grant.NONE);
    }

    private Outcome submit(Intent intent, String approvalId, Grant grant) {
        var started = System.nanoTime();
        var trail = new Trail(intent, clock.instant(), started);
        trail.approvalId = approvalId;
        trail.grant = grant;
        try {
            return run(intent, trail);
        } catch (RuntimeException e) {
            // A bug in a stage must still leave an audit record and a usable answer.
            log.error("internal error while handling {}", intent.actionId(), e);
            return trail.failed(ErrorKind.INTERNAL, "internal_error", "Warden hit an internal error: " + e,
                    "Retry; if it persists, report it with the audit sequence number.", null);
        }
    }

    private Outcome run(Intent intent, Trail trail) {
        // 1 resolve
        var found = registry.find(intent.actionId());
        if (found.isEmpty()) {
            var closest = registry.closest(intent.actionId(), 3);
            var hint = closest.isEmpty()
                    ? "Call GET /v1/actions to see the catalog."
                    : "Did you mean " + String.join(", ", closest) + "? Call GET /v1/actions to see the catalog.";
            return trail.invalid("unknown_action", "There is no action called '" + intent.actionId() + "'.", hint, List.of());
        }
        var action = found.get();
        var spec = action.spec();
        trail.risk = spec.risk();

        if (!intent.principal().mayCall(spec.id())) {
            return trail.denied("action_not_permitted", "This token may not call " + spec.id() + ".",
                    "Use a token whose action patterns include " + spec.id() + ".", null);
        }

        // 2 validate
        var violations = validator.validate(spec.id(), intent.input());
        if (!violations.isEmpty()) {
            var errors = violations.stream().map(v -> new Outcome.FieldError(v.path(), v.message())).toList();
            return trail.invalid("invalid_input", "The input does not match the schema of " + spec.id() + ".",
                    "Fix the fields listed in errors; GET /v1/actions/" + spec.id() + " shows the schema.", errors);
        }

        // 3 guard
        try (var recorder = journal.begin(intent.principal(), spec.id())) {
            return guardAndRun(intent, trail, action, recorder);
        }
    }

    private Outcome guardAndRun(Intent intent, Trail trail, Action action, Journal.Recorder recorder) {
        var spec = action.spec();
        var ctx = new CallContext(recorder, trail.time.plus(DEFAULT_DEADLINE), intent.observer(), caller(intent.principal()));
        Assessment assessment;
        try {
            assessment = action.assess(ctx, intent.input());
        } catch (ActionException e) {
            recorder.abandon();
            return trail.fromException(e);
        }
        trail.risk = assessment.risk();

        // 4 decide
        var inForce = policy.get();
        var decision = inForce.decide(new DecisionRequest(intent.principal(), spec.id(), intent.input(),
                assessment.risk(), Map.of(
                        "origin", intent.origin().id(),
                        "mode", intent.mode().name().toLowerCase(java.util.Locale.ROOT),
                        "tainted", isTainted(intent))));
        trail.decision = decision;

        // 5 hold; a window closed now is said before anyone is asked to confirm
        var simulate = intent.mode() == Mode.SIMULATE;
        if (!simulate && decision.effect() != Effect.DENY) {
            var closed = limiter.window(inForce.limits(), spec.id());
            if (closed.isPresent()) {
                recorder.abandon();
                return trail.limited(closed.get());
            }
        }
        switch (decision.effect()) {
            case DENY -> {
                recorder.abandon();
                return trail.denied(decision.rule() == null ? "role_insufficient" : "policy_denied", decision.reason(),
                        "Ask an admin for a role or policy that allows " + spec.id() + ", or choose a less risky action.",
                        decision.rule());
            }
            case APPROVE -> {
                if (!simulate && trail.grant == Grant.CONFIRMED) {
                    recorder.abandon();
                    return trail.denied("approval_required", decision.reason(),
                            "This step needs another person's approval, which the plan did not ask for (its input was"
                                    + " only known once earlier steps ran): send this step on its own, or the plan again.",
                            decision.rule());
                }
                if (!simulate && trail.approvalId == null && trail.grant == Grant.NONE) {
                    recorder.abandon();
                    JsonNode preview;
                    try {
                        preview = preview(action, ctx, intent.input(), assessment);
                    } catch (ActionException e) {
                        return trail.fromException(e);
                    }
                    var request = approvals.open(new ApprovalStore.Request(spec.id(), intent.input(), intent.origin().id(),
                            intent.principal(), assessment.risk().id(), decision.reason(), decision.rule(), preview,
                            decision.approvers().count(), decision.approvers().role()));
                    return trail.pendingApproval(spec.id(), request.id(), request.expiresAt(), preview, decision.reason());
                }
            }
            case CONFIRM -> {
                // Another person's approval outweighs a confirmation the policy may ask for now.
                if (!simulate && trail.approvalId == null && trail.grant == Grant.NONE) {
                    if (intent.confirmToken() == null) {
                        recorder.abandon();
                        JsonNode preview;
                        try {
                            preview = preview(action, ctx, intent.input(), assessment);
                        } catch (ActionException e) {
                            // The dry run found the action cannot succeed: say so now rather than after a confirmation.
                            return trail.fromException(e);
                        }
                        var issued = confirmations.issue(intent.principal(), spec.id(), intent.input());
                        return trail.needsConfirmation(spec.id(), issued, preview, decision.reason());
                    }
                    try {
                        confirmations.redeem(intent.confirmToken(), intent.principal(), spec.id(), intent.input());
                    } catch (ActionException e) {
                        recorder.abandon();
                        return trail.fromException(e);
                    }
                }
            }
            case ALLOW -> { }
        }
        if (trail.approvalId != null && !simulate
                && !approvals.claim(trail.approvalId, intent.principal(), spec.id(), intent.input())) {
            recorder.abandon();
            return trail.denied("approval_not_valid", "Request " + trail.approvalId + " is not an approved, unspent approval of this intent.",
                    "Send the request again to ask for a new approval.", null);
        }

        // rate limits and the budget are spent only by what is about to run
        if (!simulate) {
            var limited = limiter.consume(inForce.limits(), intent.principal(), spec.id());
            if (limited.isPresent()) {
                recorder.abandon();
                return trail.limited(limited.get());
            }
        }

        // 6 execute (or simulate)
        JsonNode result;
        try {
            result = simulate ? preview(action, ctx, intent.input(), assessment) : action.execute(ctx, intent.input());
        } catch (ActionException e) {
            recorder.abandon();
            return trail.fromException(e);
        } catch (RuntimeException e) {
            recorder.abandon();
            log.error("{} failed unexpectedly", spec.id(), e);
            return trail.failed(ErrorKind.INTERNAL, "action_failed", spec.id() + " failed: " + e.getMessage(),
                    "Check the input and retry; the audit record holds the details.", null);
        }

        // Content Warden does not trust now sits in the caller's context: later decisions in this session see it.
        if (!simulate && inForce.untrusted().taints(spec.id(), intent.input(), result)) {
            tainted.put(intent.taintKey(), Boolean.TRUE);
        }

        // 7 journal: the undo entry is stored with the audit record, in the same transaction
        var undo = simulate ? null : recorder.seal()
                .map(s -> new UndoRow(s.id(), s.createdAt(), s.principalId(), s.action(), s.items()))
                .orElse(null);
        if (simulate) recorder.abandon();

        // 8 audit
        return trail.done(spec.id(), result, undo, simulate);
    }

    private static JsonNode preview(Action action, ActionContext ctx, JsonNode input, Assessment assessment) {
        return action.simulate(ctx, input).orElseGet(() -> {
            var node = Json.object();
            node.put("action", action.spec().id());
            node.set("input", input);
            node.put("risk", assessment.risk().id());
            node.put("effects", action.spec().effects().id());
            if (!assessment.reasons().isEmpty()) {
                var reasons = node.putArray("reasons");
                assessment.reasons().forEach(reasons::add);
            }
            node.put("note", action.spec().id() + " has no dry run; this is the call that would be made.");
            return node;
        });
    }

    private record CallContext(ChangeJournal journal, Instant deadline, CallObserver observer, Caller caller)
            implements ActionContext {}

    /** The principal as an action sees it: who owns what the call creates. */
    public static Caller caller(dev.warden.identity.Principal p) {
        return new Caller(p.id(), p.name(), p.project(), p.role().id());
    }

    /** Collects what the audit record needs as the intent moves through the stages, and writes it. */
    private final class Trail {
        final Intent intent;
        final Instant time;
        final long startedNanos;
        Risk risk;
        Decision decision;
        String approvalId;
        Grant grant = Grant.NONE;

        Trail(Intent intent, Instant time, long startedNanos) {
            this.intent = intent;
            this.time = time;
            this.startedNanos = startedNanos;
        }

        long record(String outcome, String code, JsonNode result, UndoRow undo) {
            var undoId = undo == null ? null : undo.id();
            var micros = (System.nanoTime() - startedNanos) / 1_000;
            var p = intent.principal();
            return audit.append(new AuditEntry(time, p.id(), p.name(), p.project(), intent.origin().id(),
                    intent.actionId(), intent.mode().name().toLowerCase(java.util.Locale.ROOT), intent.input(),
                    risk == null ? null : risk.id(),
                    decision == null ? null : decision.effect().id(),
                    decision == null ? null : approvalId == null ? decision.reason()
                            : decision.reason() + " [approval " + approvalId + "]",
                    outcome, code, result == null ? null : digest(result), micros, intent.traceId(), undoId), undo);
        }

        Outcome done(String actionId, JsonNode result, UndoRow undo, boolean simulated) {
            var seq = record(simulated ? "simulated" : "done", null, result, undo);
            return new Outcome.Done(actionId, result, risk, undo == null ? null : undo.id(), simulated, seq);
        }

        Outcome needsConfirmation(String actionId, ConfirmationTokens.Issued issued, JsonNode preview, String reason) {
            var seq = record("needs_confirmation", "confirmation_required", null, null);
            return new Outcome.NeedsConfirmation(actionId, issued.token(), issued.expiresAt(), preview, reason, risk, seq);
        }

        Outcome pendingApproval(String actionId, String id, Instant expiresAt, JsonNode preview, String reason) {
            var seq = record("pending_approval", "approval_required", null, null);
            return new Outcome.PendingApproval(actionId, id, expiresAt, preview, reason, risk, seq);
        }

        Outcome limited(Limiter.Refusal r) {
            var seq = record("limited", r.code(), null, null);
            return new Outcome.Limited(r.code(), r.detail(), r.hint(), r.retryAt(), seq);
        }

        Outcome denied(String code, String reason, String hint, String rule) {
            var seq = record("denied", code, null, null);
            return new Outcome.Denied(code, reason, hint, rule, seq);
        }

        Outcome invalid(String code, String detail, String hint, List<Outcome.FieldError> errors) {
            var seq = record("invalid", code, null, null);
            return new Outcome.Invalid(code, detail, hint, errors, seq);
        }

        Outcome failed(ErrorKind kind, String code, String detail, String hint, JsonNode details) {
            var seq = record("failed", code, null, null);
            return new Outcome.Failed(kind, code, detail, hint, details, seq);
        }

        Outcome fromException(ActionException e) {
            return switch (e.kind()) {
                case REFUSED -> denied(e.code(), e.getMessage(), e.hint(), null);
                case BAD_INPUT -> invalid(e.code(), e.getMessage(), e.hint(), List.of());
                default -> failed(e.kind(), e.code(), e.getMessage(), e.hint(), e.details());
            };
        }
    }

    static String digest(JsonNode result) {
        try {
            var sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(CanonicalJson.of(result).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
