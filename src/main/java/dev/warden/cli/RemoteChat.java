package dev.warden.cli;

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
import java.util.Set;
import java.util.function.Consumer;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * A chat session on a Warden server, through its REST API: {@code POST /v1/chat/sessions} starts
 * one, {@code POST /v1/chat/sessions/{id}/messages} sends a message and answers with the turn's
 * events as server-sent events ({@code event: TYPE}, {@code data: JSON}); the stream ends with the
 * turn. The server acts as the token's principal, under its policy.
 */
final class RemoteChat implements ChatChannel {
    /** The events that end a turn: the server closes the stream after one, and so does this client. */
    static final Set<String> LAST = Set.of("done", "waiting", "failed");

    private final HttpClient http;
    private final String server;
    private final String token;
    private final String id;

    private RemoteChat(HttpClient http, String server, String token, String id) {
        this.http = http;
        this.server = server;
        this.token = token;
        this.id = id;
    }

    static RemoteChat start(String server, String token, String title, boolean autonomous) {
        var base = base(server);
        var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        var body = Json.object().put("title", title).put("autonomous", autonomous);
        try {
            var response = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/sessions"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(Json.write(body))).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 201 && response.statusCode() != 200) {
                throw new ChatException(refusal(base, "starting a chat session", response.statusCode(), response.body()));
            }
            var id = Json.parse(response.body()).path("id").asString("");
            if (id.isBlank()) throw new ChatException(base + " started a chat session but sent no id: " + response.body());
            return new RemoteChat(http, base, token, id);
        } catch (IOException | JacksonException e) {
            http.close();
            throw new ChatException(base + " did not answer: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            http.close();
            Thread.currentThread().interrupt();
            throw new ChatException("interrupted while starting a chat session", e);
        } catch (RuntimeException e) {
            http.close();
            throw e;
        }
    }

    /**
     * A session of the token's user on {@code server}, taken up by its id. Nothing is asked of the
     * server until the first message, which is refused if the session is not the token's.
     */
    static RemoteChat resume(String server, String token, String id) {
        return new RemoteChat(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build(), base(server), token, id);
    }

    private static String base(String server) {
        return server.endsWith("/") ? server.substring(0, server.length() - 1) : server;
    }

    @Override
    public String sessionId() {
        return id;
    }

    /** The server does not say here what a resumed session waits for; its next answer shows it. */
    @Override
    public String waitingFor() {
        return null;
    }

    @Override
    public void send(String text, Consumer<JsonNode> events) {
        var uri = URI.create(server + "/v1/chat/sessions/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "/messages");
        // No time limit on the response: a turn lasts as long as its steps and the model take.
        var request = HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(Json.object().put("text", text)))).build();
        try {
            var response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (var body = response.body()) {
                if (response.statusCode() != 200) {
                    throw new ChatException(refusal("sending a message", response.statusCode(),
                            new String(body.readAllBytes(), StandardCharsets.UTF_8)));
                }
                if (!read(body, events)) throw new ChatException("the stream from " + server + " ended before the turn did");
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
    static boolean read(InputStream stream, Consumer<JsonNode> events) throws IOException {
        var in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8));
        var data = new StringBuilder();
        String line;
        while ((line = in.readLine()) != null) {
            if (line.startsWith("data:")) {
                if (!data.isEmpty()) data.append('\n');
                data.append(line.substring(line.startsWith("data: ") ? 6 : 5));
            } else if (line.isEmpty() && !data.isEmpty()) {
                JsonNode event;
                try {
                    event = Json.parse(data.toString());
                } catch (JacksonException e) {
                    throw new IOException("an event that is not JSON: " + data, e);
                }
                data.setLength(0);
                events.accept(event);
                if (LAST.contains(event.path("type").asString(""))) return true;
            }
            // "event:", "id:", "retry:" and ":" comments (keep-alives) carry nothing the JSON does not.
        }
        return false;
    }

    private String refusal(String doing, int status, String body) {
        return refusal(server, doing, status, body);
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
            return server + " refused " + doing + ": " + status + " " + body.strip();
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
