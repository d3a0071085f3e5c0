package dev.warden.engine;

import static dev.warden.engine.EngineFixture.ADMIN;
import static dev.warden.engine.EngineFixture.OPERATOR;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * How a plan's steps run and roll back, seen from outside: the order of undos in the audit trail,
 * a rollback that meets a file someone else changed, and how many steps really run at once.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PlanExecutionTest {
    @TempDir
    Path temp;

    EngineFixture w;
    final List<JsonNode> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void open() {
        w = new EngineFixture(temp);
    }

    @AfterEach
    void close() {
        w.close();
    }

    @Test
    void aRollbackWhoseUndoConflictsReportsThatStepAndUndoesTheOthersNewestFirstByteForByte() throws Exception {
        // Not text: the undo must put back bytes, not a re-encoded string.
        var xBefore = new byte[] {0, 1, 2, (byte) 0xff, (byte) 0xfe, '\r', '\n'};
        Files.write(w.root.resolve("x.bin"), xBefore);
        Files.writeString(w.root.resolve("y.txt"), "y as it was\n");
        var someoneElse = "y as someone else left it\n";
        // Declared out of completion order, so newest-first is told apart from reverse declaration order.
        var plan = Json.parse("""
                {"mode": "atomic", "steps": [
                  {"id": "b", "action": "fs.write", "input": {"path": "y.txt", "content": "y by the plan\\n"}, "dependsOn": ["a"]},
                  {"id": "a", "action": "fs.write", "input": {"path": "x.bin", "content": "x by the plan\\n"}},
                  {"id": "z", "action": "fs.write", "input": {"path": "z.txt", "content": "new\\n"}, "dependsOn": ["b"]},
                  {"id": "c", "action": "fs.read", "input": {"path": "missing.txt"}, "dependsOn": ["z"]}
                ]}""");
        // The step's failure is announced before the rollback starts: the moment another writer changes y.txt.
        var outcome = w.warden.plans().submit(plan, OPERATOR, Origin.INTERNAL, null, event -> {
            events.add(event);
            if (event.path("id").asString().equals("c") && event.path("status").asString().equals("failed")) {
                write(w.root.resolve("y.txt"), someoneElse);
            }
        });

        var failed = (Outcome.Failed) outcome;
        assertThat(failed.code()).isEqualTo("plan_failed");
        var report = failed.details();
        assertThat(report.path("status").asString()).as("not everything could be undone").isEqualTo("failed");
        assertThat(report.path("summary").asString()).contains("Step 'c' failed").contains("1 could not be undone");
        var notUndone = report.path("notUndone");
        assertThat(notUndone).hasSize(1);
        var steps = byId(report);
        assertThat(notUndone.get(0).path("id").asString()).isEqualTo("b");
        assertThat(notUndone.get(0).path("undoId").asString()).isEqualTo(steps.get("b").path("undoId").asString());
        assertThat(notUndone.get(0).path("reason").asString()).contains("y.txt").contains("changed after");
        assertThat(notUndone.get(0).path("error").path("code").asString()).isEqualTo("undo_conflict");
        assertThat(steps.get("a").path("rollback").asString()).isEqualTo("undone");
        assertThat(steps.get("b").path("rollback").asString()).isEqualTo("undo failed");
        assertThat(steps.get("z").path("rollback").asString()).isEqualTo("undone");
        assertThat(steps.get("c").path("status").asString()).isEqualTo("failed");

        // The others are back to their exact bytes; the other writer's change is left alone.
        assertThat(Files.readAllBytes(w.root.resolve("x.bin"))).isEqualTo(xBefore);
        assertThat(w.root.resolve("z.txt")).doesNotExist();
        assertThat(Files.readString(w.root.resolve("y.txt"))).isEqualTo(someoneElse);

        // Undone newest first (z, b, a: the reverse of completion), in the audit trail and in the events.
        var undoIds = List.of("z", "b", "a").stream().map(id -> steps.get(id).path("undoId").asString()).toList();
        var undos = w.audit.page(0, 1_000).stream().filter(r -> r.action().equals("journal.undo")).toList();
        assertThat(undos).extracting(r -> r.input().path("undoId").asString()).containsExactlyElementsOf(undoIds);
        assertThat(undos).extracting(r -> r.outcome()).containsExactly("done", "failed", "done");
        assertThat(undos.get(1).code()).isEqualTo("undo_conflict");
        var doneOrder = events.stream().filter(e -> e.path("event").asString().equals("step")
                && e.path("status").asString().equals("done")).map(e -> e.path("id").asString()).toList();
        assertThat(doneOrder).containsExactly("a", "b", "z");
        var rollbacks = events.stream().filter(e -> e.path("event").asString().equals("rollback"))
                .map(e -> e.path("id").asString() + ":" + e.path("status").asString()).toList();
        assertThat(rollbacks).containsExactly("z:undone", "b:failed", "a:undone");
    }

    @Test
    void atMostFourIndependentStepsRunAtOnce() throws Exception {
        // Each step notes when it starts and ends (nanoseconds since the epoch) around a sleep.
        var steps = Json.array();
        IntStream.range(0, 8).forEach(i -> steps.addObject().put("id", "s" + i).put("action", "shell.exec")
                .set("input", Json.object().put("command", "date +%s%N > start" + i + "; sleep 0.6; date +%s%N > end" + i)));
        var plan = Json.object().put("mode", "bestEffort");
        plan.set("steps", steps);

        var outcome = w.warden.plans().submit(plan, ADMIN, Origin.INTERNAL, null, events::add);

        assertThat(outcome).as(outcome.toString()).isInstanceOf(Outcome.Done.class);
        var intervals = new ArrayList<long[]>();
        for (int i = 0; i < 8; i++) {
            intervals.add(new long[] {stamp("start" + i), stamp("end" + i)});
        }
        // The most steps running at one moment: intervals that cover some step's start.
        int most = intervals.stream().mapToInt(at -> (int) intervals.stream()
                .filter(o -> o[0] <= at[0] && at[0] < o[1]).count()).max().orElseThrow();
        assertThat(most).as("steps running at once").isLessThanOrEqualTo(4).isGreaterThan(1);
        // And from the plan's own account: never more than four announced running and not yet ended.
        int running = 0;
        int peak = 0;
        for (var e : events) {
            running += switch (e.path("status").asString()) {
                case "running" -> 1;
                case "done", "failed" -> -1;
                default -> 0;
            };
            peak = Math.max(peak, running);
        }
        assertThat(peak).isEqualTo(4);
    }

    private long stamp(String name) throws IOException {
        return Long.parseLong(Files.readString(w.root.resolve(name)).strip());
    }

    private static Map<String, JsonNode> byId(JsonNode report) {
        var steps = new HashMap<String, JsonNode>();
        report.path("steps").forEach(s -> steps.put(s.path("id").asString(), s));
        return steps;
    }

    private static void write(Path file, String content) {
        try {
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
