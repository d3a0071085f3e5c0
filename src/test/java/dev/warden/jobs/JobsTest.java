package dev.warden.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.action.ActionException;
import dev.warden.action.Caller;
import dev.warden.json.Json;
import dev.warden.sandbox.Command;
import dev.warden.sandbox.ProcessRunner;
import dev.warden.sandbox.SandboxLevel;
import dev.warden.sandbox.Sandboxes;
import dev.warden.store.Database;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link Jobs} on its own: limits on how many run, and what closing does to running ones. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class JobsTest {
    private static final Caller ANN = new Caller("tok_ann", "ann", "default", "operator");

    @TempDir
    Path data;
    @TempDir
    Path cwd;

    Database db;
    JobLimits limits = JobLimits.defaults().withMaxRunning(2).withRingBytes(4096);
    Jobs jobs;

    @BeforeEach
    void open() {
        db = Database.openSqlite(data);
        jobs = new Jobs(db, Sandboxes.processOnly(new ProcessRunner(limits.processLimits())), limits, Clock.systemUTC());
    }

    @AfterEach
    void close() {
        jobs.close();
        db.close();
    }

    private JobRecord start(String script) {
        var spec = limits.processLimits().spec(Command.script(script), cwd);
        return jobs.start(ANN, new Jobs.Start(spec, Json.object().put("command", script), "read", null, false,
                SandboxLevel.PROCESS));
    }

    @Test
    void atMostMaxRunningJobsRunAtOnce() {
        var first = start("sleep 30");
        start("sleep 30");
        assertThatThrownBy(() -> start("sleep 30")).isInstanceOfSatisfying(ActionException.class,
                e -> assertThat(e.code()).isEqualTo("too_many_jobs"));
        jobs.cancel(ANN, first.id(), Duration.ofMillis(100));
        assertThat(start("true").status()).isEqualTo(JobStatus.RUNNING);
    }

    @Test
    void aSmallRingKeepsTheNewestBytesAndCountsTheDroppedOnes() throws Exception {
        var job = start("seq 1 5000");
        var until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (jobs.get(ANN, job.id()).status() == JobStatus.RUNNING) {
            assertThat(System.nanoTime()).isLessThan(until);
            Thread.sleep(20);
        }
        var read = jobs.read(ANN, job.id(), new ReadFrom.Offset(0), 100_000, Duration.ZERO);
        assertThat(read.slice().endOffset()).isEqualTo(23_893);
        assertThat(read.slice().firstOffset()).isEqualTo(23_893 - 4096);
        assertThat(read.slice().droppedBytes()).isEqualTo(23_893 - 4096);
        assertThat(read.text().data()).endsWith("4999\n5000\n");
        assertThat(read.finished()).isTrue();
    }

    @Test
    void closingKillsRunningJobsAndRecordsThemLost() throws Exception {
        var job = start("echo started; sleep 30");
        var pid = job.pid();
        jobs.read(ANN, job.id(), new ReadFrom.Offset(0), 100, Duration.ofSeconds(5));
        jobs.close();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        var reopened = new Jobs(db, Sandboxes.processOnly(new ProcessRunner(limits.processLimits())), limits, Clock.systemUTC());
        try {
            var lost = reopened.get(ANN, job.id());
            assertThat(lost.status()).isEqualTo(JobStatus.LOST);
            assertThat(lost.endedReason()).contains("Warden stopped");
            assertThat(reopened.read(ANN, job.id(), new ReadFrom.TailLines(1), 100, Duration.ZERO).text().data())
                    .isEqualTo("started\n");
            assertThatThrownBy(() -> reopened.get(new Caller("tok_bob", "bob", "default", "operator"), job.id()))
                    .isInstanceOfSatisfying(ActionException.class, e -> assertThat(e.code()).isEqualTo("job_not_found"));
        } finally {
            reopened.close();
        }
    }
}
