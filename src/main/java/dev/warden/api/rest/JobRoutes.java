package dev.warden.api.rest;

import dev.warden.action.ActionException;
import dev.warden.engine.Engine;
import dev.warden.engine.Outcome;
import dev.warden.identity.Principal;
import dev.warden.jobs.Jobs;
import dev.warden.jobs.ReadFrom;
import dev.warden.json.Json;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /v1/jobs}: background jobs as a REST resource. Every route but the stream is a
 * {@code job.*} action through the engine (policy, audit); the stream's first read is one too, and
 * the output that follows comes from {@link Jobs} directly, so a long stream is one audit record.
 */
final class JobRoutes {
    /** How much output one {@code output} event carries at most. */
    private static final int EVENT_BYTES = 64 * 1024;
    private static final Duration HEARTBEAT = Duration.ofSeconds(15);
    private static final Duration STREAM_LIMIT = Duration.ofHours(24);

    /** Turns a request into an intent for an action and submits it, as {@code POST /v1/actions/{id}} does. */
    interface Submit {
        Outcome submit(Context ctx, String actionId, JsonNode input);
    }

    private final Jobs jobs;
    private final Submit submit;

    JobRoutes(Jobs jobs, Submit submit) {
        this.jobs = jobs;
        this.submit = submit;
    }

    void register(RoutesConfig routes, Function<Context, Principal> principal) {
        routes.get("/v1/jobs", this::list);
        routes.post("/v1/jobs", this::start);
        routes.get("/v1/jobs/{id}", ctx -> answer(ctx, "job.list", Json.object().put("jobId", ctx.pathParam("id"))));
        routes.get("/v1/jobs/{id}/output", this::output);
        routes.post("/v1/jobs/{id}/input", ctx -> withBody(ctx, "job.input"));
        routes.post("/v1/jobs/{id}/cancel", ctx -> withBody(ctx, "job.cancel"));
        routes.get("/v1/jobs/{id}/stream", ctx -> stream(ctx, principal.apply(ctx)));
    }

    private void list(Context ctx) {
        var input = Json.object();
        copyQuery(ctx, input, "status", false);
        copyQuery(ctx, input, "limit", true);
        answer(ctx, "job.list", input);
    }

    /** {@code POST /v1/jobs}: job.start, answered 202 Accepted with the job's Location once it runs. */
    private void start(Context ctx) {
        var input = body(ctx);
        if (input == null) return;
        var outcome = submit.submit(ctx, "job.start", input);
        if (outcome instanceof Outcome.Done done && !done.simulated()) {
            var response = OutcomeResponses.of(done);
            ctx.header("Location", "/v1/jobs/" + done.result().path("jobId").asString());
            RestServer.send(ctx, new OutcomeResponses.Response(202, response.contentType(), response.body()));
            return;
        }
        RestServer.respond(ctx, outcome);
    }

    private void output(Context ctx) {
        var input = Json.object().put("jobId", ctx.pathParam("id"));
        for (var name : new String[] {"offset", "tailLines", "tailBytes", "maxBytes", "waitMs"}) copyQuery(ctx, input, name, true);
        var sinceLast = ctx.queryParam("sinceLast");
        if (sinceLast != null) {
            if (sinceLast.equals("true") || sinceLast.equals("false")) input.put("sinceLast", Boolean.parseBoolean(sinceLast));
            else input.put("sinceLast", sinceLast);
        }
        answer(ctx, "job.output", input);
    }

    /** An action on the job in the path, with the body's fields besides {@code jobId}. */
    private void withBody(Context ctx, String actionId) {
        var input = body(ctx);
        if (input == null) return;
        input.put("jobId", ctx.pathParam("id"));
        answer(ctx, actionId, input);
    }

    private void answer(Context ctx, String actionId, JsonNode input) {
        RestServer.respond(ctx, submit.submit(ctx, actionId, input));
    }

    /** The body as a JSON object (none: an empty one), or null after answering 400. */
    private static ObjectNode body(Context ctx) {
        var bytes = ctx.bodyAsBytes();
        if (bytes.length == 0) return Json.object();
        try {
            if (Json.parse(bytes) instanceof ObjectNode node) return node;
        } catch (JacksonException e) {
            // answered below
        }
        RestServer.send(ctx, OutcomeResponses.problem(Problem.of(400, "malformed_json", "The body is not a JSON object.",
                "Send the action's input as one JSON object, e.g. {\"command\": \"make\"}.")));
        return null;
    }

    /** Copies a query parameter into the input; numbers as numbers, so the schema judges them (and names a bad one). */
    private static void copyQuery(Context ctx, ObjectNode input, String name, boolean numeric) {
        var value = ctx.queryParam(name);
        if (value == null) return;
        if (numeric) {
            try {
                input.put(name, Long.parseLong(value));
                return;
            } catch (NumberFormatException e) {
                // left as text: validation says it is not an integer
            }
        }
        input.put(name, value);
    }

    /**
     * {@code GET /v1/jobs/{id}/stream}: server-sent events. {@code output} events carry
     * {@code {offset, nextOffset, data, droppedBytes}} with {@code id: nextOffset}, so a client that
     * reconnects with {@code Last-Event-ID} (or {@code ?offset=}) continues where it stopped; one
     * {@code exit} event carries the job once it ended and its output was sent. A client that goes
     * away ends only the stream, never the job.
     */
    private void stream(Context ctx, Principal principal) {
        var id = ctx.pathParam("id");
        var from = ctx.header("Last-Event-ID");
        if (from == null) from = ctx.queryParam("offset");
        long offset;
        try {
            offset = from == null || from.isBlank() ? 0 : Long.parseLong(from.strip());
        } catch (NumberFormatException e) {
            offset = -1;
        }
        if (offset < 0) {
            RestServer.send(ctx, OutcomeResponses.problem(Problem.of(422, "invalid_query",
                    "offset (or Last-Event-ID) must be a byte offset, a whole number >= 0.",
                    "Start with no offset, or resume with the id of the last event you received.")));
            return;
        }
        // The first read is a job.output call: policy decides, and the audit trail shows who watched.
        var first = submit.submit(ctx, "job.output", Json.object().put("jobId", id).put("offset", offset)
                .put("maxBytes", EVENT_BYTES));
        if (!(first instanceof Outcome.Done done)) {
            RestServer.respond(ctx, first);
            return;
        }
        ctx.status(200).contentType("text/event-stream").header("Cache-Control", "no-cache").disableCompression();
        var out = ApprovalRoutes.rawOutput(ctx);
        var caller = Engine.caller(principal);
        var result = done.result();
        var until = System.nanoTime() + STREAM_LIMIT.toNanos();
        try {
            long next = result.path("nextOffset").asLong();
            if (!result.path("data").asString().isEmpty() || result.path("droppedBytes").asLong() > 0) {
                output(out, result.path("offset").asLong(), next, result.path("data").asString(),
                        result.path("droppedBytes").asLong());
            }
            boolean finished = result.path("finished").asBoolean();
            while (!finished && System.nanoTime() < until) {
                var read = jobs.read(caller, id, new ReadFrom.Offset(next), EVENT_BYTES, HEARTBEAT);
                var text = read.text();
                if (!text.data().isEmpty() || read.slice().droppedBytes() > 0) {
                    output(out, text.offset(), text.nextOffset(), text.data(), read.slice().droppedBytes());
                } else if (!read.finished()) {
                    write(out, ": keepalive\n\n");
                }
                next = text.nextOffset();
                finished = read.finished();
            }
            if (finished) {
                var job = jobs.get(caller, id).toJson(Instant.now());
                write(out, "event: exit\ndata: " + Json.write(job) + "\n\n");
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // The client went away: only the stream ends; the job runs on.
        } catch (ActionException e) {
            // The job can no longer be read (e.g. it left the store): end the stream.
        }
    }

    private static void output(OutputStream out, long offset, long next, String data, long dropped) throws IOException {
        var event = Json.object();
        event.put("offset", offset);
        event.put("nextOffset", next);
        event.put("data", data);
        if (dropped > 0) event.put("droppedBytes", dropped);
        write(out, "id: " + next + "\nevent: output\ndata: " + Json.write(event) + "\n\n");
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
