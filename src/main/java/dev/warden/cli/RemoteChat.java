package dev.warden.cli;

import dev.warden.agent.Chats;
import dev.warden.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * A chat session on a Warden server, through its REST API: {@code POST /v1/chat/sessions} starts
 * one, {@code GET /v1/chat/sessions/{id}} finds one to resume, {@code POST .../{id}/messages} sends
 * a message and answers with the turn's events as server-sent events ({@code event: TYPE},
 * {@code data: JSON}); the stream ends with the turn. The server acts as the token's principal,
 * under its policy.
 */
final class RemoteChat implements ChatChannel {
    /** The events that end a turn: the server closes the stream after one, and so does this client. */
    static final Set<String> LAST = Set.of("done", "waiting", "failed");
    /** How much of a body that is not Warden's JSON is worth showing: enough to recognise a web page. */
    private static final int SHOWN_BODY = 160;
    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(30);
    /**
     * How long a turn's stream may say nothing: the server sends a keep-alive every 15 s, so a minute
     * of silence means it or the network is gone, not that the agent is thinking.
     */
    static final Duration SILENCE = Duration.ofSeconds(60);

    private final HttpClient http;
    private final String server;
    private final String token;
    private final String id;
    /** What the session waits for, as the server last said: at resume, then after each turn. */
    private volatile String waitingFor;

    private RemoteChat(HttpClient http, String server, String token, String id, String waitingFor) {
        this.http = http;
        this.server = server;
        this.token = token;
        this.id = id;
        this.waitingFor = waitingFor;
    }

    static RemoteChat start(String server, String token, String title, boolean autonomous) {
        var base = base(server);
        var http = client();
        try {
            var body = Json.object().put("title", title).put("autonomous", autonomous);
            var created = json(http, base, "starting a chat session", request(base, "/v1/chat/sessions", token)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(Json.write(body))));
            var id = created.path("id").asString("");
            if (id.isBlank()) throw new ChatException(base + " started a chat session but sent no id: " + shown(Json.write(created)));
            return new RemoteChat(http, base, token, id, null);
        } catch (RuntimeException e) {
            http.close();
            throw e;
        }
    }

    /**
     * The token's user's session {@code id} on {@code server}, with what it waits for; throws when
     * the server knows no such session of theirs (another user's is as unknown as a made-up id).
     */
    static RemoteChat resume(String server, String token, String id) {
        var base = base(server);
        var http = client();
        try {
            var summary = summary(json(http, base, "finding chat session " + id, request(base, path(id), token).GET()));
            return new RemoteChat(http, base, token, summary.id(), summary.waitingFor());
        } catch (RuntimeException e) {
            http.close();
            throw e;
        }
    }

    /** The token's user's sessions on {@code server} in its project, newest first. */
    static List<Chats.Summary> sessions(String server, String token) {
        var base = base(server);
        try (var http = client()) {
            var list = json(http, base, "listing chat sessions", request(base, "/v1/chat/sessions", token).GET());
            var sessions = new ArrayList<Chats.Summary>();
            for (var node : list.path("sessions")) sessions.add(summary(node));
            return sessions;
        }
    }

    private static HttpClient client() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    private static String base(String server) {
        return server.endsWith("/") ? server.substring(0, server.length() - 1) : server;
    }

    private static String path(String id) {
        return "/v1/chat/sessions/" + URLEncoder.encode(id, StandardCharsets.UTF_8);
    }

    private static HttpRequest.Builder request(String base, String path, String token) {
        return HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
                .header("Accept", "application/json").timeout(ASK_TIMEOUT);
    }

    /** The JSON body of a 200 or 201 answer; anything else is a {@link ChatException} saying what came back. */
    private static JsonNode json(HttpClient http, String base, String doing, HttpRequest.Builder request) {
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new ChatException(base + " did not answer " + doing + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChatException("interrupted while " + doing, e);
        }
        if (response.statusCode() != 200 && response.statusCode() != 201) {
            throw new ChatException(refusal(base, doing, response.statusCode(), response.body()));
        }
        try {
            return Json.parse(response.body());
        } catch (JacksonException e) {
            throw new ChatException(notWarden(base, doing, response.headers().firstValue("Content-Type").orElse("no type"),
                    response.body()));
        }
    }

    /** A session as the API lists it; what is missing or malformed is the server's fault, said as such. */
    private static Chats.Summary summary(JsonNode node) {
        try {
            return new Chats.Summary(node.path("id").asString(), node.path("title").asString(""), node.path("autonomous").asBoolean(),
                    Instant.parse(node.path("createdAt").asString()), Instant.parse(node.path("updatedAt").asString()),
                    node.path("waitingFor").isString() ? node.path("waitingFor").asString() : null);
        } catch (JacksonException | DateTimeParseException e) {
            throw new ChatException("a chat session the server described oddly: " + shown(Json.write(node)), e);
        }
    }

    @Override
    public String sessionId() {
        return id;
    }

    @Override
    public String waitingFor() {
        return waitingFor;
    }

    @Override
    public void send(String text, Consumer<JsonNode> events) {
        // No time limit on the response: a turn lasts as long as its steps and the model take.
        var request = HttpRequest.newBuilder(URI.create(server + path(id) + "/messages")).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(Json.object().put("text", text)))).build();
        try {
            var response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (var body = response.body()) {
                if (response.statusCode() != 200) {
                    throw new ChatException(refusal(server, "sending a message", response.statusCode(),
                            new String(body.readAllBytes(), StandardCharsets.UTF_8)));
                }
                var type = response.headers().firstValue("Content-Type").orElse("no type");
                if (!type.startsWith("text/event-stream")) {
                    throw new ChatException(notWarden(server, "sending a message", type,
                            new String(body.readNBytes(SHOWN_BODY * 4), StandardCharsets.UTF_8)));
                }
                boolean ended = read(body, SILENCE, event -> {
                    var kind = event.path("type").asString("");
                    if (LAST.contains(kind)) waitingFor = kind.equals("waiting") ? event.path("for").asString(null) : null;
                    events.accept(event);
                });
                if (!ended) throw new ChatException("the stream from " + server + " ended before the turn did");
            }
        } catch (IOException e) {
            throw new ChatException("the stream from " + server + " broke: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChatException("interrupted while waiting for the agent", e);
        }
    }

    /**
     * Reads server-sent events until the one that ends the turn; false when the stream ended first.
     * The JSON carries its own type; the event name is only the SSE framing of it.
     */
    static boolean read(InputStream stream, Duration silence, Consumer<JsonNode> events) throws IOException {
        var in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8));
        var heard = new AtomicLong(System.nanoTime());
        var silent = new AtomicBoolean();
        // A blocked read has no timeout of its own: closing the stream from outside is what ends it.
        var watchdog = Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    Thread.sleep(Math.max(10, Math.min(1000, silence.toMillis() / 4)));
                    if (System.nanoTime() - heard.get() > silence.toNanos()) {
                        silent.set(true);
                        stream.close();
                        return;
                    }
                }
            } catch (InterruptedException | IOException e) {
                // The turn ended first, or the stream is already gone.
            }
        });
        var quiet = "nothing came for " + silence.toMillis() / 1000.0 + " s (not even a keep-alive)";
        try {
            boolean ended = readEvents(in, heard, events);
            if (!ended && silent.get()) throw new IOException(quiet);
            return ended;
        } catch (IOException e) {
            if (silent.get() && !quiet.equals(e.getMessage())) throw new IOException(quiet, e);
            throw e;
        } finally {
            watchdog.interrupt();
        }
    }

    private static boolean readEvents(BufferedReader in, AtomicLong heard, Consumer<JsonNode> events) throws IOException {
        var data = new StringBuilder();
        String line;
        while ((line = in.readLine()) != null) {
            heard.set(System.nanoTime());
            if (line.startsWith("data:")) {
                if (!data.isEmpty()) data.append('\n');
                data.append(line.substring(line.startsWith("data: ") ? 6 : 5));
            } else if (line.isEmpty() && !data.isEmpty()) {
                JsonNode event;
                try {
                    event = Json.parse(data.toString());
                } catch (JacksonException e) {
                    throw new IOException("an event that is not JSON: " + shown(data.toString()), e);
                }
                data.setLength(0);
                events.accept(event);
                if (LAST.contains(event.path("type").asString(""))) return true;
            }
            // "event:", "id:", "retry:" and ":" comments (keep-alives) carry nothing the JSON does not.
        }
        return false;
    }

    /** The server's problem+json said briefly: its code, message and hint when it sent them. */
    private static String refusal(String server, String doing, int status, String body) {
        try {
            var problem = Json.parse(body);
            var detail = problem.path("detail").asString(problem.path("message").asString(problem.path("title").asString("")));
            var text = new StringBuilder(server).append(" refused ").append(doing).append(": ").append(status);
            if (problem.has("code")) text.append(' ').append(problem.path("code").asString());
            if (!detail.isBlank()) text.append(": ").append(detail);
            if (problem.has("hint")) text.append(" (").append(problem.path("hint").asString()).append(')');
            return text.toString();
        } catch (JacksonException e) {
            return server + " refused " + doing + ": " + status + " " + shown(body) + " (is " + server + " a Warden server?)";
        }
    }

    private static String notWarden(String server, String doing, String contentType, String body) {
        return server + " answered " + doing + " with " + contentType + ", not Warden's chat API (is " + server
                + " a Warden server?): " + shown(body);
    }

    /** A body on one line and cut short: a web page or a stack trace must not flood the terminal. */
    private static String shown(String body) {
        var line = body.strip().replaceAll("\\s+", " ");
        return line.length() <= SHOWN_BODY ? line : line.substring(0, SHOWN_BODY - 3) + "...";
    }

    @Override
    public void close() {
        http.close();
    }
}
