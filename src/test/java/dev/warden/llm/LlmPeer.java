package dev.warden.llm;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A model provider on 127.0.0.1 for tests, speaking the real wire formats: OpenAI Chat Completions
 * ({@code POST /v1/chat/completions}, with {@code tool_calls}) and Anthropic Messages
 * ({@code POST /v1/messages}, {@code tool_use} blocks), each as SSE events when the request says
 * {@code stream: true}.
 * Each request takes the next scripted {@link Turn}; when the script is empty it gets the fallback
 * (by default a 500 saying so). Every request is recorded for assertions.
 */
public final class LlmPeer implements AutoCloseable {
    static final JsonMapper JSON = JsonMapper.builder().build();

    /** What the peer does with one request. */
    public sealed interface Turn {}

    /** A tool call to answer with; {@code arguments} is sent as is, so it may be malformed JSON. */
    public record Call(String id, String name, String arguments) {}

    /** A successful answer. */
    public record Reply(String text, List<Call> calls, int inputTokens, int outputTokens) implements Turn {}

    /** An HTTP error, with a {@code Retry-After} header when {@code retryAfterSeconds} is not null. */
    public record Fail(int status, Integer retryAfterSeconds) implements Turn {}

    /** Waits, then plays {@code then}: a response beyond the client's time limit. */
    public record Slow(Duration delay, Turn then) implements Turn {}

    /** Streams {@code reply} with a pause before each chunk: a stream that stalls halfway. */
    public record Trickle(Reply reply, Duration pause) implements Turn {}

    /** One request as received. */
    public record Received(String path, Map<String, List<String>> headers, JsonNode body, long atNanos) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().getFirst()).findFirst().orElse(null);
        }
    }

    public static Reply text(String text) {
        return new Reply(text, List.of(), 10, 5);
    }

    public static Reply toolCall(String id, String name, String arguments) {
        return new Reply(null, List.of(new Call(id, name, arguments)), 20, 8);
    }

    private final HttpServer server;
    private final ConcurrentLinkedQueue<Turn> script = new ConcurrentLinkedQueue<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile Turn fallback = new Fail(500, null);

    public LlmPeer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/v1/chat/completions", ex -> handle(ex, false));
        server.createContext("/v1/messages", ex -> handle(ex, true));
        server.start();
    }

    /** The OpenAI-style base URL ({@code …/v1}); Anthropic's is the same host, with or without {@code /v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    public LlmPeer then(Turn... turns) {
        script.addAll(List.of(turns));
        return this;
    }

    /** What every request gets once the script is used up. */
    public LlmPeer otherwise(Turn turn) {
        fallback = turn;
        return this;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public int calls() {
        return received.size();
    }

    private void handle(HttpExchange ex, boolean anthropic) throws IOException {
        try (ex) {
            var body = JSON.readTree(ex.getRequestBody().readAllBytes());
            received.add(new Received(ex.getRequestURI().getPath(), Map.copyOf(ex.getRequestHeaders()), body, System.nanoTime()));
            var turn = script.poll();
            play(ex, turn == null ? fallback : turn, anthropic, body.path("stream").asBoolean(false), body.path("model").asString("m"));
        }
    }

    private void play(HttpExchange ex, Turn turn, boolean anthropic, boolean stream, String model) throws IOException {
        switch (turn) {
            case Slow s -> {
                try {
                    Thread.sleep(s.delay());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                play(ex, s.then(), anthropic, stream, model);
            }
            case Fail f -> {
                if (f.retryAfterSeconds() != null) ex.getResponseHeaders().add("Retry-After", f.retryAfterSeconds().toString());
                var error = anthropic
                        ? "{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"scripted " + f.status() + "\"}}"
                        : "{\"error\":{\"message\":\"scripted " + f.status() + "\",\"type\":\"server_error\"}}";
                send(ex, f.status(), "application/json", error);
            }
            case Trickle t -> stream(ex, t.reply(), model, t.pause());
            case Reply r when anthropic && stream -> anthropicStream(ex, r, model);
            case Reply r when anthropic -> send(ex, 200, "application/json", anthropicMessage(r, model).toString());
            case Reply r when stream -> stream(ex, r, model, Duration.ZERO);
            case Reply r -> send(ex, 200, "application/json", openAiCompletion(r, model).toString());
        }
    }

    private static ObjectNode openAiCompletion(Reply r, String model) {
        var root = JSON.createObjectNode().put("id", "chatcmpl-peer").put("object", "chat.completion")
                .put("created", System.currentTimeMillis() / 1000).put("model", model);
        var choice = root.putArray("choices").addObject().put("index", 0);
        var message = choice.putObject("message").put("role", "assistant");
        if (r.text() != null) message.put("content", r.text()); else message.putNull("content");
        if (!r.calls().isEmpty()) {
            var calls = message.putArray("tool_calls");
            for (var c : r.calls()) {
                calls.addObject().put("id", c.id()).put("type", "function")
                        .putObject("function").put("name", c.name()).put("arguments", c.arguments());
            }
        }
        choice.put("finish_reason", r.calls().isEmpty() ? "stop" : "tool_calls");
        root.set("usage", JSON.createObjectNode().put("prompt_tokens", r.inputTokens())
                .put("completion_tokens", r.outputTokens()).put("total_tokens", r.inputTokens() + r.outputTokens()));
        return root;
    }

    /** Text in word-sized chunks, tool calls as a head chunk and an arguments chunk, then usage and [DONE]. */
    private static void stream(HttpExchange ex, Reply r, String model, Duration pause) throws IOException {
        ex.getResponseHeaders().add("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        var chunks = new ArrayList<ObjectNode>();
        if (r.text() != null) {
            for (var piece : r.text().split("(?<= )")) {
                var delta = JSON.createObjectNode().put("role", "assistant").put("content", piece);
                chunks.add(chunk(model, delta, null));
            }
        }
        for (int i = 0; i < r.calls().size(); i++) {
            var c = r.calls().get(i);
            var head = JSON.createObjectNode();
            head.putArray("tool_calls").addObject().put("index", i).put("id", c.id()).put("type", "function")
                    .putObject("function").put("name", c.name()).put("arguments", "");
            chunks.add(chunk(model, head, null));
            var args = JSON.createObjectNode();
            args.putArray("tool_calls").addObject().put("index", i).putObject("function").put("arguments", c.arguments());
            chunks.add(chunk(model, args, null));
        }
        chunks.add(chunk(model, JSON.createObjectNode(), r.calls().isEmpty() ? "stop" : "tool_calls"));
        var usage = chunk(model, null, null);
        usage.set("usage", JSON.createObjectNode().put("prompt_tokens", r.inputTokens())
                .put("completion_tokens", r.outputTokens()).put("total_tokens", r.inputTokens() + r.outputTokens()));
        chunks.add(usage);
        for (var c : chunks) {
            if (pause.isPositive()) {
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            out.write(("data: " + c + "\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static ObjectNode chunk(String model, ObjectNode delta, String finish) {
        var root = JSON.createObjectNode().put("id", "chatcmpl-peer").put("object", "chat.completion.chunk")
                .put("created", System.currentTimeMillis() / 1000).put("model", model);
        var choices = root.putArray("choices");
        if (delta != null) {
            var choice = choices.addObject().put("index", 0);
            choice.set("delta", delta);
            if (finish != null) choice.put("finish_reason", finish); else choice.putNull("finish_reason");
        }
        return root;
    }

    private static ObjectNode anthropicMessage(Reply r, String model) {
        var root = JSON.createObjectNode().put("id", "msg_peer").put("type", "message").put("role", "assistant").put("model", model);
        var content = root.putArray("content");
        if (r.text() != null) content.addObject().put("type", "text").put("text", r.text());
        for (var c : r.calls()) {
            // Anthropic's tool_use input is a JSON object on the wire: it cannot be malformed there.
            content.addObject().put("type", "tool_use").put("id", c.id()).put("name", c.name())
                    .set("input", JSON.readTree(c.arguments()));
        }
        root.put("stop_reason", r.calls().isEmpty() ? "end_turn" : "tool_use").putNull("stop_sequence");
        root.set("usage", JSON.createObjectNode().put("input_tokens", r.inputTokens()).put("output_tokens", r.outputTokens()));
        return root;
    }

    /** Anthropic's event stream: message_start, a text block in pieces, tool_use blocks, message_delta, message_stop. */
    private static void anthropicStream(HttpExchange ex, Reply r, String model) throws IOException {
        ex.getResponseHeaders().add("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        var events = new ArrayList<Map.Entry<String, ObjectNode>>();
        var start = JSON.createObjectNode().put("type", "message_start");
        start.putObject("message").put("id", "msg_peer").put("type", "message").put("role", "assistant").put("model", model)
                .putNull("stop_reason").set("usage", JSON.createObjectNode().put("input_tokens", r.inputTokens()).put("output_tokens", 1));
        start.withObject("message").putArray("content");
        events.add(Map.entry("message_start", start));
        int index = 0;
        if (r.text() != null) {
            var block = JSON.createObjectNode().put("type", "content_block_start").put("index", index);
            block.putObject("content_block").put("type", "text").put("text", "");
            events.add(Map.entry("content_block_start", block));
            for (var piece : r.text().split("(?<= )")) {
                var delta = JSON.createObjectNode().put("type", "content_block_delta").put("index", index);
                delta.putObject("delta").put("type", "text_delta").put("text", piece);
                events.add(Map.entry("content_block_delta", delta));
            }
            events.add(Map.entry("content_block_stop", JSON.createObjectNode().put("type", "content_block_stop").put("index", index++)));
        }
        for (var c : r.calls()) {
            var block = JSON.createObjectNode().put("type", "content_block_start").put("index", index);
            block.putObject("content_block").put("type", "tool_use").put("id", c.id()).put("name", c.name()).putObject("input");
            events.add(Map.entry("content_block_start", block));
            var delta = JSON.createObjectNode().put("type", "content_block_delta").put("index", index);
            delta.putObject("delta").put("type", "input_json_delta").put("partial_json", c.arguments());
            events.add(Map.entry("content_block_delta", delta));
            events.add(Map.entry("content_block_stop", JSON.createObjectNode().put("type", "content_block_stop").put("index", index++)));
        }
        var end = JSON.createObjectNode().put("type", "message_delta");
        end.putObject("delta").put("stop_reason", r.calls().isEmpty() ? "end_turn" : "tool_use").putNull("stop_sequence");
        end.putObject("usage").put("output_tokens", r.outputTokens());
        events.add(Map.entry("message_delta", end));
        events.add(Map.entry("message_stop", JSON.createObjectNode().put("type", "message_stop")));
        var out = ex.getResponseBody();
        for (var e : events) {
            out.write(("event: " + e.getKey() + "\ndata: " + e.getValue() + "\n\n").getBytes(StandardCharsets.UTF_8));
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
