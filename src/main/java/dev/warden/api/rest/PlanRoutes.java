package dev.warden.api.rest;

import dev.warden.engine.Origin;
import dev.warden.engine.Plans;
import dev.warden.identity.Principal;
import dev.warden.json.Json;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /v1/plans}: the plan's answer as JSON, or, when the caller accepts
 * {@code text/event-stream}, a stream of {@code step} and {@code rollback} events as steps start
 * and end, closed by one {@code result} event holding the same answer (its HTTP status in {@code status}).
 */
final class PlanRoutes {
    private final Plans plans;

    PlanRoutes(Plans plans) {
        this.plans = plans;
    }

    void submit(Context ctx, Principal principal) {
        JsonNode plan;
        try {
            plan = Json.parse(ctx.bodyAsBytes());
        } catch (JacksonException e) {
            RestServer.send(ctx, OutcomeResponses.problem(Problem.of(400, "malformed_json",
                    "The body is not valid JSON: " + e.getOriginalMessage(),
                    "Send {\"mode\": \"atomic\", \"steps\": [{\"id\": \"a\", \"action\": \"fs.read\", \"input\": {...}}]}.")));
            return;
        }
        var confirm = ctx.queryParam("confirm");
        var accept = ctx.header("Accept");
        if (accept == null || !accept.contains("text/event-stream")) {
            RestServer.send(ctx, OutcomeResponses.of(plans.submit(plan, principal, Origin.REST, confirm, e -> { })));
            return;
        }
        ctx.status(200).contentType("text/event-stream").header("Cache-Control", "no-cache").disableCompression();
        var out = ApprovalRoutes.rawOutput(ctx);
        var outcome = plans.submit(plan, principal, Origin.REST, confirm, event -> write(out, event.path("event").asString(), event));
        var response = OutcomeResponses.of(outcome);
        var result = Json.object();
        result.put("status", response.status());
        result.set("body", response.body());
        write(out, "result", result);
    }

    /** One SSE event; synchronized because steps end on their own threads. */
    private static void write(OutputStream out, String event, JsonNode data) {
        synchronized (out) {
            try {
                out.write(("event: " + event + "\ndata: " + Json.write(data) + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
