package dev.warden.sandbox;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A started process and its group. {@link #await} waits for the end (enforcing the wall-clock
 * limit), {@link #cancel} stops it from any thread. Stopping sends SIGTERM to the group, waits the
 * grace period, then sends SIGKILL to the group and to every descendant still visible, so children
 * that put themselves in the background die too. When the leader ends on its own, whatever it left
 * running that still holds stdout or stderr open is killed as well, so a call never hangs on a
 * background child; background processes that detached from the output are left alone (they
 * belong in a job, not in a single call).
 */
public final class RunningProcess {
    /** How long output may keep flowing after the leader exited before the leftovers are killed. */
    private static final Duration DRAIN_GRACE = Duration.ofMillis(200);
    private static final Duration DRAIN_AFTER_KILL = Duration.ofSeconds(2);

    private final Process process;
    private final boolean ownGroup;
    private final long startNanos;
    private final Duration timeout;
    private final Duration killGrace;
    private final OutputCapture stdout;
    private final OutputCapture stderr;
    private final String level;
    private final List<String> enforced;
    private final Finisher finisher;
    private final ReentrantLock awaiting = new ReentrantLock();
    /** Standard input when it was kept open (a job), else null; writes to it hold {@link #inputLock}. */
    private final OutputStream input;
    private final Semaphore inputLock = new Semaphore(1);
    private volatile boolean inputClosed;
    private volatile boolean cancelled;
    private volatile boolean finished;
    private boolean interrupted;
    private ProcessResult result;

    RunningProcess(Process process, boolean ownGroup, long startNanos, Duration timeout, Duration killGrace,
                   int outputCap, byte[] stdin, String level, List<String> enforced, Finisher finisher) {
        this(process, ownGroup, startNanos, timeout, killGrace, outputCap, stdin, level, enforced, finisher,
                OutputSink.NONE, false);
    }

    /**
     * {@code sink} hears every byte of output as it is read; with {@code stdinOpen} standard input
     * stays open after {@code stdin} for {@link #writeInput}, until {@link #closeInput}.
     */
    RunningProcess(Process process, boolean ownGroup, long startNanos, Duration timeout, Duration killGrace,
                   int outputCap, byte[] stdin, String level, List<String> enforced, Finisher finisher,
                   OutputSink sink, boolean stdinOpen) {
        this.process = process;
        this.ownGroup = ownGroup;
        this.startNanos = startNanos;
        this.timeout = timeout;
        this.killGrace = killGrace;
        this.level = level;
        this.enforced = List.copyOf(enforced);
        this.finisher = finisher;
        var pid = process.pid();
        this.stdout = OutputCapture.start(process.getInputStream(), outputCap, "stdout-" + pid, process::isAlive, sink,
                OutputSink.Stream.STDOUT);
        this.stderr = OutputCapture.start(process.getErrorStream(), outputCap, "stderr-" + pid, process::isAlive, sink,
                OutputSink.Stream.STDERR);
        this.input = stdinOpen ? process.getOutputStream() : null;
        if (stdinOpen) {
            if (stdin.length > 0) feedAndKeepOpen(stdin);
        } else {
            feed(process, stdin);
        }
    }

    private static void feed(Process process, byte[] stdin) {
        var sink = process.getOutputStream();
        if (stdin.length == 0) {
            closeQuietly(sink);
            return;
        }
        // On its own thread: a process that does not read its input must not block the caller.
        Thread.ofVirtual().name("stdin-" + process.pid()).start(() -> {
            try (sink) {
                sink.write(stdin);
            } catch (IOException e) {
                // The process exited or closed its input before reading everything: that is its choice.
            }
        });
    }

    private void feedAndKeepOpen(byte[] stdin) {
        // A semaphore, not a lock: taken here, released by the feeder thread, so a later writeInput queues behind the first bytes.
        inputLock.acquireUninterruptibly();
        Thread.ofVirtual().name("stdin-" + process.pid()).start(() -> {
            try {
                input.write(stdin);
                input.flush();
            } catch (IOException e) {
                // The process exited or closed its input: later writes will say so.
            } finally {
                inputLock.release();
            }
        });
    }

    /**
     * Writes {@code bytes} to the process's standard input and flushes them; blocks while the pipe
     * is full (the process is not reading). Only for a process started with {@code stdinOpen}.
     */
    public void writeInput(byte[] bytes) throws IOException {
        if (input == null) throw new IllegalStateException("standard input was not kept open");
        inputLock.acquireUninterruptibly();
        try {
            if (inputClosed) throw new IOException("standard input is closed");
            input.write(bytes);
            input.flush();
        } finally {
            inputLock.release();
        }
    }

    /** Closes standard input, so the process reads end-of-file; closing it twice does nothing. */
    public void closeInput() throws IOException {
        if (input == null) return;
        inputLock.acquireUninterruptibly();
        try {
            if (inputClosed) return;
            inputClosed = true;
            input.close();
        } finally {
            inputLock.release();
        }
    }

    /** Whether {@link #writeInput} may still be called: standard input was kept open and not closed. */
    public boolean inputOpen() {
        return input != null && !inputClosed;
    }

    /** The sandbox level it runs at, e.g. {@code process}. */
    public String level() {
        return level;
    }

    /** The limits in force for it, as {@link ProcessResult#enforced} will report them. */
    public List<String> enforced() {
        return enforced;
    }

    /** The process id; when the runner gave the command its own session, also its process group id. */
    public long pid() {
        return process.pid();
    }

    /** Bytes written to stdout and stderr so far, including any the output cap will drop. */
    public long outputBytes() {
        return stdout.total() + stderr.total();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Stops the process group (SIGTERM, grace, SIGKILL); {@link #await} then reports {@code cancelled}. */
    public void cancel() {
        cancel(killGrace);
    }

    /** As {@link #cancel()}, with {@code grace} between SIGTERM and SIGKILL instead of the runner's. */
    public void cancel(Duration grace) {
        // Once collected, the leader's pid may be reused by an unrelated group: signal nothing.
        if (finished) return;
        cancelled = true;
        stop(grace);
    }

    /**
     * Waits until the process ends or its time is up, collects its output and reports. Safe to call
     * from several threads; all get the same result. An interrupt of the waiting thread cancels the
     * process; the interrupt status is kept.
     */
    public ProcessResult await() {
        awaiting.lock();
        try {
            if (result == null) result = supervise();
            return result;
        } finally {
            awaiting.unlock();
        }
    }

    private ProcessResult supervise() {
        boolean timedOut = false;
        long deadline = startNanos + timeout.toNanos();
        while (process.isAlive()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                timedOut = !cancelled;
                stop(killGrace);
                break;
            }
            try {
                process.waitFor(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
                cancel();
            }
        }
        int exit = exitCode();
        boolean ended = stdout.awaitEnd(DRAIN_GRACE) && stderr.awaitEnd(DRAIN_GRACE);
        if (!ended || stdout.endUncertain() || stderr.endUncertain()) {
            // The leader is gone but something it started still holds the output open, or the
            // command ended before its output was being read and nobody can tell.
            killLeftovers();
            stdout.awaitEnd(DRAIN_AFTER_KILL);
            stderr.awaitEnd(DRAIN_AFTER_KILL);
        }
        releaseInput();
        long durationMs = (System.nanoTime() - startNanos) / 1_000_000;
        if (interrupted) Thread.currentThread().interrupt();
        finished = true;
        return finisher.finish(new ProcessResult(exit, stdout.snapshot(), stderr.snapshot(), durationMs, timedOut, cancelled,
                level, enforced));
    }

    /** The exit code of a leader that has exited or was just sent SIGKILL. */
    private int exitCode() {
        while (true) {
            try {
                return process.waitFor();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
    }

    private void stop(Duration grace) {
        var descendants = process.descendants().toList();
        // The group exists once the leader has called setsid; a stop in the first microseconds misses it.
        if (!ownGroup || !ProcessGroup.signal(process.pid(), "TERM")) {
            process.destroy();
            descendants.forEach(ProcessHandle::destroy);
        }
        try {
            process.waitFor(grace.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // SIGKILL regardless: members of the group may ignore SIGTERM or outlive the leader.
        if (ownGroup) ProcessGroup.signal(process.pid(), "KILL");
        descendants.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    /** The process is gone: let go of its input, unless a write is still stuck on it (it fails on its own). */
    private void releaseInput() {
        if (input == null || !inputLock.tryAcquire()) return;
        try {
            inputClosed = true;
            closeQuietly(input);
        } finally {
            inputLock.release();
        }
    }

    private void killLeftovers() {
        if (ownGroup) ProcessGroup.signal(process.pid(), "KILL");
        process.descendants().forEach(ProcessHandle::destroyForcibly);
    }

    private static void closeQuietly(OutputStream out) {
        try {
            out.close();
        } catch (IOException e) {
            // Closing our end of a pipe cannot fail in a way that matters here.
        }
    }
}
