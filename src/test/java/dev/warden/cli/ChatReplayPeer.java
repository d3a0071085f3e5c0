package dev.warden.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * An HTTP server that answers each request with the next scripted answer, byte for byte: what a
 * real Warden never sends (events that are not JSON, a stream cut short, a web page where the chat
 * API should be), so the client's handling of a broken or foreign server can be tested. A real
 * Warden is tested end to end in {@code AskServerTest}.
 */
final class ChatReplayPeer implements AutoCloseable {

    /** One response: status, {@code Content-Type} and body. */
    record Answer(int status, String contentType, String body) {
        static Answer created(String id) {
            return new Answer(201, "application/json", "{\"id\": \"" + id + "\", \"title\": \"t\", \"autonomous\": false}");
        }

        static Answer events(String stream) {
            return new Answer(200, "text/event-stream", stream);
        }
    }

    private final HttpServer server;
    private final ConcurrentLinkedQueue<Answer> script = new ConcurrentLinkedQueue<>();
    private final List<String> paths = new CopyOnWriteArrayList<>();

    ChatReplayPeer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    ChatReplayPeer then(Answer... answers) {
        script.addAll(List.of(answers));
        return this;
    }

    /** The method and path of each request, in order. */
    List<String> paths() {
        return List.copyOf(paths);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            ex.getRequestBody().readAllBytes();
            paths.add(ex.getRequestMethod() + " " + ex.getRequestURI().getPath());
            var answer = script.poll();
            if (answer == null) answer = new Answer(500, "text/plain", "nothing scripted");
            var bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", answer.contentType());
            ex.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) ex.getResponseBody().write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
