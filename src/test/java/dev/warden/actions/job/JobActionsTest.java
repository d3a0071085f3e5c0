package dev.warden.actions.job;

import static dev.warden.actions.job.JobFixture.ADMIN;
import static dev.warden.actions.job.JobFixture.FOREIGN_ADMIN;
import static dev.warden.actions.job.JobFixture.OPERATOR;
import static dev.warden.actions.job.JobFixture.OPERATOR_AGAIN;
import static dev.warden.actions.job.JobFixture.OTHER;
import static dev.warden.actions.job.JobFixture.VIEWER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.audit.AuditQuery;
import dev.warden.engine.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The job.* actions through the engine, with real processes. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JobActionsTest {
    @TempDir
    Path temp;

    JobFixture fx;

    @BeforeEach
    void open() {
        fx = new JobFixture(temp);
    }

    @AfterEach
    void close() {
        fx.close();
    }

    @Test
    void startAnswersAtOnceAndOutputIsReadByOffsetSinceLastAndTail() throws Exception {
        // The command cannot end before the test creates `go` (or 20 s have passed), so an answer with
        // the job running shows job.start did not wait for it, however slow the machine.
        var command = "echo one; echo two; i=0; until [ -e go ] || [ $i -ge 200 ]; do sleep 0.1; i=$((i + 1)); done; echo three";
        var started = System.nanoTime();
        var result = fx.done(OPERATOR, "job.start", "{\"command\":\"" + command + "\"}");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("answers at once").isLessThan(Duration.ofSeconds(10));
        assertThat(result.path("status").asString()).isEqualTo("running");
        assertThat(result.path("jobId").asString()).startsWith("job_");
        assertThat(result.path("command").asString()).isEqualTo(command);
        assertThat(result.path("owner").asString()).isEqualTo("olivia");
        assertThat(result.path("sandbox").path("enforced").toString()).contains("process_group_kill");
        var id = result.path("jobId").asString();

        var first = fx.done(OPERATOR, "job.output", "{\"jobId\":\"" + id + "\",\"sinceLast\":true,\"waitMs\":5000}");
        assertThat(first.path("data").asString()).startsWith("one\n");
        assertThat(first.path("offset").asLong()).isZero();
        assertThat(fx.done(OPERATOR, "job.list", "{\"jobId\":\"" + id + "\"}").path("jobs").get(0).path("status").asString())
                .isEqualTo("running");
        Files.writeString(fx.root.resolve("go"), "");
        JobFixture.await("the job ends", () -> fx.done(OPERATOR, "job.list", "{\"jobId\":\"" + id + "\"}")
                .path("jobs").get(0).path("status").asString().equals("exited"));

        // sinceLast: only what is new; the same person on another token reads for itself.
        var rest = fx.done(OPERATOR, "job.output", "{\"jobId\":\"" + id + "\",\"sinceLast\":true}");
        assertThat(first.path("data").asString() + rest.path("data").asString()).isEqualTo("one\ntwo\nthree\n");
        assertThat(rest.path("finished").asBoolean()).isTrue();
        assertThat(rest.path("exitCode").asInt()).isZero();
        assertThat(fx.done(OPERATOR, "job.output", "{\"jobId\":\"" + id + "\",\"sinceLast\":true}").path("data").asString()).isEmpty();
        assertThat(fx.done(OPERATOR_AGAIN, "job.output", "{\"jobId\":\"" + id + "\",\"sinceLast\":true}").path("data").asString())
                .isEqualTo("one\ntwo\nthree\n");

        var byOffset = fx.done(OPERATOR, "job.output", "{\"jobId\":\"" + id + "\",\"offset\":4,\"maxBytes\":16}");
        assertThat(byOffset.path("data").asString()).isEqualTo("two\nthree\n");
        assertThat(byOffset.path("nextOffset").asLong()).isEqualTo(14);
        assertThat(byOffset.path("endOffset").asLong()).isEqualTo(14);
        assertThat(fx.done(OPERATOR, "job.output", "{\"jobId\":\"" + id + "\",\"tailLines\":2}").path("data").asString())
                .isEqualTo("two\nthree\n");
        assertThat(fx.done(OPERATOR, "job.output", "{\"jobId\":\"" + id + "\",\"tailBytes\":6}").path("data").asString())
                .isEqualTo("three\n");

        var listed = fx.done(OPERATOR, "job.list", "{}").path("jobs");
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).path("exitCode").asInt()).isZero();
        assertThat(listed.get(0).path("outputBytes").asLong()).isEqualTo(14);
    }

    @Test
    void overflowingTheRingReportsTheDroppedBytes() {
        // 1.5 MiB of output: more than the 1 MiB a job keeps in memory.
        var id = fx.start(OPERATOR, "{\"command\":\"head -c 1572864 /dev/zero | tr '\\\\0' x; echo END\"}");
        JobFixture.await("the job ends", () -> !fx.done(OPERATOR, "job.list", "{\"jobId\":\"" + id + "\"}")
                .path("jobs").get(0).path("status").asString().equals("running"));
        var read = fx.done(OPERATOR, "job.output", "{\"jobId\":\"" + id + "\",\"offset\":0,\"maxBytes\":64}");
        long total = 1_572_864 + 4;
        assertThat(read.path("endOffset").asLong()).isEqualTo(total);
        assertThat(read.path("firstOffset").asLong()).isEqualTo(total - (1 << 20));
        assertThat(read.path("droppedBytes").asLong()).isEqualTo(total - (1 << 20));
        assertThat(read.path("offset").asLong()).isEqualTo(total - (1 << 20));
        assertThat(read.path("hasMore").asBoolean()).isTrue();
        assertThat(read.path("note").asString()).contains("dropped");
        // The last line is longer than a read: the read holds its end.
        var tail = fx.done(OPERATOR, "job.output", "{\"jobId\":\"" + id + "\",\"tailLines\":1,\"maxBytes\":100}");
        assertThat(tail.path("data").asString()).hasSize(100).endsWith("xEND\n");
    }

    @Test
    void inputFeedsTheJobsStdinAndEofEndsIt() {
        var id = fx.start(OPERATOR, "{\"argv\":[\"cat\"],\"stdin\":\"first\\n\"}");
        var written = fx.done(OPERATOR, "job.input", "{\"jobId\":\"" + id + "\",\"data\":\"second\\n\"}");
        assertThat(written.path("bytes").asInt()).isEqualTo(7);
        assertThat(written.path("pending").asBoolean()).isFalse();
        var echoed = fx.done(OPERATOR, "job.output", "{\"jobId\":\"" + id + "\",\"offset\":0,\"waitMs\":5000}");
        JobFixture.await("cat echoed both lines", () -> fx.done(OPERATOR, "job.output", "{\"jobId\":\"" + id + "\"}")
                .path("data").asString().equals("first\nsecond\n"));
        assertThat(echoed.path("status").asString()).isEqualTo("running");

        assertThat(fx.done(OPERATOR, "job.input", "{\"jobId\":\"" + id + "\",\"eof\":true}").path("eof").asBoolean()).isTrue();
        fx.drain(OPERATOR, id);
        var all = fx.done(OPERATOR, "job.output", "{\"jobId\":\"" + id + "\",\"offset\":0}");
        assertThat(all.path("data").asString()).isEqualTo("first\nsecond\n");
        assertThat(all.path("status").asString()).isEqualTo("exited");
        var after = fx.submit(OPERATOR, "job.input", "{\"jobId\":\"" + id + "\",\"data\":\"late\"}");
        assertThat(after).isInstanceOfSatisfying(Outcome.Failed.class, f -> assertThat(f.code()).isEqualTo("job_not_running"));
    }

    @Test
    void cancelKillsTheWholeProcessGroupAndIsRecorded() throws Exception {
        var pids = fx.root.resolve("pids");
        var id = fx.start(OPERATOR, "{\"command\":\"sleep 60 & echo $$ $! > pids; wait\"}");
        JobFixture.await("both pids written", () -> {
            try {
                return Files.exists(pids) && Files.readString(pids).strip().contains(" ");
            } catch (java.io.IOException e) {
                return false;
            }
        });
        var processes = List.of(Files.readString(pids).strip().split(" ")).stream().map(Long::parseLong).toList();
        assertThat(processes).allSatisfy(pid -> assertThat(JobFixture.alive(pid)).isTrue());

        var cancelled = fx.submit(OPERATOR, "job.cancel", "{\"jobId\":\"" + id + "\",\"graceMs\":1000}");
        assertThat(cancelled).isInstanceOf(Outcome.Done.class);
        var result = ((Outcome.Done) cancelled).result();
        assertThat(result.path("cancelled").asBoolean()).isTrue();
        assertThat(result.path("status").asString()).isEqualTo("cancelled");
        assertThat(result.path("job").path("endedReason").asString()).isEqualTo("cancelled by olivia");
        JobFixture.await("the whole group is gone", () -> processes.stream().noneMatch(JobFixture::alive));

        var record = new AuditQuery(fx.warden.database()).find(cancelled.auditSeq()).orElseThrow();
        assertThat(record.action()).isEqualTo("job.cancel");
        assertThat(record.outcome()).isEqualTo("done");
        assertThat(fx.done(OPERATOR, "job.list", "{\"status\":\"cancelled\"}").path("jobs").get(0).path("jobId").asString())
                .isEqualTo(id);
        // Cancelling again stops nothing and says so.
        var again = fx.done(OPERATOR, "job.cancel", "{\"jobId\":\"" + id + "\"}");
        assertThat(again.path("cancelled").asBoolean()).isFalse();
        assertThat(again.path("status").asString()).isEqualTo("cancelled");
    }

    @Test
    void cancelKillsAGroupThatIgnoresSigtermOnceTheGraceIsOver() throws Exception {
        var child = fx.root.resolve("child");
        var id = fx.start(OPERATOR, """
                {"argv": ["sh", "-c", "trap '' TERM; sleep 1000 & echo $! > child; sleep 1000"]}""");
        JobFixture.await("the background child started", () -> Files.exists(child) && child.toFile().length() > 0);
        var pgid = fx.done(OPERATOR, "job.list", "{\"jobId\":\"" + id + "\"}").path("jobs").get(0).path("pid").asLong();
        var childPid = Long.parseLong(Files.readString(child).strip());
        assertThat(JobFixture.liveGroupMembers(pgid)).as("the leader and its child share the group").contains(pgid, childPid);

        var started = System.nanoTime();
        var result = fx.done(OPERATOR, "job.cancel", "{\"jobId\":\"" + id + "\",\"graceMs\":700}");
        var took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(took).as("SIGTERM was ignored, so only SIGKILL after the grace ended it")
                .isGreaterThanOrEqualTo(Duration.ofMillis(700));
        assertThat(result.path("cancelled").asBoolean()).isTrue();
        assertThat(result.path("status").asString()).isEqualTo("cancelled");
        assertThat(result.path("exitCode").asInt()).as("128 + SIGKILL").isEqualTo(137);
        assertThat(result.path("note").asString()).contains("did not end within 700 ms of SIGTERM").contains("killed");
        // A killed child may linger a moment as a zombie until it is reaped; it runs no more.
        JobFixture.await("no process of the group is left", () -> JobFixture.liveGroupMembers(pgid).isEmpty());
        JobFixture.await("the background child is reaped", () -> !JobFixture.alive(childPid));
    }

    @Test
    void aJobThatEndedBeforeARestartKeepsItsRealExitCode() {
        var id = fx.start(OPERATOR, "{\"command\":\"echo finishing; exit 7\"}");
        JobFixture.await("the job exits", () -> fx.done(OPERATOR, "job.list", "{\"jobId\":\"" + id + "\"}")
                .path("jobs").get(0).path("status").asString().equals("exited"));
        fx.restart();
        var job = fx.done(OPERATOR, "job.list", "{\"jobId\":\"" + id + "\"}").path("jobs").get(0);
        assertThat(job.path("status").asString()).as("an ended job is not lost by a restart").isEqualTo("exited");
        assertThat(job.path("exitCode").asInt()).isEqualTo(7);
        assertThat(job.has("endedReason")).isFalse();
        var output = fx.done(OPERATOR, "job.output", "{\"jobId\":\"" + id + "\"}");
        assertThat(output.path("data").asString()).isEqualTo("finishing\n");
        assertThat(output.path("stored").asBoolean()).isTrue();
    }

    @Test
    void onlyTheOwnerAndAdminsOfTheProjectSeeAJob() {
        var id = fx.start(OPERATOR, "{\"command\":\"echo secret; sleep 30\"}");
        for (var stranger : List.of(OTHER, FOREIGN_ADMIN)) {
            for (var action : List.of("job.output", "job.cancel", "job.input")) {
                var input = action.equals("job.input") ? "{\"jobId\":\"" + id + "\",\"data\":\"x\"}" : "{\"jobId\":\"" + id + "\"}";
                assertThat(fx.submit(stranger, action, input)).as(stranger.name() + " " + action)
                        .isInstanceOfSatisfying(Outcome.Failed.class, f -> assertThat(f.code()).isEqualTo("job_not_found"));
            }
            assertThat(fx.done(stranger, "job.list", "{}").path("jobs")).isEmpty();
        }
        assertThat(fx.done(ADMIN, "job.list", "{}").path("jobs").get(0).path("jobId").asString()).isEqualTo(id);
        assertThat(fx.done(ADMIN, "job.output", "{\"jobId\":\"" + id + "\",\"waitMs\":5000}").path("data").asString())
                .isEqualTo("secret\n");
        assertThat(fx.done(ADMIN, "job.cancel", "{\"jobId\":\"" + id + "\"}").path("job").path("endedReason").asString())
                .isEqualTo("cancelled by ada");
    }

    @Test
    void policyJudgesAJobAsItsCommand() {
        // A viewer may run what only reads, not what changes things.
        var touch = fx.submit(VIEWER, "job.start", "{\"argv\":[\"touch\",\"made.txt\"]}");
        assertThat(touch).isInstanceOfSatisfying(Outcome.Denied.class, d -> assertThat(d.code()).isEqualTo("role_insufficient"));
        assertThat(fx.root.resolve("made.txt")).doesNotExist();
        var read = fx.submit(VIEWER, "job.start", "{\"argv\":[\"sleep\",\"30\"]}");
        assertThat(read).isInstanceOf(Outcome.Done.class);
        var id = ((Outcome.Done) read).result().path("jobId").asString();
        // ... and may stop it again, since it only reads.
        assertThat(fx.done(VIEWER, "job.cancel", "{\"jobId\":\"" + id + "\",\"graceMs\":100}").path("cancelled").asBoolean()).isTrue();

        var outside = fx.submit(OPERATOR, "job.start", "{\"command\":\"ls\",\"cwd\":\"" + temp.resolve("data") + "\"}");
        assertThat(outside).isInstanceOfSatisfying(Outcome.Denied.class, d -> assertThat(d.code()).isEqualTo("path_outside_roots"));
        var risky = fx.submit(OPERATOR, "job.start", "{\"command\":\"rm -rf /srv/anything\"}");
        assertThat(risky).isInstanceOf(Outcome.Denied.class);
        assertThat(fx.done(ADMIN, "job.list", "{}").path("jobs")).as("nothing refused was started").hasSize(1);
    }

    @Test
    void jobStartTakesEveryFieldOfShellExec() {
        var registry = fx.warden.engine().registry();
        var shell = registry.find("shell.exec").orElseThrow().spec().inputSchema().path("properties");
        var job = registry.find("job.start").orElseThrow().spec().inputSchema().path("properties");
        assertThat(job.propertyNames()).as("job.start's input is shell.exec's, plus its own fields")
                .containsAll(shell.propertyNames());
    }

    @Test
    void invalidInputIsRefusedWithItsPath() {
        var both = fx.submit(OPERATOR, "job.start", "{\"command\":\"ls\",\"argv\":[\"ls\"]}");
        assertThat(both).isInstanceOf(Outcome.Invalid.class);
        var unknown = fx.submit(OPERATOR, "job.start", "{\"command\":\"ls\",\"detach\":true}");
        assertThat(unknown).isInstanceOfSatisfying(Outcome.Invalid.class,
                i -> assertThat(i.errors()).extracting(Outcome.FieldError::path).contains("$.detach"));
        var tooLong = fx.submit(OPERATOR, "job.start", "{\"command\":\"ls\",\"timeoutMs\":90000000}");
        assertThat(tooLong).isInstanceOfSatisfying(Outcome.Invalid.class,
                i -> assertThat(i.errors()).extracting(Outcome.FieldError::path).contains("$.timeoutMs"));
        var id = fx.start(OPERATOR, "{\"command\":\"echo hi\"}");
        var twoStarts = fx.submit(OPERATOR, "job.output", "{\"jobId\":\"" + id + "\",\"offset\":0,\"tailLines\":3}");
        assertThat(twoStarts).isInstanceOfSatisfying(Outcome.Invalid.class, i -> assertThat(i.detail()).contains("at most one"));
        fx.drain(OPERATOR, id);
        var beyond = fx.submit(OPERATOR, "job.output", "{\"jobId\":\"" + id + "\",\"offset\":99}");
        assertThat(beyond).isInstanceOfSatisfying(Outcome.Invalid.class, i -> assertThat(i.code()).isEqualTo("offset_beyond_end"));
        var missing = fx.submit(OPERATOR, "job.start", "{\"argv\":[\"no-such-program-here\"]}");
        assertThat(missing).isInstanceOfSatisfying(Outcome.Failed.class, f -> assertThat(f.code()).isEqualTo("command_not_found"));
    }

    @Test
    void aRestartReportsARunningJobAsLostWithItsLastOutput() {
        var id = fx.start(OPERATOR, "{\"command\":\"echo before the restart; sleep 60\"}");
        var pid = fx.done(OPERATOR, "job.list", "{}").path("jobs").get(0).path("pid").asLong();
        JobFixture.await("the output arrived", () -> fx.done(OPERATOR, "job.output", "{\"jobId\":\"" + id + "\"}")
                .path("data").asString().contains("before"));
        fx.restart();
        assertThat(JobFixture.alive(pid)).as("closing Warden killed the job").isFalse();
        var job = fx.done(OPERATOR, "job.list", "{\"jobId\":\"" + id + "\"}").path("jobs").get(0);
        assertThat(job.path("status").asString()).isEqualTo("lost");
        assertThat(job.path("endedReason").asString()).contains("Warden stopped");
        var output = fx.done(OPERATOR, "job.output", "{\"jobId\":\"" + id + "\"}");
        assertThat(output.path("data").asString()).isEqualTo("before the restart\n");
        assertThat(output.path("stored").asBoolean()).isTrue();
        assertThat(output.path("finished").asBoolean()).isTrue();
        assertThat(fx.submit(OPERATOR, "job.input", "{\"jobId\":\"" + id + "\",\"data\":\"x\"}"))
                .isInstanceOfSatisfying(Outcome.Failed.class, f -> assertThat(f.code()).isEqualTo("job_not_running"));
    }
}
