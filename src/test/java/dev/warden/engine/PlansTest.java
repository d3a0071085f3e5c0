package dev.warden.engine;

import static dev.warden.engine.EngineFixture.ADMIN;
import static dev.warden.engine.EngineFixture.OPERATOR;
import static dev.warden.engine.EngineFixture.VIEWER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.approval.ApprovalStatus;
import dev.warden.identity.Principal;
import dev.warden.identity.Role;
import dev.warden.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Plans through a real engine: one answer for all steps before any runs, then DAG order, rollback, references. */
class PlansTest {
    @TempDir
    Path temp;

    EngineFixture w;
    Plans plans;
    final List<JsonNode> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void open() {
        w = new EngineFixture(temp);
        plans = w.warden.plans();
    }

    @AfterEach
    void close() {
        w.close();
    }

    private Outcome submit(Principal who, String plan) {
        return plans.submit(Json.parse(plan), who, Origin.INTERNAL, null, events::add);
    }

    @Test
    void stepsRunInDependencyOrderAndALaterStepReadsAnEarlierResult() throws Exception {
        var outcome = submit(OPERATOR, """
                {"mode": "atomic", "steps": [
                  {"id": "read", "action": "fs.read", "input": {"path": "${steps.write.result.path}"}, "dependsOn": ["write"]},
                  {"id": "write", "action": "fs.write", "input": {"path": "a.txt", "content": "alpha\\n"}},
                  {"id": "copy", "action": "fs.copy", "input": {"from": "a.txt", "to": "b.txt"}, "dependsOn": ["write"]}
                ]}""");
        var done = (Outcome.Done) outcome;
        assertThat(done.actionId()).isEqualTo("plan");
        var report = done.result();
        assertThat(report.path("status").asString()).isEqualTo("completed");
        var steps = report.path("steps");
        assertThat(steps.valueStream().map(s -> s.path("id").asString())).containsExactly("write", "read", "copy");
        assertThat(steps.get(1).path("result").path("content").asString()).isEqualTo("alpha\n");
        assertThat(steps.get(0).path("undoId").asString()).startsWith("u_");
        assertThat(Files.readString(w.root.resolve("b.txt"))).isEqualTo("alpha\n");

        // One record for the plan, one per step.
        var record = w.record(done.auditSeq());
        assertThat(record.action()).isEqualTo("plan");
        assertThat(record.outcome()).isEqualTo("done");
        assertThat(steps.valueStream().map(s -> w.record(s.path("auditSeq").asLong()).action()))
                .containsExactly("fs.write", "fs.read", "fs.copy");
        assertThat(events).filteredOn(e -> e.path("status").asString().equals("done")).hasSize(3);
    }

    @Test
    void anAtomicPlanUndoesEveryCompletedStepWhenOneFailsAndTheBytesAreAsBefore() throws Exception {
        Files.writeString(w.root.resolve("keep.txt"), "original bytes\n");
        var before = Files.readAllBytes(w.root.resolve("keep.txt"));
        var outcome = submit(OPERATOR, """
                {"mode": "atomic", "steps": [
                  {"id": "edit", "action": "fs.write", "input": {"path": "keep.txt", "content": "changed\\n"}},
                  {"id": "add", "action": "fs.write", "input": {"path": "new.txt", "content": "new\\n"}, "dependsOn": ["edit"]},
                  {"id": "boom", "action": "fs.edit", "input": {"path": "keep.txt", "oldText": "not there", "newText": "x"},
                   "dependsOn": ["add"]},
                  {"id": "after", "action": "fs.write", "input": {"path": "after.txt", "content": "x"}, "dependsOn": ["boom"]}
                ]}""");
        var failed = (Outcome.Failed) outcome;
        assertThat(failed.code()).isEqualTo("plan_failed");
        var report = failed.details();
        assertThat(report.path("status").asString()).isEqualTo("rolledBack");
        assertThat(report.path("notUndone")).isEmpty();
        assertThat(report.path("summary").asString()).contains("boom").contains("all undone");
        var byId = new java.util.HashMap<String, JsonNode>();
        report.path("steps").forEach(s -> byId.put(s.path("id").asString(), s));
        assertThat(byId.get("boom").path("status").asString()).isEqualTo("failed");
        assertThat(byId.get("after").path("status").asString()).isEqualTo("skipped");
        assertThat(byId.get("edit").path("rollback").asString()).isEqualTo("undone");
        assertThat(Files.readAllBytes(w.root.resolve("keep.txt"))).isEqualTo(before);
        assertThat(w.root.resolve("new.txt")).doesNotExist();
        assertThat(w.root.resolve("after.txt")).doesNotExist();
        assertThat(w.record(failed.auditSeq()).code()).isEqualTo("plan_failed");
    }

    @Test
    void anAtomicRollbackReportsWhatItCouldNotUndo() {
        var failed = (Outcome.Failed) submit(ADMIN, """
                {"mode": "atomic", "steps": [
                  {"id": "run", "action": "shell.exec", "input": {"command": "echo hi > ran.txt"}},
                  {"id": "boom", "action": "fs.read", "input": {"path": "missing.txt"}, "dependsOn": ["run"]}
                ]}""");
        var report = failed.details();
        assertThat(report.path("status").asString()).isEqualTo("failed");
        assertThat(report.path("notUndone").get(0).path("id").asString()).isEqualTo("run");
        assertThat(report.path("notUndone").get(0).path("reason").asString()).contains("no undo");
    }

    @Test
    void bestEffortRunsIndependentStepsAndSkipsOnlyDependentsOfAFailure() throws Exception {
        var failed = (Outcome.Failed) submit(OPERATOR, """
                {"mode": "bestEffort", "steps": [
                  {"id": "bad", "action": "fs.read", "input": {"path": "missing.txt"}},
                  {"id": "child", "action": "fs.write", "input": {"path": "child.txt", "content": "c"}, "dependsOn": ["bad"]},
                  {"id": "other", "action": "fs.write", "input": {"path": "other.txt", "content": "o"}}
                ]}""");
        var report = failed.details();
        assertThat(report.path("status").asString()).isEqualTo("failed");
        assertThat(report.has("notUndone")).isFalse();
        assertThat(Files.readString(w.root.resolve("other.txt"))).isEqualTo("o");
        assertThat(w.root.resolve("child.txt")).doesNotExist();
    }

    @Test
    void aStepTheRoleOrPolicyRefusesRefusesThePlanBeforeAnyStepRuns() throws Exception {
        Files.createDirectories(w.root.resolve("secrets"));
        var denied = (Outcome.Denied) submit(OPERATOR, """
                {"steps": [
                  {"id": "first", "action": "fs.write", "input": {"path": "first.txt", "content": "1"}},
                  {"id": "secret", "action": "fs.write", "input": {"path": "secrets/k", "content": "2"}}
                ]}""");
        assertThat(denied.code()).isEqualTo("policy_denied");
        assertThat(denied.reason()).contains("'secret'");
        assertThat(w.root.resolve("first.txt")).doesNotExist();
        assertThat(w.record(denied.auditSeq()).action()).isEqualTo("plan");

        var byRole = (Outcome.Denied) submit(VIEWER, """
                {"steps": [{"id": "w", "action": "fs.write", "input": {"path": "v.txt", "content": "1"}}]}""");
        assertThat(byRole.code()).isEqualTo("role_insufficient");

        var outside = (Outcome.Denied) submit(OPERATOR, """
                {"steps": [{"id": "w", "action": "fs.read", "input": {"path": "/etc/passwd"}}]}""");
        assertThat(outside.code()).isEqualTo("path_outside_roots");
    }

    @Test
    void aPlanWithAStepToConfirmAsksOnceAndRunsWithTheToken() throws Exception {
        Files.writeString(w.root.resolve("old.txt"), "bye");
        var plan = """
                {"steps": [
                  {"id": "note", "action": "fs.write", "input": {"path": "note.txt", "content": "n"}},
                  {"id": "del", "action": "fs.delete", "input": {"path": "old.txt"}, "dependsOn": ["note"]}
                ]}""";
        var held = (Outcome.NeedsConfirmation) submit(ADMIN, plan);
        assertThat(held.actionId()).isEqualTo("plan");
        assertThat(held.preview().path("steps").get(1).path("decision").asString()).isEqualTo("confirm");
        assertThat(w.root.resolve("note.txt")).doesNotExist();

        var done = (Outcome.Done) plans.submit(Json.parse(plan), ADMIN, Origin.INTERNAL, held.token(), e -> { });
        assertThat(done.result().path("status").asString()).isEqualTo("completed");
        assertThat(w.root.resolve("old.txt")).doesNotExist();
        // The token is spent, and it was bound to this plan.
        var replay = plans.submit(Json.parse(plan), ADMIN, Origin.INTERNAL, held.token(), e -> { });
        assertThat(replay).isInstanceOf(Outcome.Failed.class);
    }

    @Test
    void aPlanWithAStepToApproveIsHeldWholeAndRunsOnApprovalAsTheRequester() {
        var held = (Outcome.PendingApproval) submit(OPERATOR, """
                {"steps": [
                  {"id": "dir", "action": "fs.mkdir", "input": {"path": "made"}},
                  {"id": "file", "action": "fs.write", "input": {"path": "made/f.txt", "content": "f"}, "dependsOn": ["dir"]}
                ]}""");
        assertThat(w.root.resolve("made")).doesNotExist();
        var bea = new Principal("tok_b", "bea", Role.ADMIN, "default", Principal.Kind.TOKEN, List.of());
        var decided = w.warden.approvals().approve(bea, held.approvalId(), null, Origin.REST);
        assertThat(decided.status()).isEqualTo(ApprovalStatus.EXECUTED);
        assertThat(decided.result().path("status").asString()).isEqualTo("done");
        assertThat(w.root.resolve("made/f.txt")).hasContent("f");
        var stepRecord = w.audit.latest(10).stream().filter(r -> r.action().equals("fs.mkdir")).findFirst().orElseThrow();
        assertThat(stepRecord.principalName()).isEqualTo("olivia");
        assertThat(stepRecord.outcome()).isEqualTo("done");
    }

    @Test
    void simulateRunsEveryStepsDryRunAndChangesNothing() {
        var done = (Outcome.Done) submit(OPERATOR, """
                {"simulate": true, "steps": [
                  {"id": "a", "action": "fs.write", "input": {"path": "s.txt", "content": "s"}},
                  {"id": "b", "action": "fs.mkdir", "input": {"path": "sdir"}}
                ]}""");
        assertThat(done.simulated()).isTrue();
        assertThat(done.result().path("status").asString()).isEqualTo("completed");
        assertThat(w.root.resolve("s.txt")).doesNotExist();
        assertThat(w.root.resolve("sdir")).doesNotExist();
        assertThat(w.warden.approvals().list(ADMIN, null, 10)).isEmpty();
    }

    @Test
    void badPlansAreRefusedWithEveryProblemAndItsPath() {
        var cycle = (Outcome.Invalid) submit(OPERATOR, """
                {"steps": [
                  {"id": "a", "action": "fs.read", "input": {"path": "x"}, "dependsOn": ["b"]},
                  {"id": "b", "action": "fs.read", "input": {"path": "x"}, "dependsOn": ["a"]}
                ]}""");
        assertThat(cycle.code()).isEqualTo("invalid_plan");
        assertThat(cycle.errors()).anySatisfy(e -> assertThat(e.message()).contains("cycle").contains("a").contains("b"));

        var many = (Outcome.Invalid) submit(OPERATOR, """
                {"mode": "sometimes", "extra": 1, "steps": [
                  {"id": "a", "action": "fs.read", "input": {"path": "x"}, "dependsOn": ["zzz"]},
                  {"id": "a", "action": "fs.read"},
                  {"id": "9bad", "action": ""}
                ]}""");
        assertThat(many.errors()).extracting(Outcome.FieldError::path)
                .contains("$.mode", "$.extra", "$.steps[1].id", "$.steps[2].id", "$.steps[2].action");

        var unlisted = (Outcome.Invalid) submit(OPERATOR, """
                {"steps": [
                  {"id": "a", "action": "fs.write", "input": {"path": "x", "content": "1"}},
                  {"id": "b", "action": "fs.read", "input": {"path": "${steps.a.result.path}"}}
                ]}""");
        assertThat(unlisted.errors()).singleElement().satisfies(e -> assertThat(e.message()).contains("dependsOn"));

        var badInput = (Outcome.Invalid) submit(OPERATOR, """
                {"steps": [{"id": "a", "action": "fs.read", "input": {"pathh": "x"}}]}""");
        assertThat(badInput.code()).isEqualTo("invalid_input");
        assertThat(badInput.errors()).isNotEmpty().allSatisfy(e -> assertThat(e.path()).startsWith("$.steps[?(@.id=='a')].input"));

        var unknown = (Outcome.Invalid) submit(OPERATOR, """
                {"steps": [{"id": "a", "action": "fs.reed", "input": {}}]}""");
        assertThat(unknown.code()).isEqualTo("unknown_action");
        assertThat(unknown.hint()).contains("fs.read");
    }

    @Test
    void aReferenceToAMissingFieldFailsThatStep() {
        var failed = (Outcome.Failed) submit(OPERATOR, """
                {"mode": "atomic", "steps": [
                  {"id": "a", "action": "fs.write", "input": {"path": "r.txt", "content": "1"}},
                  {"id": "b", "action": "fs.read", "input": {"path": "${steps.a.result.nothing}"}, "dependsOn": ["a"]}
                ]}""");
        assertThat(failed.details().path("steps").get(1).path("note").asString()).startsWith("unresolved_reference");
        assertThat(w.root.resolve("r.txt")).doesNotExist();
    }

    @Test
    void thePolicyLimitsTheNumberOfSteps() {
        var steps = new StringBuilder();
        for (int i = 0; i < 51; i++) {
            if (i > 0) steps.append(',');
            steps.append("{\"id\":\"s").append(i).append("\",\"action\":\"fs.stat\",\"input\":{\"path\":\".\"}}");
        }
        var tooMany = (Outcome.Invalid) submit(OPERATOR, "{\"steps\":[" + steps + "]}");
        assertThat(tooMany.errors()).singleElement().satisfies(e -> assertThat(e.message()).contains("at most 50"));
    }

    @Test
    void invariantsAreObservedAfterTheStepsAndAViolationRollsBackAnAtomicPlan() throws Exception {
        var sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest("port=80\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        var held = (Outcome.Done) submit(ADMIN, """
                {"steps": [{"id": "conf", "action": "fs.write", "input": {"path": "app.conf", "content": "port=80\\n"}}],
                 "invariants": [
                   {"name": "written", "observe": {"file": "app.conf"}, "check": "observation.exists && observation.sha256 == '%s'"},
                   {"name": "disk", "observe": {"disk": "."}, "check": "observation.freeBytes > 0 && observation.usedPercent <= 100.0"},
                   {"name": "no-daemon", "observe": {"process": "no-such-daemon-x"}, "check": "!observation.running"},
                   {"name": "listing", "observe": {"action": "fs.list", "input": {"path": "."}}, "check": "observation.ok"}
                 ]}""".formatted(sha));
        assertThat(held.result().path("status").asString()).isEqualTo("completed");
        assertThat(held.result().path("invariants").valueStream().map(i -> i.path("holds").asBoolean())).containsOnly(true);

        Files.writeString(w.root.resolve("app.conf"), "port=80\n");
        var before = Files.readAllBytes(w.root.resolve("app.conf"));
        var failed = (Outcome.Failed) submit(ADMIN, """
                {"mode": "atomic", "steps": [
                   {"id": "conf", "action": "fs.write", "input": {"path": "app.conf", "content": "port=oops\\n"}},
                   {"id": "extra", "action": "fs.write", "input": {"path": "extra.txt", "content": "x"}}],
                 "invariants": [{"name": "valid-config", "observe": {"command": "grep -qE '^port=[0-9]+$' app.conf"},
                                 "check": "observation.exitCode == 0"}]}""");
        var report = failed.details();
        assertThat(report.path("status").asString()).isEqualTo("rolledBack");
        assertThat(report.path("summary").asString()).contains("valid-config");
        var check = report.path("invariants").get(0);
        assertThat(check.path("holds").asBoolean()).isFalse();
        assertThat(check.path("observation").path("exitCode").asInt()).isEqualTo(1);
        assertThat(Files.readAllBytes(w.root.resolve("app.conf"))).isEqualTo(before);
        assertThat(w.root.resolve("extra.txt")).doesNotExist();
    }

    @Test
    void anInvariantThatCannotBeCheckedCountsAsViolatedAndABadCheckIsRefusedUpFront() {
        var bad = (Outcome.Invalid) submit(OPERATOR, """
                {"steps": [{"id": "a", "action": "fs.stat", "input": {"path": "."}}],
                 "invariants": [{"name": "x", "observe": {"file": "a"}, "check": "observation.exists &&"}]}""");
        assertThat(bad.errors()).singleElement().satisfies(e -> assertThat(e.path()).isEqualTo("$.invariants[0].check"));

        var shape = (Outcome.Invalid) submit(OPERATOR, """
                {"steps": [{"id": "a", "action": "fs.stat", "input": {"path": "."}}],
                 "invariants": [{"name": "x", "observe": {"file": "a", "command": "b"}, "check": "true"}]}""");
        assertThat(shape.errors()).extracting(Outcome.FieldError::path).containsExactly("$.invariants[0].observe");

        var writer = (Outcome.Failed) submit(OPERATOR, """
                {"mode": "bestEffort", "steps": [{"id": "a", "action": "fs.stat", "input": {"path": "."}}],
                 "invariants": [
                   {"name": "sneaky", "observe": {"action": "fs.write", "input": {"path": "w.txt", "content": "x"}}, "check": "true"},
                   {"name": "typo", "observe": {"file": "."}, "check": "observation.nosuchfield == 1"}]}""");
        var checks = writer.details().path("invariants");
        assertThat(checks.get(0).path("holds").asBoolean()).isFalse();
        assertThat(checks.get(0).path("observation").path("code").asString()).isEqualTo("observation_not_read_only");
        assertThat(checks.get(1).path("holds").asBoolean()).isFalse();
        assertThat(checks.get(1).path("error").asString()).contains("could not be evaluated");
        assertThat(w.root.resolve("w.txt")).doesNotExist();
    }

    @Test
    void thePolicysInvariantsAreCheckedAfterEveryPlan() throws Exception {
        w.close();
        w = new EngineFixture(temp.resolve("strict"), EngineFixture.POLICY + """
                plans:
                  maxSteps: 2
                invariants:
                  - name: no-core-dumps
                    observe:
                      file: core
                    check: '!observation.exists'
                """);
        plans = w.warden.plans();
        var fine = (Outcome.Done) submit(OPERATOR, """
                {"steps": [{"id": "a", "action": "fs.write", "input": {"path": "a.txt", "content": "a"}}]}""");
        assertThat(fine.result().path("invariants").get(0).path("name").asString()).isEqualTo("policy:no-core-dumps");

        var dumped = (Outcome.Failed) submit(OPERATOR, """
                {"steps": [{"id": "c", "action": "fs.write", "input": {"path": "core", "content": "crash"}}]}""");
        assertThat(dumped.details().path("status").asString()).isEqualTo("rolledBack");
        assertThat(w.root.resolve("core")).doesNotExist();

        var three = (Outcome.Invalid) submit(OPERATOR, """
                {"steps": [{"id": "a", "action": "fs.stat", "input": {"path": "."}},
                           {"id": "b", "action": "fs.stat", "input": {"path": "."}},
                           {"id": "c", "action": "fs.stat", "input": {"path": "."}}]}""");
        assertThat(three.errors().getFirst().message()).contains("at most 2");
    }

    @Test
    void aPolicyWithABadInvariantOrPlansSectionIsRefusedWithLines() {
        var problems = dev.warden.policy.Policy.validate("""
                version: 1
                plans:
                  maxSteps: lots
                invariants:
                  - name: a
                    observe:
                      sound: loud
                    check: 'observation.x >'
                """, "p.yaml");
        assertThat(problems).extracting(dev.warden.policy.PolicyProblem::line).contains(3, 7);
        assertThat(problems).anySatisfy(p -> assertThat(p.message()).contains("maxSteps"));
        assertThat(problems).anySatisfy(p -> assertThat(p.message()).contains("observe is one of"));
        assertThat(problems).anySatisfy(p -> assertThat(p.message()).contains("CEL"));
    }
}
