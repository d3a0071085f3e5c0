package dev.warden.api.rest;

import dev.warden.engine.Outcome;
import dev.warden.json.Json;
import dev.warden.monitor.Monitor;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /v1/monitor/stream}: the machine's load as server-sent events, one {@code sample}
 * (a {@code sys.metrics} result) every interval, and an {@code alerts} event whenever the set of
 * firing alerts changes. The first sample is a {@code sys.metrics} call through the engine (policy
 * decides who may watch; one audit record per stream); the rest come from the monitor directly.
 * {@code GET /v1/alerts}: the alert rules, what fires now and what resolved lately.
 */
final class MonitorRoutes {
    private static final Duration HEARTBEAT = Duration.ofSeconds(15);
    private static final Duration STREAM_LIMIT = Duration.ofHours(24);
    private static final long MAX_INTERVAL_SECONDS = 3600;

    private final Monitor monitor;
    private final JobRoutes.Submit submit;

    MonitorRoutes(Monitor monitor, JobRoutes.Submit submit) {
        this.monitor = monitor;
        this.submit = submit;
    }

    void register(RoutesConfig routes) {
        routes.get("/v1/alerts", ctx -> RestServer.send(ctx, new OutcomeResponses.Response(200, "application/json", monitor.status())));
        routes.get("/v1/monitor/stream", this::stream);
    }

    private void stream(Context ctx) {
        var interval = interval(ctx);
        if (interval == null) return;
        var first = submit.submit(ctx, "sys.metrics", Json.object());
        if (!(first instanceof Outcome.Done done)) {
            RestServer.respond(ctx, first);
            return;
        }
        ctx.status(200).contentType("text/event-stream").header("Cache-Control", "no-cache").disableCompression();
        var out = ApprovalRoutes.rawOutput(ctx);
        var until = System.nanoTime() + STREAM_LIMIT.toNanos();
        long seq = 0;
        List<String> firing = List.of();
        try {
            write(out, "retry: " + interval.toMillis() + "\n\n");
            var sample = done.result();
            while (true) {
                write(out, "id: " + (++seq) + "\nevent: sample\ndata: " + Json.write(sample) + "\n\n");
                var status = monitor.status();
                var now = firingIds(status);
                if (!now.equals(firing)) {
                    write(out, "event: alerts\ndata: " + Json.write(status.get("firing")) + "\n\n");
                    firing = now;
                }
                if (System.nanoTime() >= until) return;
                // Sleep in heartbeat-sized steps so a proxy never sees a silent connection for long.
                long wait = interval.toNanos();
                while (wait > 0) {
                    long step = Math.min(wait, HEARTBEAT.toNanos());
                    Thread.sleep(Duration.ofNanos(step));
                    wait -= step;
                    if (wait > 0) write(out, ": keepalive\n\n");
                }
                sample = monitor.sample();
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // The client went away.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code ?interval=N} seconds (1 to 3600), else the monitor's; null after answering 422 for a bad one. */
    private Duration interval(Context ctx) {
        var text = ctx.queryParam("interval");
        if (text == null || text.isBlank()) return monitor.interval();
        try {
            long seconds = Long.parseLong(text.strip());
            if (seconds >= 1 && seconds <= MAX_INTERVAL_SECONDS) return Duration.ofSeconds(seconds);
        } catch (NumberFormatException e) {
            // answered below
        }
        RestServer.send(ctx, OutcomeResponses.problem(Problem.of(422, "invalid_query",
                "interval must be a whole number of seconds from 1 to " + MAX_INTERVAL_SECONDS + ", was '" + text + "'.",
                "Leave it out for the server's interval (" + monitor.interval().toSeconds() + " s), or pass e.g. ?interval=2.")));
        return null;
    }

    private static List<String> firingIds(JsonNode status) {
        var ids = new ArrayList<String>();
        status.path("firing").forEach(alert -> ids.add(alert.path("id").asString()));
        return ids;
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
