package dev.warden.api.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.json.Json;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpRequestHandler;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpServerSession;
import io.modelcontextprotocol.spec.McpServerTransport;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

class StdioTransportTest {

    @Test
    void messagesSentFromManyThreadsAtOnceAreEachWrittenOnceAsAWholeLine() throws Exception {
        // The SDK's StdioServerTransportProvider (2.1.0) fails this in most runs on two cores: some
        // sends end in "Failed to enqueue message" and their answers are lost.
        var input = new PipedInputStream();
        var endOfInput = new PipedOutputStream(input);
        var out = new ByteArrayOutputStream();
        var transport = new StdioTransport(McpJsonDefaults.getMapper(), input, out, line -> line);
        var session = new AtomicReference<McpServerTransport>();
        transport.setSessionFactory(t -> {
            session.set(t);
            return session(t);
        });
        int threads = 8;
        int each = 2_000;
        var start = new CountDownLatch(1);
        var failures = new java.util.concurrent.ConcurrentLinkedQueue<Throwable>();
        var senders = new ArrayList<Thread>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            senders.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each; i++) {
                    var id = thread + "-" + i;
                    // A result with a line break in a string: it must stay escaped, on one line.
                    try {
                        session.get().sendMessage(McpSchema.JSONRPCResponse.result(id, Map.of("text", "a\nb " + id))).block();
                    } catch (RuntimeException e) {
                        failures.add(e);
                    }
                }
            }));
        }
        start.countDown();
        for (var sender : senders) sender.join();
        endOfInput.close();
        transport.awaitEnd();

        assertThat(failures).isEmpty();
        var ids = new HashSet<String>();
        var lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(threads * each);
        for (var line : lines) {
            var message = Json.parse(line);
            assertThat(message.path("result").path("text").asString()).isEqualTo("a\nb " + message.path("id").asString());
            ids.add(message.path("id").asString());
        }
        assertThat(ids).hasSize(threads * each);
    }

    @Test
    void anUnreadableOrOverlongLineIsAnsweredWithAnErrorAndReadingGoesOn() throws Exception {
        var in = input("not json\n"
                + "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + "x".repeat(300) + "\"}\n"
                + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"no/such\"}\n"
                + "[1, 2]\n"
                + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/no-such\"}\n"
                + "{\"jsonrpc\":\"2.0\",\"id\":\"req-7\",\"method\":\"no/such\",\"params\":{\"a\":[1,{\"b\":null}]}}\n");
        var answers = run(in, 200, line -> line);
        assertThat(answers).hasSize(5);
        assertThat(answers.get(0).path("id").isNull()).isTrue();
        assertThat(answers.get(0).path("error").path("code").asInt()).isEqualTo(-32700);
        assertThat(answers.get(1).path("id").isNull()).isTrue();
        assertThat(answers.get(1).path("error").path("code").asInt()).isEqualTo(-32600);
        assertThat(answers.get(2).path("id").asInt()).isEqualTo(2);
        assertThat(answers.get(2).path("error").path("code").asInt()).isEqualTo(McpSchema.ErrorCodes.METHOD_NOT_FOUND);
        // Valid JSON that is not an object is no message either; a notification gets no answer.
        assertThat(answers.get(3).path("id").isNull()).isTrue();
        assertThat(answers.get(3).path("error").path("code").asInt()).isEqualTo(-32700);
        assertThat(answers.get(4).path("id").asString()).isEqualTo("req-7");
        assertThat(answers.get(4).path("error").path("code").asInt()).isEqualTo(McpSchema.ErrorCodes.METHOD_NOT_FOUND);
    }

    @Test
    void aLineTheFilterDropsNeverReachesTheSession() throws Exception {
        var in = input("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"dropped\"}\n{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"kept\"}\n");
        var answers = run(in, 1_000, message -> "dropped".equals(message.path("method").asString(null)) ? null : message);
        assertThat(answers).extracting(a -> a.path("id").asInt()).containsExactly(2);
    }

    @Test
    void callsBeyondTheRunningLimitWaitInOrderAndOnlyThoseBeyondTheWaitingLimitAreRefused() throws Exception {
        var input = new PipedInputStream();
        var client = new PipedOutputStream(input);
        var out = new ByteArrayOutputStream();
        // Two calls may run and one wait; the two running hold until released.
        var transport = new StdioTransport(McpJsonDefaults.getMapper(), input, out, message -> message, 1_000, 2, 1);
        var blocked = new Blocking(2);
        transport.setSessionFactory(t -> blocked.session(t));
        blocked.initialize(client);
        for (int id = 1; id <= 4; id++) {
            blocked.call(client, id);
            if (id == 2) assertThat(blocked.running.await(10, TimeUnit.SECONDS)).as("two calls run; written: %s", out).isTrue();
        }
        // The reader is not held up by the calls running: the fourth is refused while they run.
        awaitText(out, "-32000", 1);
        assertThat(blocked.ran).containsExactlyInAnyOrder(1, 2);
        blocked.release.countDown();
        client.close();
        transport.awaitEnd();

        var answers = answersById(out);
        assertThat(answers).containsOnlyKeys(0, 1, 2, 3, 4);
        for (int id : new int[] {1, 2, 3}) assertThat(answers.get(id).path("result").path("done").asInt()).isEqualTo(id);
        assertThat(blocked.ran).containsExactlyInAnyOrder(1, 2, 3);
        assertThat(answers.get(4).path("error").path("code").asInt()).isEqualTo(StdioTransport.JSON_RPC_SERVER_BUSY);
        assertThat(answers.get(4).path("error").path("message").asString()).contains("Too many tool calls in flight (1 waiting");
    }

    @Test
    void aWaitingCallThatIsCancelledNeverRunsAndIsNotAnswered() throws Exception {
        var input = new PipedInputStream();
        var client = new PipedOutputStream(input);
        var out = new ByteArrayOutputStream();
        var transport = new StdioTransport(McpJsonDefaults.getMapper(), input, out, message -> message, 1_000, 1, 10);
        var blocked = new Blocking(1);
        transport.setSessionFactory(t -> blocked.session(t));
        blocked.initialize(client);
        blocked.call(client, 1);
        assertThat(blocked.running.await(10, TimeUnit.SECONDS)).isTrue();
        blocked.call(client, 2);
        blocked.call(client, 3);
        client.write("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":2}}\n"
                .getBytes(StandardCharsets.UTF_8));
        // A ping is answered by the reader: once it is, the cancellation before it has been read.
        client.write("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"ping\"}\n".getBytes(StandardCharsets.UTF_8));
        client.flush();
        awaitText(out, "\"id\":9", 1);
        blocked.release.countDown();
        client.close();
        transport.awaitEnd();

        var answers = answersById(out);
        assertThat(answers).containsOnlyKeys(0, 1, 3, 9);
        assertThat(blocked.ran).containsExactly(1, 3);
    }

    /** A session whose tool calls record their id, and the first {@code hold} of them wait for {@link #release}. */
    private static final class Blocking {
        final CountDownLatch running;
        final CountDownLatch release = new CountDownLatch(1);
        final List<Integer> ran = java.util.Collections.synchronizedList(new ArrayList<>());

        Blocking(int hold) {
            running = new CountDownLatch(hold);
        }

        McpServerSession session(McpServerTransport transport) {
            McpRequestHandler<Object> handler = (exchange, params) -> Mono.fromCallable(() -> {
                int id = ((Number) ((Map<?, ?>) ((Map<?, ?>) params).get("arguments")).get("id")).intValue();
                ran.add(id);
                if (running.getCount() > 0) {
                    running.countDown();
                    release.await();
                }
                return Map.of("done", id);
            });
            return new McpServerSession("test", Duration.ofSeconds(30), transport,
                    request -> Mono.just(new McpSchema.InitializeResult(request.protocolVersion(),
                            McpSchema.ServerCapabilities.builder().tools(false).build(), new McpSchema.Implementation("test", "1"), null)),
                    Map.of("tools/call", handler), Map.of());
        }

        /** The session runs handlers only once initialized. */
        void initialize(PipedOutputStream client) throws java.io.IOException {
            client.write(("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                    + "\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}\n"
                    + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n").getBytes(StandardCharsets.UTF_8));
        }

        void call(PipedOutputStream client, int id) throws java.io.IOException {
            client.write(("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"x\",\"arguments\":{\"id\":"
                    + id + "}}}\n").getBytes(StandardCharsets.UTF_8));
            client.flush();
        }
    }

    /** Waits (up to 10 s) until {@code out} holds {@code text} {@code times} times. */
    private static void awaitText(ByteArrayOutputStream out, String text, int times) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (out.toString(StandardCharsets.UTF_8).split(java.util.regex.Pattern.quote(text), -1).length <= times) {
            assertThat(System.nanoTime()).as("%s written %d times; written: %s", text, times, out).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    private static Map<Integer, JsonNode> answersById(ByteArrayOutputStream out) {
        var answers = new java.util.HashMap<Integer, JsonNode>();
        for (var line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            var answer = Json.parse(line);
            assertThat(answers.put(answer.path("id").asInt(), answer)).as("answered twice: %s", line).isNull();
        }
        return answers;
    }

    /** Runs the transport over {@code in} until its end and returns what it wrote, one JSON per line. */
    private static List<JsonNode> run(InputStream in, int maxLine, java.util.function.UnaryOperator<tools.jackson.databind.node.ObjectNode> filter)
            throws InterruptedException {
        var out = new ByteArrayOutputStream();
        var transport = new StdioTransport(McpJsonDefaults.getMapper(), in, out, filter, maxLine, StdioTransport.MAX_CALLS, StdioTransport.MAX_WAITING);
        transport.setSessionFactory(StdioTransportTest::session);
        transport.awaitEnd();
        var answers = new ArrayList<JsonNode>();
        for (var line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isEmpty()) answers.add(Json.parse(line));
        }
        return answers;
    }

    /** A session without handlers: every request is answered "method not found". */
    private static McpServerSession session(McpServerTransport transport) {
        return new McpServerSession("test", Duration.ofSeconds(5), transport,
                request -> Mono.error(new IllegalStateException("not in this test")), Map.of(), Map.of());
    }

    private static InputStream input(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
