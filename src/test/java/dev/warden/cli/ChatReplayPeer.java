package dev.warden.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.warden.agent.AgentEvent;
import dev.warden.agent.AgentEvents;
import dev.warden.json.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import tools.jackson.databind.JsonNode;

/**
 * A protocol peer for the chat REST API: {@code POST /v1/chat/sessions} answers 201 with a session
 * id, and each {@code POST /v1/chat/sessions/{id}/messages} replays the next recorded turn as
 * server-sent events, each {@code data} exactly {@link AgentEvents#toJson}. It stands in for the
 * server's routes until an end-to-end test against the real server replaces it.
 */
final class ChatReplayPeer implements AutoCloseable {
    static final String SESSION = "chat_replay1";

    /** A request as it arrived: path, bearer header, accept header and JSON body. */
    record Received(String method, String path, String authorization, String accept, JsonNode body) {}

    private final HttpServer server;
    private final ConcurrentLinkedQueue<List<AgentEvent>> turns = new ConcurrentLinkedQueue<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final String token;

    ChatReplayPeer(String token) throws IOException {
        this.token = token;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/v1/chat/sessions", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The next turns to replay, one per message, in order. */
    @SafeVarargs
    final ChatReplayPeer then(List<AgentEvent>... recorded) {
        turns.addAll(List.of(recorded));
        return this;
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            var bytes = ex.getRequestBody().readAllBytes();
            var body = bytes.length == 0 ? Json.object() : Json.parse(new String(bytes, StandardCharsets.UTF_8));
            var path = ex.getRequestURI().getPath();
            received.add(new Received(ex.getRequestMethod(), path, ex.getRequestHeaders().getFirst("Authorization"),
                    ex.getRequestHeaders().getFirst("Accept"), body));
            if (!("Bearer " + token).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                send(ex, 401, "application/problem+json", "{\"type\":\"about:blank\",\"title\":\"Unauthorized\",\"status\":401,"
                        + "\"code\":\"token_invalid\",\"detail\":\"The token is unknown, expired or revoked.\","
                        + "\"hint\":\"Create one with ./warden token create.\"}");
                return;
            }
            if (ex.getRequestMethod().equals("POST") && path.equals("/v1/chat/sessions")) {
                send(ex, 201, "application/json", Json.write(Json.object().put("id", SESSION).put("title", body.path("title").asString())
                        .put("autonomous", body.path("autonomous").asBoolean())));
            } else if (ex.getRequestMethod().equals("POST") && path.equals("/v1/chat/sessions/" + SESSION + "/messages")) {
                var turn = turns.poll();
                if (turn == null) {
                    send(ex, 500, "application/problem+json", "{\"code\":\"no_recorded_turn\",\"detail\":\"nothing left to replay\"}");
                    return;
                }
                stream(ex, turn);
            } else {
                send(ex, 404, "application/problem+json", "{\"code\":\"chat_session_not_found\",\"detail\":\"" + path + "\"}");
            }
        }
    }

    /** The turn as the server sends it: a keep-alive comment first, then one event per agent event. */
    private static void stream(HttpExchange ex, List<AgentEvent> turn) throws IOException {
        ex.getResponseHeaders().add("Content-Type", "text/event-stream");
        ex.getResponseHeaders().add("Cache-Control", "no-cache");
        ex.sendResponseHeaders(200, 0);
        var out = ex.getResponseBody();
        out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
        for (var event : turn) {
            var frame = "event: " + AgentEvents.type(event) + "\ndata: " + Json.write(AgentEvents.toJson(event)) + "\n\n";
            out.write(frame.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        var bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
