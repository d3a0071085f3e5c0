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
import dev.warden.audit.AuditLog;
import dev.warden.audit.UndoRow;
import dev.warden.approval.ApprovalStore;
import dev.warden.identity.Principal;
import dev.warden.identity.ProjectStates;
import dev.warden.json.Json;
import dev.warden.journal.Journal;
import dev.warden.policy.ConfirmationTokens;
import dev.warden.policy.DecisionRequest;
import dev.warden.policy.Decision;
import dev.warden.policy.Effect;
import io.opentelemetry.api.trace.Tracer;
import dev.warden.policy.Policy;
import dev.warden.store.Database;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
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
    /** The policy that decides for a project (its own, or the main one). */
    private final Function<String, Policy> policy;
    private final ConfirmationTokens confirmations;
    private final Journal journal;
    private final AuditLog audit;
    private final ApprovalStore approvals;
    private final Limiter limiter;
    private final EngineObserver observer;
    private final Tracer tracer;
    private final ProjectStates projects;
    /** Sessions that read untrusted content, until a day after the last such read. */
    private final com.github.benmanes.caffeine.cache.Cache<String, Boolean> tainted =
            com.github.benmanes.caffeine.cache.Caffeine.newBuilder().expireAfterWrite(Duration.ofDays(1)).maximumSize(100_000).build();
    private final Clock clock;

    public Engine(ActionRegistry registry, InputValidator validator, Function<String, Policy> policy,
                  ConfirmationTokens confirmations, Journal journal, AuditLog audit, ApprovalStore approvals,
                  Database database, EngineObserver observer, Tracer tracer, Clock clock) {
        this(registry, validator, policy, confirmations, journal, audit, approvals, database, observer, tracer, clock, ProjectStates.ALL_ACTIVE);
    }

    public Engine(ActionRegistry registry, InputValidator validator, Function<String, Policy> policy,
                  ConfirmationTokens confirmations, Journal journal, AuditLog audit, ApprovalStore approvals,
                  Database database, EngineObserver observer, Tracer tracer, Clock clock, ProjectStates projects) {
        this.projects = projects;
        this.registry = registry;
        this.validator = validator;
        this.policy = policy;
        this.confirmations = confirmations;
        this.journal = journal;
        this.audit = audit;
        this.approvals = approvals;
        this.limiter = new Limiter(database, clock);
        this.observer = observer;
        this.tracer = tracer;
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

    /** Records that approved request {@code approvalId} was refused before it ran (its requester no longer stands). */
    Outcome refuseApproved(Intent intent, String approvalId, String reason, String code, String hint) {
        var trail = new Trail(audit, observer, tracer, intent, clock.instant(), System.nanoTime());
        trail.approvalId = approvalId;
        registry.find(intent.actionId()).ifPresent(a -> trail.risk = a.spec().risk());
        var outcome = trail.denied(code, reason + " [approval " + approvalId + "]", hint, null);
        observer.outcome(intent, outcome, null, 0);
        return outcome;
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

    /**
     * Whether {@code principal} could ever run {@code action}: its token's action patterns admit it
     * and the lowest risk a call of it can be assessed at is within the role's ceiling in the
     * project's policy. What a front offers (MCP's tool list, the agent's tools); every call is still
     * decided on its own.
     */
    public boolean offers(Principal principal, Action action) {
        return principal.mayCall(action.spec().id())
                && policy(principal.project()).maxRisk(principal.role()).atLeast(action.lowestRisk());
    }

    /** Whether the intent's session has read content the policy does not trust. */
    public boolean isTainted(Intent intent) {
        return tainted.getIfPresent(intent.taintKey()) != null;
    }

    /** The policy in force now. */
    Policy policy(String project) {
        return policy.apply(project);
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
        var lifecycle = lifecycleRefusal(intent.principal(), risk);
        if (lifecycle != null) return new Preflight.Refused(lifecycle.code(), lifecycle.reason(), lifecycle.hint(), List.of());
        var decision = policy.apply(intent.principal().project()).decide(new DecisionRequest(intent.principal(), spec.id(), intent.input(), risk, Map.of(
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
        // The intent's span is a child of the front's (a REST request's, itself continuing an incoming traceparent).
        var span = tracer.spanBuilder("warden.intent")
                .setAttribute("warden.action", intent.actionId())
                .setAttribute("warden.principal", intent.principal().name())
                .setAttribute("warden.origin", intent.origin().id())
                .startSpan();
        var trail = new Trail(audit, observer, tracer, intent, clock.instant(), started);
        trail.approvalId = approvalId;
        trail.grant = grant;
        trail.traceId = intent.traceId() != null ? intent.traceId()
                : span.getSpanContext().isValid() ? span.getSpanContext().getTraceId() : null;
        Outcome outcome;
        var logContext = LogContext.of(intent, trail.traceId);
        try (var scope = span.makeCurrent(); logContext) {
            try {
                outcome = run(intent, trail);
            } catch (RuntimeException e) {
                // A bug in a stage must still leave an audit record and a usable answer.
                log.error("internal error while handling {}", intent.actionId(), e);
                outcome = trail.failed(ErrorKind.INTERNAL, "internal_error", "Warden hit an internal error: " + e,
                        "Retry; if it persists, report it with the audit sequence number.", null);
            }
        } finally {
            span.end();
        }
        span.setAttribute("warden.audit_seq", outcome.auditSeq());
        observer.outcome(intent, outcome, trail.decision == null ? null : trail.decision.effect(), System.nanoTime() - started);
        return outcome;
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
        List<InputValidator.Violation> violations;
        try (var stage = Stage.open(tracer, "validate")) {
            violations = validator.validate(spec.id(), intent.input());
        }
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
            try (var stage = Stage.open(tracer, "guard")) {
                assessment = action.assess(ctx, intent.input());
            }
        } catch (ActionException e) {
            recorder.abandon();
            return trail.fromException(e);
        }
        trail.risk = assessment.risk();

        // the project's lifecycle: locked lets only reads run, archived nothing
        var lifecycle = lifecycleRefusal(intent.principal(), assessment.risk());
        if (lifecycle != null) {
            recorder.abandon();
            return trail.denied(lifecycle.code(), lifecycle.reason(), lifecycle.hint(), null);
        }

        // 4 decide
        var inForce = policy.apply(intent.principal().project());
        Decision decision;
        try (var stage = Stage.open(tracer, "decide")) {
            decision = inForce.decide(new DecisionRequest(intent.principal(), spec.id(), intent.input(),
                    assessment.risk(), Map.of(
                            "origin", intent.origin().id(),
                            "mode", intent.mode().name().toLowerCase(java.util.Locale.ROOT),
                            "tainted", isTainted(intent))));
        }
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
        try (var stage = Stage.open(tracer, "execute")) {
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
        UndoRow undo;
        try (var stage = Stage.open(tracer, "journal")) {
            undo = simulate ? null : recorder.seal()
                    .map(s -> new UndoRow(s.id(), s.createdAt(), s.principalId(), s.action(), s.items()))
                    .orElse(null);
        }
        if (simulate) recorder.abandon();

        // 8 audit
        return trail.done(spec.id(), result, undo, simulate);
    }

    private record Refusal(String code, String reason, String hint) {}

    private Refusal lifecycleRefusal(Principal principal, Risk risk) {
        var project = principal.project();
        return switch (projects.state(project)) {
            case ACTIVE -> null;
            case LOCKED -> risk == Risk.READ ? null : new Refusal("project_locked",
                    "Project " + project + " is locked: only reads may run in it.",
                    "Read instead, or ask a system admin to set project " + project + " active again.");
            case ARCHIVED -> new Refusal("project_archived", "Project " + project + " is archived: nothing runs in it.",
                    "Ask a system admin to set project " + project + " active again, or use a token of another project.");
        };
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

    private record CallContext(ChangeJournal journal, Instant deadline, CallObserver observer, Caller caller,
                               Map<Object, Object> done) implements ActionContext {
        CallContext(ChangeJournal journal, Instant deadline, CallObserver observer, Caller caller) {
            this(journal, deadline, observer, caller, new ConcurrentHashMap<>(4));
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T once(Object key, Supplier<T> work) {
            // A failed computation stores nothing: the next stage tries again and fails the same way.
            return (T) done.computeIfAbsent(key, k -> work.get());
        }
    }

    /** The principal as an action sees it: who owns what the call creates. */
    public static Caller caller(dev.warden.identity.Principal p) {
        return new Caller(p.id(), p.name(), p.project(), p.role().id());
    }

}
