package dev.warden.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One line on stderr, redrawn in place while an agent's step runs ({@code [step 2 fs.write running
 * 1.2s]}). The step runs on the thread that delivers the events, so a small timer redraws the line
 * meanwhile. Anything else printed clears it first ({@link #stop}), so no output lands inside it.
 */
final class StepProgress implements AutoCloseable {
    private static final long REDRAW_MILLIS = 200;

    private final PrintWriter err;
    private final boolean enabled;
    private ScheduledExecutorService timer;
    private ScheduledFuture<?> redraw;
    private String label;
    private long startedNanos;
    private boolean shown;

    StepProgress(PrintWriter err, boolean enabled) {
        this.err = err;
        this.enabled = enabled;
    }

    synchronized void start(int index, String action) {
        if (!enabled) return;
        stop();
        label = "step " + index + " " + action;
        startedNanos = System.nanoTime();
        draw();
        if (timer == null) {
            timer = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("warden-step-progress").factory());
        }
        redraw = timer.scheduleAtFixedRate(this::draw, REDRAW_MILLIS, REDRAW_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Clears the line, if shown, and stops redrawing it. */
    synchronized void stop() {
        if (redraw != null) {
            redraw.cancel(false);
            redraw = null;
        }
        label = null;
        if (shown) {
            err.print("\r\033[K");
            err.flush();
            shown = false;
        }
    }

    private synchronized void draw() {
        if (label == null) return;
        var seconds = Duration.ofNanos(System.nanoTime() - startedNanos).toMillis() / 1000.0;
        err.print("\r\033[K[" + label + " running " + String.format(Locale.ROOT, "%.1fs", seconds) + "]");
        err.flush();
        shown = true;
    }

    @Override
    public synchronized void close() {
        stop();
        if (timer != null) timer.shutdownNow();
    }
}
