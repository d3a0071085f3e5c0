package dev.warden.jobs;

import dev.warden.action.ActionException;
import dev.warden.action.Caller;
import dev.warden.action.ErrorKind;
import dev.warden.json.Json;
import dev.warden.sandbox.ProcessGroup;
import dev.warden.sandbox.ProcessSpec;
import dev.warden.sandbox.ResourceLimits;
import dev.warden.sandbox.SandboxLevel;
import dev.warden.sandbox.Sandboxes;
import dev.warden.sandbox.PreviewRun;
import dev.warden.sandbox.RunningProcess;
import dev.warden.preview.PreviewStore;
import tools.jackson.databind.node.ObjectNode;
import dev.warden.store.Database;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Background jobs: processes that outlive the request that started them. Each runs in the sandbox
 * in its own process group with standard input kept open; its output (stdout and stderr
 * interleaved as read) goes to a bounded {@link OutputRing}, and the newest part of it to the store
 * every {@link JobLimits#flushInterval} and at the end. A job is seen by its owner (the same
 * principal name) and by admins of its project; to anyone else it does not exist.
 *
 * <p>Jobs this Warden runs are in memory; jobs of another Warden process on the same data dir, and
 * older ones, are read from the store. When Warden starts, jobs stored as running whose Warden
 * process is gone are marked lost (and a leftover process group is killed); when it closes, it
 * kills its running jobs and marks them lost too, since nobody will see how they end.
 */
public final class Jobs implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Jobs.class);
    private static final Duration END_WAIT = Duration.ofSeconds(10);

    private final JobStore store;
    private final Sandboxes sandboxes;
    private final PreviewStore previews;
    private final java.util.Map<String, PreviewParts> previewsOf = new java.util.concurrent.ConcurrentHashMap<>();
    private final JobLimits limits;
    private final Clock clock;
    private final Supervisor self = Supervisor.current();
    private final Map<String, Job> live = new ConcurrentHashMap<>();
    private final ArrayDeque<String> finishedOrder = new ArrayDeque<>();
    private final Semaphore slots;
    private final OutputReader reader = new OutputReader();
    private final SecureRandom random = new SecureRandom();
    private final Thread flusher;
    private volatile boolean closed;

    /**
     * {@code sandboxes} run the jobs; give them a base runner with {@link JobLimits#processLimits()}
     * ({@link Sandboxes#withBase}) so long jobs are not cut short.
     */
    public Jobs(Database db, Sandboxes sandboxes, JobLimits limits, Clock clock) {
        this(db, sandboxes, null, limits, clock);
    }

    /** {@code previews} keeps what preview jobs changed; null: a job cannot run as a preview. */
    public Jobs(Database db, Sandboxes sandboxes, PreviewStore previews, JobLimits limits, Clock clock) {
        this.previews = previews;
        this.store = new JobStore(db);
        this.sandboxes = sandboxes;
        this.limits = limits;
        this.clock = clock;
        this.slots = new Semaphore(limits.maxRunning());
        reclaimLost();
        this.flusher = Thread.ofVirtual().name("jobs-flusher").start(this::flushLoop);
    }

    public JobLimits limits() {
        return limits;
    }

    /**
     * What to start: the process (its command, cwd, env, initial stdin), the command as recorded
     * ({@code {"command"}} or {@code {"argv"}}), the risk it was assessed at, its wall-clock limit
     * (null: the default), whether stdin is closed after the initial bytes, and the sandbox level
     * ({@link #level}).
     */
    public record Start(ProcessSpec spec, JsonNode command, String risk, Duration timeout, boolean closeStdin,
                        SandboxLevel level) {}

    /**
     * The level a job that asks for {@code requested} runs at (null: the policy's default), refused
     * below the policy's minimum or where the machine cannot have it. A job asked to run as a
     * {@code preview} runs against overlays and becomes a preview when it exits; a policy default of
     * {@code preview} gives a job that names no level {@code isolated}, the same isolation without the
     * overlay, since its author did not ask to commit its changes by hand.
     */
    public SandboxLevel level(String requested) {
        if (SandboxLevel.PREVIEW.id().equals(requested)) {
            if (previews == null) {
                throw new ActionException(ErrorKind.INTERNAL, "sandbox_unavailable",
                        "This Warden keeps no previews, so a job cannot run as one. Nothing was started.",
                        "Run it with sandbox 'isolated', or use shell.exec with sandbox 'preview'.");
            }
            return sandboxes.choose(requested);
        }
        var level = sandboxes.choose(requested);
        return level == SandboxLevel.PREVIEW ? sandboxes.choose(SandboxLevel.ISOLATED.id()) : level;
    }

    /** Starts a job owned by {@code owner} and returns at once, with the job running. */
    public JobRecord start(Caller owner, Start request) {
        if (closed) throw new ActionException(ErrorKind.INTERNAL, "shutting_down", "Warden is shutting down.", "Retry later.");
        if (!slots.tryAcquire()) {
            throw new ActionException(ErrorKind.LIMIT, "too_many_jobs",
                    limits.maxRunning() + " jobs are running already, the most this Warden runs at once.",
                    "Wait for one to end (job.list) or cancel one with job.cancel.");
        }
        try {
            var timeout = request.timeout() == null ? limits.defaultTimeout() : request.timeout();
            if (timeout.compareTo(limits.maxTimeout()) > 0) timeout = limits.maxTimeout();
            var ring = new OutputRing(limits.ringBytes());
            var spec = request.spec()
                    .withOutputCap(0)
                    .withLimits(new ResourceLimits(0, limits.openFiles()))
                    .withTimeout(timeout)
                    .withStdinOpen(!request.closeStdin())
                    .withOutput((stream, bytes, offset, length) -> ring.append(bytes, offset, length));
            PreviewStore.Pending pending = null;
            PreviewRun previewRun = null;
            RunningProcess process;
            if (request.level() == SandboxLevel.PREVIEW) {
                pending = previews.open();
                try {
                    previewRun = sandboxes.startPreview(spec, pending.dir());
                } catch (RuntimeException e) {
                    previews.drop(pending);
                    throw e;
                }
                process = previewRun.process();
            } else {
                process = sandboxes.start(request.level(), spec);
            }
            var pidStarted = ProcessHandle.of(process.pid()).flatMap(h -> h.info().startInstant()).orElse(null);
            var sandboxNode = Json.object().put("level", process.level());
            process.enforced().forEach(sandboxNode.putArray("enforced")::add);
            var record = new JobRecord(newId(), owner.id(), owner.name(), owner.project(), request.command(),
                    spec.cwd().toString(), request.risk(), sandboxNode, process.pid(), JobStatus.RUNNING, null, false,
                    clock.instant(), null, null, 0, 0);
            var job = new Job(record, process, ring);
            try {
                store.insert(record, pidStarted, self);
            } catch (RuntimeException e) {
                process.cancel(Duration.ZERO);
                throw e;
            }
            if (previewRun != null) previewsOf.put(record.id(), new PreviewParts(pending, previewRun));
            live.put(record.id(), job);
            // The answer is the job as started, even if a quick command ends before the caller reads it.
            var answer = job.record();
            Thread.ofVirtual().name("job-" + record.id()).start(() -> supervise(job));
            return answer;
        } catch (RuntimeException e) {
            slots.release();
            throw e;
        }
    }

    private void supervise(Job job) {
        JobRecord record = null;
        RuntimeException failure = null;
        try {
            record = job.end(job.process().await(), clock.instant());
            var preview = previewsOf.remove(job.id());
            if (preview != null) settlePreview(record, preview);
            store.finish(record, job.ring().newest(limits.storedTailBytes()));
        } catch (RuntimeException e) {
            log.error("could not record the end of job {}", job.id(), e);
            failure = e;
        }
        // Everything about the end is settled before anyone waiting for it hears of it.
        job.ring().close();
        slots.release();
        retain(job);
        if (record != null) job.done().complete(record);
        else job.done().completeExceptionally(failure);
    }

    private record PreviewParts(PreviewStore.Pending pending, PreviewRun run) {}

    /**
     * A preview job that exited becomes a preview: its changes are stored and named in the job's
     * {@code sandbox} object ({@code previewId}, {@code expiresAt}, {@code changeCount}); commit them
     * with {@code preview.commit}. A cancelled or lost one leaves nothing.
     */
    private void settlePreview(JobRecord record, PreviewParts parts) {
        var sandbox = (ObjectNode) record.sandbox();
        if (record.status() != JobStatus.EXITED) {
            previews.drop(parts.pending());
            sandbox.put("preview", "dropped: the job did not exit by itself");
            return;
        }
        try {
            var changes = parts.run().changes();
            var preview = previews.save(parts.pending(), changes, sandboxes.settings().previewTtl());
            sandbox.put("previewId", preview.id());
            sandbox.put("expiresAt", preview.expiresAt().toString());
            sandbox.put("changeCount", changes.size());
        } catch (RuntimeException e) {
            previews.drop(parts.pending());
            sandbox.put("preview", "failed: " + e.getMessage());
        }
    }

    /** Keeps the newest ended jobs in memory with their whole ring; older ones are read from the store. */
    private void retain(Job job) {
        synchronized (finishedOrder) {
            finishedOrder.addLast(job.id());
            while (finishedOrder.size() > limits.retainFinished()) live.remove(finishedOrder.removeFirst());
        }
    }

    /** The job {@code id} as {@code viewer} may see it. */
    public JobRecord get(Caller viewer, String id) {
        var job = live.get(id);
        if (job != null && visible(viewer, job.record())) return job.record();
        return stored(viewer, id).record();
    }

    /** Jobs {@code viewer} may see, newest first; {@code status} narrows them when not null. */
    public List<JobRecord> list(Caller viewer, JobStatus status, int limit) {
        reclaimLost();
        return store.visibleTo(viewer, status, limit).stream().map(s -> {
            var job = live.get(s.record().id());
            return job == null ? s.record() : job.record();
        }).toList();
    }

    /**
     * Up to {@code maxBytes} of output from where {@code from} says; with {@code wait}, a read that
     * finds nothing new waits that long for more while the job runs.
     */
    public OutputRead read(Caller viewer, String id, ReadFrom from, int maxBytes, Duration wait) {
        var job = live.get(id);
        if (job != null && visible(viewer, job.record())) return reader.fromRing(viewer, job, from, maxBytes, wait);
        return reader.fromStore(viewer, id, from, maxBytes, wait, () -> stored(viewer, id));
    }

    /** What became of a write to a job's standard input. {@code pending}: the job had not taken it all yet. */
    public record InputResult(JobRecord job, int bytes, boolean eof, boolean pending) {}

    /**
     * Writes {@code data} to the job's standard input, then closes it when {@code eof}. Waits up to
     * {@code wait} for the job to take the bytes; a job that does not read keeps them queued.
     */
    public InputResult write(Caller caller, String id, byte[] data, boolean eof, Duration wait) {
        var job = liveRunning(caller, id);
        var process = job.process();
        if (!process.inputOpen()) {
            throw new ActionException(ErrorKind.CONFLICT, "stdin_closed", "Job " + id + "'s standard input is closed.",
                    "Nothing more can be written to it; start the job again without closeStdin to feed it input.");
        }
        var written = new java.util.concurrent.CompletableFuture<Void>();
        Thread.ofVirtual().name("stdin-" + id).start(() -> {
            try {
                if (data.length > 0) process.writeInput(data);
                if (eof) process.closeInput();
                written.complete(null);
            } catch (java.io.IOException | RuntimeException e) {
                written.completeExceptionally(e);
            }
        });
        try {
            written.get(wait.toMillis(), TimeUnit.MILLISECONDS);
            return new InputResult(job.record(), data.length, eof, false);
        } catch (TimeoutException e) {
            return new InputResult(job.record(), data.length, eof, true);
        } catch (ExecutionException e) {
            throw new ActionException(ErrorKind.CONFLICT, "stdin_closed",
                    "Job " + id + " no longer takes input: " + e.getCause().getMessage(),
                    "The job closed its input or ended; job.output shows what it wrote.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new InputResult(job.record(), data.length, eof, true);
        }
    }

    /** {@code cancelled}: this call stopped it; false when it had already ended. */
    public record CancelResult(JobRecord job, boolean cancelled) {}

    /**
     * Stops a running job: SIGTERM to its process group, SIGKILL after {@code grace}; returns once
     * it ended. A job that already ended is returned as it is.
     */
    public CancelResult cancel(Caller caller, String id, Duration grace) {
        var job = live.get(id);
        if (job == null || !visible(caller, job.record())) {
            var stored = stored(caller, id);
            if (stored.record().status() != JobStatus.RUNNING) return new CancelResult(stored.record(), false);
            throw elsewhere(stored);
        }
        if (!job.running()) return new CancelResult(job.record(), false);
        job.stopping(Job.Stop.CANCEL, "cancelled by " + caller.name());
        job.process().cancel(grace);
        var record = awaitEnd(job, grace.plus(END_WAIT));
        return new CancelResult(record, record.status() == JobStatus.CANCELLED);
    }

    private JobRecord awaitEnd(Job job, Duration wait) {
        try {
            return job.done().get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return job.record();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return job.record();
        }
    }

    private Job liveRunning(Caller caller, String id) {
        var job = live.get(id);
        if (job != null && visible(caller, job.record())) {
            if (job.running()) return job;
            throw notRunning(job.record());
        }
        var stored = stored(caller, id);
        if (stored.record().status() != JobStatus.RUNNING) throw notRunning(stored.record());
        throw elsewhere(stored);
    }

    private JobStore.Stored stored(Caller viewer, String id) {
        var found = store.find(id);
        if (found.isPresent() && found.get().record().status() == JobStatus.RUNNING
                && found.get().supervisor().host().equals(self.host()) && !found.get().supervisor().alive()) {
            reclaimLost();
            found = store.find(id);
        }
        return found.filter(s -> visible(viewer, s.record())).orElseThrow(() -> new ActionException(
                ErrorKind.NOT_FOUND, "job_not_found", "There is no job " + id + " that you may see.",
                "job.list shows your jobs (admins see every job of their project)."));
    }

    private static boolean visible(Caller viewer, JobRecord job) {
        return job.ownerName().equals(viewer.name()) || (viewer.admin() && job.project().equals(viewer.project()));
    }

    private static ActionException notRunning(JobRecord job) {
        return new ActionException(ErrorKind.CONFLICT, "job_not_running", "Job " + job.id() + " is " + job.status().id()
                + (job.exitCode() == null ? "." : " (exit code " + job.exitCode() + ")."),
                "Read what it wrote with job.output; start it again with job.start if it is still needed.");
    }

    private ActionException elsewhere(JobStore.Stored stored) {
        var s = stored.supervisor();
        return new ActionException(ErrorKind.CONFLICT, "job_elsewhere", "Job " + stored.record().id()
                + " runs in another Warden process (pid " + s.pid() + " on " + s.host() + "); only that one can reach it.",
                "Send the request to the Warden server that started it; its output can be followed from here.");
    }

    /** Running jobs of this Warden. */
    public int running() {
        return (int) live.values().stream().filter(Job::running).count();
    }

    /**
     * Jobs stored as running on this host whose Warden process is gone cannot end normally: mark
     * them lost, with the output last stored, and kill their process group if it still runs.
     */
    private void reclaimLost() {
        for (var stored : store.runningOn(self.host())) {
            if (stored.supervisor().alive()) continue;
            var r = stored.record();
            boolean killed = stored.pidStartedAt() != null && Supervisor.alive(r.pid(), stored.pidStartedAt())
                    && ProcessGroup.signal(r.pid(), "KILL");
            var reason = "Warden (pid " + stored.supervisor().pid() + ") stopped while the job ran, so its end was not seen"
                    + (killed ? "; its process group was still running and was killed" : "");
            if (store.markLost(r.id(), clock.instant(), reason)) log.warn("job {} is lost: {}", r.id(), reason);
        }
    }

    private void flushLoop() {
        while (!closed) {
            try {
                Thread.sleep(limits.flushInterval());
            } catch (InterruptedException e) {
                return;
            }
            for (var job : live.values()) {
                if (!job.running()) continue;
                long end = job.ring().end();
                if (end == job.flushedEnd) continue;
                try {
                    store.saveOutput(job.id(), end, job.ring().newest(limits.storedTailBytes()));
                    job.flushedEnd = end;
                } catch (RuntimeException e) {
                    log.warn("could not store the output of job {}: {}", job.id(), e.getMessage());
                }
            }
        }
    }

    /**
     * Kills every job still running (SIGTERM, {@link JobLimits#shutdownGrace}, SIGKILL) and records
     * it as lost; call before the database closes.
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        flusher.interrupt();
        var running = live.values().stream().filter(Job::running).toList();
        for (var job : running) {
            job.stopping(Job.Stop.SHUTDOWN, "Warden stopped while the job ran; its process group was killed");
            Thread.ofVirtual().start(() -> job.process().cancel(limits.shutdownGrace()));
        }
        for (var job : running) awaitEnd(job, limits.shutdownGrace().plus(END_WAIT));
    }

    private String newId() {
        var bytes = new byte[8];
        random.nextBytes(bytes);
        return "job_" + HexFormat.of().formatHex(bytes);
    }
}
