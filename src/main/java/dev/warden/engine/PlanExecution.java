package dev.warden.engine;

import dev.warden.identity.Principal;
import dev.warden.json.Json;
import dev.warden.plan.PlanSpec;
import dev.warden.plan.References;
import dev.warden.policy.Invariant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs one plan's steps: each as soon as the steps it depends on are done, at most
 * {@code parallelism} at once, each a full intent through the engine. In atomic mode the first
 * failure stops new steps and, once the running ones end, every completed step is undone in reverse
 * order of completion through {@code journal.undo}; what cannot be undone is reported, never hidden.
 */
final class PlanExecution {
    private enum Status { PENDING, RUNNING, DONE, FAILED, SKIPPED }

    private static final class StepState {
        final PlanSpec.Step step;
        Status status = Status.PENDING;
        Outcome outcome;
        String note;
        String rollback;

        StepState(PlanSpec.Step step) {
            this.step = step;
        }
    }

    private final Engine engine;
    private final PlanSpec plan;
    private final Principal principal;
    private final Origin origin;
    private final Engine.Grant grant;
    private final int parallelism;
    private final Consumer<JsonNode> events;
    private final Map<String, StepState> states = new LinkedHashMap<>();
    private final List<StepState> completed = new ArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private int running;
    private boolean stopped;

    /** One post-condition to check after the steps: what to observe and the compiled check. */
    record Check(String name, JsonNode observe, Invariant invariant) {}

    private final List<Check> invariants;

    /** {@code invariants}: the plan's and the policy's, compiled. */
    PlanExecution(Engine engine, PlanSpec plan, List<Check> invariants, Principal principal, Origin origin,
                  Engine.Grant grant, int parallelism, Consumer<JsonNode> events) {
        this.engine = engine;
        this.invariants = List.copyOf(invariants);
        this.plan = plan;
        this.principal = principal;
        this.origin = origin;
        this.grant = grant;
        this.parallelism = Math.max(1, parallelism);
        this.events = events;
        plan.steps().forEach(s -> states.put(s.id(), new StepState(s)));
    }

    ObjectNode run() {
        lock.lock();
        try {
            while (true) {
                schedule();
                if (running == 0 && states.values().stream().noneMatch(s -> s.status == Status.PENDING)) break;
                changed.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
        var failed = states.values().stream().anyMatch(s -> s.status != Status.DONE);
        var checked = Json.array();
        String violated = null;
        if (!failed && !plan.simulate()) violated = checkInvariants(checked);
        failed |= violated != null;
        var notUndone = Json.array();
        if (failed && plan.mode() == PlanSpec.Mode.ATOMIC && !plan.simulate()) rollback(notUndone);
        var report = report(failed, notUndone, violated);
        if (!invariants.isEmpty()) {
            report.set("invariants", checked);
            if (plan.simulate()) report.put("invariantsNote", "invariants are not checked in a simulation: nothing changed");
        }
        return report;
    }

    /** Observes and checks each invariant after the steps; the name of the first violated one, or null. */
    private String checkInvariants(tools.jackson.databind.node.ArrayNode checked) {
        var observations = new Observations(engine);
        String violated = null;
        for (var spec : invariants) {
            var observation = observations.observe(spec.observe(), principal, origin);
            // What could not be observed cannot be shown to hold.
            var verdict = observation.path("ok").asBoolean(false) ? spec.invariant().evaluate(observation)
                    : new Invariant.Verdict(false, "the observation failed: " + observation.path("code").asString("unknown"));
            var item = checked.addObject();
            item.put("name", spec.name());
            item.put("check", spec.invariant().check());
            item.put("holds", verdict.holds());
            if (verdict.error() != null) item.put("error", verdict.error());
            item.set("observation", observation);
            var event = Json.object().put("event", "invariant").put("name", spec.name()).put("holds", verdict.holds());
            try {
                events.accept(event);
            } catch (RuntimeException e) {
                // as for steps: a gone listener does not stop the plan
            }
            if (!verdict.holds() && violated == null) violated = spec.name();
        }
        return violated;
    }

    /** Under the lock: skips what can no longer run, starts what is ready, within the parallelism. */
    private void schedule() {
        for (var s : states.values()) {
            if (s.status != Status.PENDING) continue;
            if (stopped) {
                skip(s, "not run: the plan stopped after a failure");
                continue;
            }
            var blocker = s.step.dependsOn().stream().map(states::get)
                    .filter(d -> d.status == Status.FAILED || d.status == Status.SKIPPED).findFirst();
            if (blocker.isPresent()) {
                skip(s, "not run: step '" + blocker.get().step.id() + "' it depends on did not complete");
                continue;
            }
            var ready = s.step.dependsOn().stream().allMatch(d -> states.get(d).status == Status.DONE);
            if (ready && running < parallelism) {
                s.status = Status.RUNNING;
                running++;
                var inputs = new HashMap<String, JsonNode>();
                states.values().stream().filter(d -> d.status == Status.DONE)
                        .forEach(d -> inputs.put(d.step.id(), ((Outcome.Done) d.outcome).result()));
                emit("step", s, "running");
                Thread.startVirtualThread(() -> execute(s, inputs));
            }
        }
    }

    private void skip(StepState s, String why) {
        s.status = Status.SKIPPED;
        s.note = why;
        emit("step", s, "skipped");
    }

    private void execute(StepState s, Map<String, JsonNode> results) {
        Outcome outcome;
        String note = null;
        try {
            var input = References.resolve(s.step.input(), results);
            var intent = new Intent(s.step.action(), input, principal, origin,
                    plan.simulate() ? Mode.SIMULATE : Mode.EXECUTE, null, null);
            outcome = engine.submitStep(intent, grant);
        } catch (References.Unresolved e) {
            outcome = null;
            note = "unresolved_reference: " + e.getMessage();
        } catch (RuntimeException e) {
            outcome = null;
            note = "internal_error: " + e;
        }
        lock.lock();
        try {
            s.outcome = outcome;
            s.note = note;
            s.status = outcome instanceof Outcome.Done ? Status.DONE : Status.FAILED;
            if (s.status == Status.DONE) completed.add(s);
            else if (plan.mode() == PlanSpec.Mode.ATOMIC) stopped = true;
            running--;
            emit("step", s, s.status == Status.DONE ? "done" : "failed");
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Undoes completed steps, newest first. A confirmed or approved plan's rollback is covered by that grant. */
    private void rollback(tools.jackson.databind.node.ArrayNode notUndone) {
        var rollbackGrant = grant == Engine.Grant.NONE ? Engine.Grant.CONFIRMED : grant;
        for (int i = completed.size() - 1; i >= 0; i--) {
            var s = completed.get(i);
            var done = (Outcome.Done) s.outcome;
            if (done.undoId() == null) {
                var readOnly = engine.registry().find(s.step.action()).map(a -> a.spec().readOnly()).orElse(false);
                if (!readOnly) {
                    s.rollback = "not undoable";
                    notUndone.addObject().put("id", s.step.id())
                            .put("reason", s.step.action() + " keeps no undo record (its effects cannot be reversed by Warden)");
                }
                continue;
            }
            var undo = engine.submitStep(Intent.execute("journal.undo", Json.object().put("undoId", done.undoId()), principal,
                    origin), rollbackGrant);
            if (undo instanceof Outcome.Done) {
                s.rollback = "undone";
                emit("rollback", s, "undone");
            } else {
                s.rollback = "undo failed";
                var error = Approvals.summary(undo);
                // Every entry carries a reason, whether the step kept no undo record or its undo was refused.
                notUndone.addObject().put("id", s.step.id()).put("undoId", done.undoId())
                        .put("reason", error.path("detail").asString("the undo answered " + error.path("status").asString()))
                        .set("error", error);
                emit("rollback", s, "failed");
            }
        }
    }

    private ObjectNode report(boolean failed, tools.jackson.databind.node.ArrayNode notUndone, String violated) {
        var node = Json.object();
        var atomicRollback = failed && plan.mode() == PlanSpec.Mode.ATOMIC && !plan.simulate();
        node.put("status", !failed ? "completed" : atomicRollback && notUndone.isEmpty() ? "rolledBack" : "failed");
        node.put("mode", plan.mode().id());
        node.put("simulate", plan.simulate());
        var counts = new LinkedHashMap<Status, Integer>();
        states.values().forEach(s -> counts.merge(s.status, 1, Integer::sum));
        var firstFailure = states.values().stream().filter(s -> s.status == Status.FAILED).findFirst();
        node.put("summary", !failed ? "All " + states.size() + " steps completed."
                : violated != null ? "All steps completed but invariant '" + violated + "' does not hold"
                        + (atomicRollback ? ", so " + (notUndone.isEmpty() ? "every step was undone." : "the steps were undone except "
                        + notUndone.size() + ".") : ".")
                : firstFailure.map(f -> "Step '" + f.step.id() + "' failed" + (f.outcome == null ? ": " + f.note
                        : " (" + Approvals.summary(f.outcome).path("code").asString("") + ")")).orElse("Some steps did not run")
                        + "; " + counts.getOrDefault(Status.DONE, 0) + " of " + states.size() + " steps completed"
                        + (atomicRollback ? ", " + (notUndone.isEmpty() ? "all undone." : notUndone.size() + " could not be undone.") : "."));
        var steps = node.putArray("steps");
        for (var s : states.values()) {
            var item = steps.addObject();
            item.put("id", s.step.id());
            item.put("action", s.step.action());
            item.put("status", s.status.name().toLowerCase(java.util.Locale.ROOT));
            if (s.outcome != null) {
                var summary = Approvals.summary(s.outcome);
                item.put("auditSeq", s.outcome.auditSeq());
                if (s.outcome instanceof Outcome.Done d) {
                    item.set("result", d.result());
                    if (d.undoId() != null) item.put("undoId", d.undoId());
                } else {
                    item.set("error", summary);
                }
            }
            if (s.note != null) item.put("note", s.note);
            if (s.rollback != null) item.put("rollback", s.rollback);
        }
        if (atomicRollback) node.set("notUndone", notUndone);
        return node;
    }

    private void emit(String event, StepState s, String status) {
        var node = Json.object();
        node.put("event", event);
        node.put("id", s.step.id());
        node.put("action", s.step.action());
        node.put("status", status);
        if (s.note != null) node.put("note", s.note);
        try {
            events.accept(node);
        } catch (RuntimeException e) {
            // A listener that went away (a closed stream) must not stop the plan.
        }
    }
}
