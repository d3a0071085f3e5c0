package dev.warden.jobs;

import dev.warden.sandbox.ProcessResult;
import dev.warden.sandbox.RunningProcess;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/** One job this Warden runs: its process, its output, and once it ended, how. */
final class Job {
    /** Why Warden stopped the process, if it did. */
    enum Stop { NONE, CANCEL, SHUTDOWN }

    private final JobRecord started;
    private final RunningProcess process;
    private final OutputRing ring;
    private final CompletableFuture<JobRecord> done = new CompletableFuture<>();
    private volatile Stop stop = Stop.NONE;
    private volatile String stopReason;
    private volatile JobRecord ended;
    /** The output offset last written to the store; touched by the flusher only. */
    long flushedEnd;

    Job(JobRecord started, RunningProcess process, OutputRing ring) {
        this.started = started;
        this.process = process;
        this.ring = ring;
    }

    String id() {
        return started.id();
    }

    RunningProcess process() {
        return process;
    }

    OutputRing ring() {
        return ring;
    }

    CompletableFuture<JobRecord> done() {
        return done;
    }

    boolean running() {
        return ended == null;
    }

    /** Notes why Warden is about to stop the process; the first reason given stays. */
    synchronized void stopping(Stop why, String reason) {
        if (stop != Stop.NONE) return;
        stop = why;
        stopReason = reason;
    }

    /** The job now: as started, with its output so far, or as it ended. */
    JobRecord record() {
        var end = ended;
        if (end != null) return end;
        return withOutput(started, ring.end(), ring.start());
    }

    /** The record of the process's end, as {@code result} tells it; it is this job's record from now on. */
    JobRecord end(ProcessResult result, Instant at) {
        var status = JobStatus.EXITED;
        String reason = null;
        if (result.cancelled()) {
            status = stop == Stop.SHUTDOWN ? JobStatus.LOST : JobStatus.CANCELLED;
            reason = stopReason;
        } else if (result.timedOut()) {
            reason = "timed out after " + started.duration(at).toSeconds() + " s; its process group was killed";
        }
        var s = started;
        ended = new JobRecord(s.id(), s.ownerId(), s.ownerName(), s.project(), s.command(), s.cwd(), s.risk(), s.sandbox(),
                s.pid(), status, result.exitCode(), result.timedOut(), s.startedAt(), at, reason, ring.end(), ring.start());
        return ended;
    }

    private static JobRecord withOutput(JobRecord s, long outputBytes, long firstOffset) {
        return new JobRecord(s.id(), s.ownerId(), s.ownerName(), s.project(), s.command(), s.cwd(), s.risk(), s.sandbox(),
                s.pid(), s.status(), s.exitCode(), s.timedOut(), s.startedAt(), s.endedAt(), s.endedReason(), outputBytes,
                firstOffset);
    }
}
