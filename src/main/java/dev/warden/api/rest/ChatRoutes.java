package dev.warden.api.rest;

import dev.warden.agent.AgentEvent;
import dev.warden.agent.AgentEvents;
import dev.warden.agent.ChatSession;
import dev.warden.agent.Chats;
import dev.warden.engine.Outcome;
import dev.warden.identity.Principal;
import dev.warden.json.Json;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /v1/chat/sessions}: conversations with Warden's own agent. Any authenticated principal may
 * chat; what the agent may do is decided per call by the engine, as that principal (a token narrowed
 * to some actions is offered and runs only those). A session is its owner's user's in its project;
 * anyone else is told it does not exist. A message's answer is the turn's {@link AgentEvent}s, as
 * server-sent events while they happen or as one JSON body once the turn ends.
 */
final class ChatRoutes {
    private static final Logger log = LoggerFactory.getLogger(ChatRoutes.class);
    static final int MAX_TEXT = 20_000;
    static final int MAX_TITLE = 200;
    private static final Set<String> SESSION_FIELDS = Set.of("title", "autonomous");
    /** A model call may take a minute with retries; proxies drop connections silent for much less. */
    private static final Duration HEARTBEAT = Duration.ofSeconds(15);

    private final Chats chats;

    ChatRoutes(Chats chats) {
        this.chats = chats;
    }

    void register(RoutesConfig routes, Function<Context, Principal> principal) {
        routes.post("/v1/chat/sessions", ctx -> start(ctx, principal.apply(ctx)));
        routes.get("/v1/chat/sessions", ctx -> list(ctx, principal.apply(ctx)));
        routes.get("/v1/chat/sessions/{id}", ctx -> get(ctx, principal.apply(ctx)));
        routes.post("/v1/chat/sessions/{id}/messages", ctx -> message(ctx, principal.apply(ctx)));
    }

    private void start(Context ctx, Principal principal) {
        var body = body(ctx, "{\"title\": \"disk cleanup\", \"autonomous\": false} (both optional)");
        if (body.isEmpty()) return;
        var errors = new ArrayList<Outcome.FieldError>();
        for (var name : body.get().propertyNames()) {
            if (!SESSION_FIELDS.contains(name)) errors.add(new Outcome.FieldError("/" + name, "unknown field"));
        }
        var title = body.get().get("title");
        if (title != null && !title.isNull() && (!title.isString() || title.asString().length() > MAX_TITLE)) {
            errors.add(new Outcome.FieldError("/title", "must be a string of at most " + MAX_TITLE + " characters"));
        }
        var autonomous = body.get().get("autonomous");
        if (autonomous != null && !autonomous.isNull() && !autonomous.isBoolean()) {
            errors.add(new Outcome.FieldError("/autonomous", "must be true or false"));
        }
        if (!errors.isEmpty()) {
            invalid(ctx, "The body has fields a new chat session does not take.",
                    "Send {\"title\": \"disk cleanup\", \"autonomous\": false}; both are optional.", errors);
            return;
        }
        var session = chats.start(principal, autonomous != null && autonomous.asBoolean(false),
                title == null || title.isNull() ? null : title.asString());
        var summary = chats.summary(session.id(), principal).orElseThrow();
        var json = Json.object().put("id", summary.id()).put("title", summary.title()).put("autonomous", summary.autonomous())
                .put("createdAt", summary.createdAt().toString());
        ctx.header("Location", "/v1/chat/sessions/" + summary.id());
        RestServer.send(ctx, new OutcomeResponses.Response(201, "application/json", json));
    }

    private void list(Context ctx, Principal principal) {
        var body = Json.object();
        var sessions = body.putArray("sessions");
        chats.list(principal).forEach(s -> sessions.add(toJson(s)));
        RestServer.send(ctx, new OutcomeResponses.Response(200, "application/json", body));
    }

    private void get(Context ctx, Principal principal) {
        var summary = chats.summary(ctx.pathParam("id"), principal);
        if (summary.isEmpty()) {
            notFound(ctx);
            return;
        }
        RestServer.send(ctx, new OutcomeResponses.Response(200, "application/json", toJson(summary.get())));
    }

    private void message(Context ctx, Principal principal) {
        var text = text(ctx);
        if (text == null) return;
        var found = chats.find(ctx.pathParam("id"), principal);
        if (found.isEmpty()) {
            notFound(ctx);
            return;
        }
        var session = found.get();
        var accept = ctx.header("Accept");
        if (accept != null && accept.contains("text/event-stream")) {
            // Pieces of the model's text as they come are opt-in: a client that does not know them sees only whole texts.
            stream(ctx, session, principal, text, "true".equalsIgnoreCase(ctx.queryParam("deltas")));
            return;
        }
        var events = new ArrayList<AgentEvent>();
        chats.send(session, principal, text, events::add);
        var body = Json.object();
        var list = body.putArray("events");
        events.forEach(e -> list.add(AgentEvents.toJson(e)));
        body.put("waitingFor", session.waitingFor());
        RestServer.send(ctx, new OutcomeResponses.Response(200, "application/json", body));
    }

    /**
     * One turn as server-sent events, each written and flushed as the agent emits it; the stream ends
     * with the turn. A client that goes away does not stop the turn: it runs to its end and is saved,
     * so the person finds the session where it stopped.
     */
    private void stream(Context ctx, ChatSession session, Principal principal, String text, boolean deltas) {
        ctx.status(200).contentType("text/event-stream").header("Cache-Control", "no-cache").disableCompression();
        try (var out = new EventStream(ApprovalRoutes.rawOutput(ctx))) {
            try {
                chats.send(session, principal, text, out::event, deltas);
            } catch (RuntimeException e) {
                // The status line is sent: the failure can only be told as the turn's last event.
                log.error("chat turn failed in session {}", session.id(), e);
                out.event(new AgentEvent.Failed("internal_error", "Warden hit an internal error during this turn.",
                        "Retry; if it persists, report it with the time of the request."));
            }
        }
    }

    /** The message text from a body {@code {"text": "..."}}, or null after answering 400 or 422. */
    private static String text(Context ctx) {
        var body = body(ctx, "{\"text\": \"free up space on /var\"}");
        if (body.isEmpty()) return null;
        var node = body.get().get("text");
        var errors = new ArrayList<Outcome.FieldError>();
        for (var name : body.get().propertyNames()) {
            if (!name.equals("text")) errors.add(new Outcome.FieldError("/" + name, "unknown field"));
        }
        if (node == null || !node.isString()) {
            errors.add(new Outcome.FieldError("/text", "required, a string"));
        } else {
            var length = node.asString().codePointCount(0, node.asString().length());
            if (node.asString().isBlank() || length > MAX_TEXT) {
                errors.add(new Outcome.FieldError("/text", "must be 1 to " + MAX_TEXT + " characters, not blank; was " + length));
            }
        }
        if (!errors.isEmpty()) {
            invalid(ctx, "A message is {\"text\": \"...\"} with 1 to " + MAX_TEXT + " characters.",
                    "Send {\"text\": \"free up space on /var\"}; answer a plan or question with e.g. {\"text\": \"yes\"}; "
                            + "split longer input into several messages.", errors);
            return null;
        }
        return node.asString();
    }

    /** The body as a JSON object (none: an empty one), or empty after answering 400 or 422. */
    private static Optional<ObjectNode> body(Context ctx, String example) {
        var bytes = ctx.bodyAsBytes();
        if (bytes.length == 0) return Optional.of(Json.object());
        try {
            if (Json.parse(bytes) instanceof ObjectNode node) return Optional.of(node);
            invalid(ctx, "The body is not a JSON object.", "Send " + example + ".", List.of());
        } catch (JacksonException e) {
            RestServer.send(ctx, OutcomeResponses.problem(Problem.of(400, "malformed_json",
                    "The body is not valid JSON: " + e.getOriginalMessage(), "Send " + example + ".")));
        }
        return Optional.empty();
    }

    private static void invalid(Context ctx, String detail, String hint, List<Outcome.FieldError> errors) {
        RestServer.send(ctx, OutcomeResponses.problem(Problem.of(422, "invalid_input", detail, hint).withErrors(errors)));
    }

    /** The same answer whether the session never existed or is someone else's. */
    private static void notFound(Context ctx) {
        RestServer.send(ctx, OutcomeResponses.problem(Problem.of(404, "chat_not_found",
                "There is no chat session " + ctx.pathParam("id") + " of yours in this project.",
                "GET /v1/chat/sessions lists your sessions; POST /v1/chat/sessions starts one.")));
    }

    private static ObjectNode toJson(Chats.Summary s) {
        return Json.object().put("id", s.id()).put("title", s.title()).put("autonomous", s.autonomous())
                .put("createdAt", s.createdAt().toString()).put("updatedAt", s.updatedAt().toString())
                .put("waitingFor", s.waitingFor());
    }

    /**
     * The response as an event stream: the agent's events, and a comment every {@link #HEARTBEAT}
     * while the turn runs. Writes are serialised; after a failed write (the client left) or
     * {@link #close()}, nothing more is written.
     */
    private static final class EventStream implements AutoCloseable {
        private final OutputStream out;
        private final Thread heartbeat;
        private boolean closed;

        EventStream(OutputStream out) {
            this.out = out;
            this.heartbeat = Thread.ofVirtual().name("warden-chat-heartbeat").start(this::beat);
        }

        void event(AgentEvent event) {
            write("event: " + AgentEvents.type(event) + "\ndata: " + Json.write(AgentEvents.toJson(event)) + "\n\n");
        }

        private void beat() {
            try {
                while (true) {
                    Thread.sleep(HEARTBEAT);
                    write(": keepalive\n\n");
                }
            } catch (InterruptedException e) {
                // The turn ended.
            }
        }

        private synchronized void write(String text) {
            if (closed) return;
            try {
                out.write(text.getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException | RuntimeException e) {
                closed = true;
            }
        }

        @Override
        public void close() {
            synchronized (this) {
                closed = true;
            }
            heartbeat.interrupt();
        }
    }
}
