package dev.warden.engine;

import dev.warden.action.ActionException;
import dev.warden.action.ErrorKind;
import dev.warden.action.Risk;
import dev.warden.approval.Approval;
import dev.warden.approval.ApprovalStore;
import dev.warden.audit.AuditEntry;
import dev.warden.identity.Principal;
import dev.warden.json.Json;
import dev.warden.plan.PlanParser;
import dev.warden.plan.PlanSpec;
import dev.warden.plan.References;
import dev.warden.policy.Effect;
import dev.warden.policy.Invariant;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Plans: several intents that answer as one. Before any step runs, every step is preflighted
 * (resolved, validated, guarded, decided); the strongest decision answers for the whole plan: a
 * deny refuses it naming the step, an approve holds the plan for another person, a confirm asks for
 * one confirmation of the plan. Then {@link PlanExecution} runs the steps, each a full intent
 * through the engine. The plan has its own audit record besides one per step.
 */
public final class Plans {
    public static final String ACTION = "plan";

    private final Engine engine;
    private final ApprovalStore approvals;
    private final Clock clock;
    private final int parallelism;

    /** {@code parallelism}: most steps running at once. The step limit and extra invariants come from the policy. */
    public Plans(Engine engine, ApprovalStore approvals, Clock clock, int parallelism) {
        this.engine = engine;
        this.approvals = approvals;
        this.clock = clock;
        this.parallelism = parallelism;
    }

    /**
     * Answers for the plan, and runs it when nothing holds it. {@code confirmToken} is the token of an
     * earlier answer that asked to confirm this exact plan; {@code events} receives a JSON event as
     * each step starts and ends (for a stream), and may be a no-op.
     */
    public Outcome submit(JsonNode planJson, Principal principal, Origin origin, String confirmToken, Consumer<JsonNode> events) {
        var started = System.nanoTime();
        var parsed = PlanParser.parse(planJson, engine.policy(principal.project()).maxPlanSteps());
        if (parsed.plan() == null) {
            var errors = parsed.problems().stream().map(p -> new Outcome.FieldError(p.path(), p.message())).toList();
            var seq = audit(principal, origin, planJson, false, null, null, "invalid", "invalid_plan", started);
            return new Outcome.Invalid("invalid_plan", "The plan cannot run as written.",
                    "Fix the problems listed in errors; steps need unique ids, dependsOn must name earlier steps and form no cycle.",
                    errors, seq);
        }
        var plan = parsed.plan();
        var invariantErrors = new ArrayList<Outcome.FieldError>();
        compile(plan, principal.project(), invariantErrors);
        if (!invariantErrors.isEmpty()) {
            var seq = audit(principal, origin, planJson, plan.simulate(), null, null, "invalid", "invalid_plan", started);
            return new Outcome.Invalid("invalid_plan", "An invariant's check is not a valid CEL condition.",
                    "Write each check as a condition over observation, e.g. observation.exists && observation.size > 0.",
                    invariantErrors, seq);
        }

        // Answer for every step before any runs.
        var checks = new ArrayList<StepCheck>();
        for (int i = 0; i < plan.steps().size(); i++) {
            var step = plan.steps().get(i);
            var intent = new Intent(step.action(), step.input(), principal, origin,
                    plan.simulate() ? Mode.SIMULATE : Mode.EXECUTE, null, null);
            var check = engine.preflight(intent, References.hasReferences(step.input()));
            if (check instanceof Preflight.Refused r) return refused(plan, planJson, principal, origin, step, r, started);
            checks.add(new StepCheck(step, (Preflight.Decided) check));
        }
        var strongest = checks.stream().map(c -> c.decided().effect()).reduce(Effect.ALLOW, Effect::strongest);
        var risk = checks.stream().map(c -> c.decided().risk()).reduce(Risk.READ, (a, b) -> b.atLeast(a) ? b : a);
        var deciding = checks.stream().filter(c -> c.decided().effect() == strongest).findFirst().orElseThrow();

        if (strongest == Effect.DENY) {
            var d = deciding.decided();
            var seq = audit(principal, origin, planJson, plan.simulate(), risk, strongest, "denied",
                    d.rule() == null ? "role_insufficient" : "policy_denied", started);
            return new Outcome.Denied(d.rule() == null ? "role_insufficient" : "policy_denied",
                    "Step '" + deciding.step().id() + "' (" + deciding.step().action() + ") is refused: " + d.reason(),
                    "Nothing ran. Remove or change that step, or ask an admin for a role or policy that allows it.",
                    d.rule(), seq);
        }
        var grant = Engine.Grant.NONE;
        if (!plan.simulate() && strongest == Effect.APPROVE) {
            var preview = preview(checks);
            var request = approvals.open(new ApprovalStore.Request(ACTION, planJson, origin.id(), principal, risk.id(),
                    "Step '" + deciding.step().id() + "': " + deciding.decided().reason(), deciding.decided().rule(), preview,
                    deciding.decided().approvers().count(), deciding.decided().approvers().role()));
            var seq = audit(principal, origin, planJson, false, risk, strongest, "pending_approval", "approval_required", started);
            return new Outcome.PendingApproval(ACTION, request.id(), request.expiresAt(), preview,
                    "Step '" + deciding.step().id() + "': " + deciding.decided().reason(), risk, seq);
        }
        if (!plan.simulate() && strongest == Effect.CONFIRM) {
            if (confirmToken == null) {
                var issued = engine.confirmations().issue(principal, ACTION, planJson);
                var seq = audit(principal, origin, planJson, false, risk, strongest, "needs_confirmation",
                        "confirmation_required", started);
                return new Outcome.NeedsConfirmation(ACTION, issued.token(), issued.expiresAt(), preview(checks),
                        "Step '" + deciding.step().id() + "': " + deciding.decided().reason(), risk, seq);
            }
            try {
                engine.confirmations().redeem(confirmToken, principal, ACTION, planJson);
            } catch (ActionException e) {
                var seq = audit(principal, origin, planJson, false, risk, strongest, "failed", e.code(), started);
                return new Outcome.Failed(e.kind(), e.code(), e.getMessage(), e.hint(), null, seq);
            }
            grant = Engine.Grant.CONFIRMED;
        }
        return run(plan, planJson, principal, origin, grant, risk, strongest, events, started);
    }

    /** Runs a plan another person approved (called by {@link Approvals} once the request has its votes). */
    Outcome runApproved(Approval approval) {
        var started = System.nanoTime();
        var requester = approval.requester();
        var origin = Approvals.originOf(approval.origin());
        if (!approvals.claim(approval.id(), requester, ACTION, approval.input())) {
            var seq = audit(requester, origin, approval.input(), false, null, Effect.APPROVE, "denied", "approval_not_valid", started);
            return new Outcome.Denied("approval_not_valid", "Request " + approval.id() + " is not an approved, unspent plan.",
                    "Send the plan again to ask for a new approval.", null, seq);
        }
        var parsed = PlanParser.parse(approval.input(), engine.policy(requester.project()).maxPlanSteps());
        if (parsed.plan() == null) {
            var seq = audit(requester, origin, approval.input(), false, null, Effect.APPROVE, "invalid", "invalid_plan", started);
            return new Outcome.Invalid("invalid_plan", "The approved plan no longer validates (the policy's maxSteps changed?).",
                    "Send the plan again.", List.of(), seq);
        }
        return run(parsed.plan(), approval.input(), requester, origin, Engine.Grant.APPROVED,
                Risk.parse(approval.risk()), Effect.APPROVE, e -> { }, started);
    }

    private Outcome run(PlanSpec plan, JsonNode planJson, Principal principal, Origin origin, Engine.Grant grant, Risk risk,
                        Effect effect, Consumer<JsonNode> events, long started) {
        var report = new PlanExecution(engine, plan, compile(plan, principal.project(), new ArrayList<>()), principal, origin, grant, parallelism,
                events).run();
        var ok = "completed".equals(report.path("status").asString());
        var outcome = ok ? (plan.simulate() ? "simulated" : "done") : "failed";
        var seq = audit(principal, origin, planJson, plan.simulate(), risk, effect, outcome, ok ? null : "plan_failed", started);
        report.put("auditSeq", seq);
        if (ok) return new Outcome.Done(ACTION, report, risk, null, plan.simulate(), seq);
        return new Outcome.Failed(ErrorKind.CONFLICT, "plan_failed", report.path("summary").asString(),
                plan.mode() == PlanSpec.Mode.ATOMIC
                        ? "Every completed step was undone unless listed under notUndone; details has each step's outcome."
                        : "details has each step's outcome; steps that depended on a failed one did not run.",
                report, seq);
    }

    private Outcome refused(PlanSpec plan, JsonNode planJson, Principal principal, Origin origin, PlanSpec.Step step,
                            Preflight.Refused r, long started) {
        var index = plan.steps().indexOf(step);
        var at = "$.steps[?(@.id=='" + step.id() + "')]";
        var detail = "Step '" + step.id() + "' (" + step.action() + "): " + r.detail();
        if (r.code().equals("unknown_action") || r.code().equals("invalid_input")) {
            var errors = r.errors().isEmpty() ? List.of(new Outcome.FieldError(at + ".action", r.detail()))
                    : r.errors().stream().map(e -> new Outcome.FieldError(at + ".input" + e.path().substring(1), e.message())).toList();
            var seq = audit(principal, origin, planJson, plan.simulate(), null, null, "invalid", r.code(), started);
            return new Outcome.Invalid(r.code(), detail, r.hint(), errors, seq);
        }
        var seq = audit(principal, origin, planJson, plan.simulate(), null, null, "denied", r.code(), started);
        assert index >= 0;
        return new Outcome.Denied(r.code(), detail, "Nothing ran. " + r.hint(), null, seq);
    }

    /**
     * The plan's invariants compiled, then the policy's (named {@code policy:NAME}); a problem for each
     * of the plan's that does not compile (the policy's were checked when it was loaded).
     */
    private List<PlanExecution.Check> compile(PlanSpec plan, String project, List<Outcome.FieldError> errors) {
        var checks = new ArrayList<PlanExecution.Check>();
        for (int i = 0; i < plan.invariants().size(); i++) {
            var spec = plan.invariants().get(i);
            var result = Invariant.compile(spec.name(), spec.check());
            if (result.invariant() != null) checks.add(new PlanExecution.Check(spec.name(), spec.observe(), result.invariant()));
            for (var e : result.errors()) errors.add(new Outcome.FieldError("$.invariants[" + i + "].check", e));
        }
        for (var inv : engine.policy(project).invariants()) {
            checks.add(new PlanExecution.Check("policy:" + inv.name(), inv.observe(), inv.invariant()));
        }
        return checks;
    }

    private static ObjectNode preview(List<StepCheck> checks) {
        var node = Json.object();
        var steps = node.putArray("steps");
        for (var c : checks) {
            var s = steps.addObject();
            s.put("id", c.step().id());
            s.put("action", c.step().action());
            s.set("input", c.step().input());
            s.put("risk", c.decided().risk().id());
            s.put("decision", c.decided().effect().id());
            if (c.decided().reason() != null) s.put("reason", c.decided().reason());
            if (!c.decided().assessed()) s.put("note", "input depends on earlier steps; judged at the action's declared risk");
        }
        return node;
    }

    private long audit(Principal p, Origin origin, JsonNode planJson, boolean simulate, Risk risk, Effect effect,
                       String outcome, String code, long startedNanos) {
        return engine.audit().append(new AuditEntry(clock.instant(), p.id(), p.name(), p.project(), origin.id(), ACTION,
                simulate ? "simulate" : "execute", planJson, risk == null ? null : risk.id(),
                effect == null ? null : effect.id(), null, outcome, code, null,
                (System.nanoTime() - startedNanos) / 1_000, null, null));
    }

    private record StepCheck(PlanSpec.Step step, Preflight.Decided decided) {}
}
