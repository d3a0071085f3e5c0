package dev.warden.api.rest;

import dev.warden.action.ActionException;
import dev.warden.approval.Approval;
import dev.warden.approval.ApprovalStatus;
import dev.warden.engine.Approvals;
import dev.warden.engine.Origin;
import dev.warden.identity.Principal;
import dev.warden.json.Json;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;
import tools.jackson.core.JacksonException;

/**
 * {@code /v1/approvals}: list, read (with a long poll), approve and deny. Who may see or decide what
 * is the engine's rule ({@link Approvals}); this class only maps HTTP to it and back.
 */
final class ApprovalRoutes {
    static final int MAX_WAIT_SECONDS = 60;

    private final Approvals approvals;

    ApprovalRoutes(Approvals approvals) {
        this.approvals = approvals;
    }

    OutcomeResponses.Response list(Context ctx, Principal principal) {
        ApprovalStatus status = null;
        var statusText = ctx.queryParam("status");
        if (statusText != null) {
            try {
                status = ApprovalStatus.of(statusText);
            } catch (IllegalArgumentException e) {
                return invalidQuery("status must be one of pending, approved, executed, denied, expired.");
            }
        }
        var filter = status;
        return answer(() -> {
            var body = Json.object();
            var list = body.putArray("approvals");
            approvals.list(principal, filter, 200).forEach(a -> list.add(a.toJson()));
            return body;
        });
    }

    OutcomeResponses.Response get(Context ctx, Principal principal) {
        var waitText = ctx.queryParam("wait");
        int wait;
        try {
            wait = waitText == null ? 0 : Integer.parseInt(waitText);
        } catch (NumberFormatException e) {
            wait = -1;
        }
        if (wait < 0 || wait > MAX_WAIT_SECONDS) {
            return invalidQuery("wait is a number of seconds from 0 to " + MAX_WAIT_SECONDS + ".");
        }
        var seconds = wait;
        return answer(() -> {
            try {
                return approvals.await(principal, ctx.pathParam("id"), Duration.ofSeconds(seconds)).toJson();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return approvals.get(principal, ctx.pathParam("id")).toJson();
            }
        });
    }

    /**
     * {@code GET /v1/approvals/{id}/stream}: server-sent {@code approval} events with the request now
     * and at every change (a vote, the decision, the result), ending once it is settled or after
     * {@link #STREAM_LIMIT}. Polls the store, since the decision may come from another process.
     */
    void stream(Context ctx, Principal principal) {
        var id = ctx.pathParam("id");
        Approval first;
        try {
            first = approvals.get(principal, id);
        } catch (ActionException e) {
            RestServer.send(ctx, errorOf(e));
            return;
        }
        ctx.status(200).contentType("text/event-stream").header("Cache-Control", "no-cache").disableCompression();
        var out = rawOutput(ctx);
        var until = System.nanoTime() + STREAM_LIMIT.toNanos();
        var lastBeat = System.nanoTime();
        String last = null;
        var approval = first;
        try {
            while (true) {
                var json = Json.write(approval.toJson());
                if (!json.equals(last)) {
                    write(out, "event: approval\ndata: " + json + "\n\n");
                    last = json;
                    lastBeat = System.nanoTime();
                } else if (System.nanoTime() - lastBeat > HEARTBEAT.toNanos()) {
                    write(out, ": waiting\n\n");
                    lastBeat = System.nanoTime();
                }
                if (Approvals.settled(approval) || System.nanoTime() > until) break;
                Thread.sleep(POLL.toMillis());
                approval = approvals.get(principal, id);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | ActionException e) {
            // The client went away, or the request can no longer be read: the stream just ends.
        }
    }

    /** The servlet's own stream: Javalin's wrapper may hold output back until the handler returns. */
    static OutputStream rawOutput(Context ctx) {
        try {
            return ctx.res().getOutputStream();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static final Duration STREAM_LIMIT = Duration.ofMinutes(30);
    private static final Duration HEARTBEAT = Duration.ofSeconds(15);
    private static final Duration POLL = Duration.ofMillis(250);

    OutcomeResponses.Response approve(Context ctx, Principal principal) {
        return decide(ctx, principal, true);
    }

    OutcomeResponses.Response deny(Context ctx, Principal principal) {
        return decide(ctx, principal, false);
    }

    private OutcomeResponses.Response decide(Context ctx, Principal principal, boolean approve) {
        String comment = null;
        var body = ctx.bodyAsBytes();
        if (body.length > 0) {
            try {
                var node = Json.parse(body);
                if (!node.isObject() || (node.has("comment") && !node.get("comment").isString())) {
                    return bad("The body is {\"comment\": \"...\"}, and comment is optional.");
                }
                comment = node.has("comment") ? node.get("comment").asString() : null;
            } catch (JacksonException e) {
                return bad("The body is not valid JSON: " + e.getOriginalMessage());
            }
        }
        var text = comment;
        var id = ctx.pathParam("id");
        return answer(() -> {
            Approval decided = approve ? approvals.approve(principal, id, text, Origin.REST)
                    : approvals.deny(principal, id, text, Origin.REST);
            return decided.toJson();
        });
    }

    private static OutcomeResponses.Response answer(Supplier<tools.jackson.databind.JsonNode> body) {
        try {
            return new OutcomeResponses.Response(200, "application/json", body.get());
        } catch (ActionException e) {
            return errorOf(e);
        }
    }

    private static OutcomeResponses.Response errorOf(ActionException e) {
        int status = switch (e.kind()) {
            case NOT_FOUND -> 404;
            case REFUSED -> 403;
            case CONFLICT -> 409;
            case BAD_INPUT, LIMIT -> 422;
            case INTERNAL -> 500;
        };
        return OutcomeResponses.problem(Problem.of(status, e.code(), e.getMessage(), e.hint()));
    }

    private static OutcomeResponses.Response invalidQuery(String detail) {
        return OutcomeResponses.problem(Problem.of(422, "invalid_query", detail,
                "Use GET /v1/approvals?status=pending, or GET /v1/approvals/{id}?wait=30."));
    }

    private static OutcomeResponses.Response bad(String detail) {
        return OutcomeResponses.problem(Problem.of(400, "malformed_json", detail,
                "Send {\"comment\": \"why\"} or no body at all."));
    }
}
