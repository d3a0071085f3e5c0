package dev.warden.api.mcp;

import dev.warden.json.Json;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpServerSession;
import io.modelcontextprotocol.spec.McpServerTransport;
import io.modelcontextprotocol.spec.McpServerTransportProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * MCP over a process's stdin and stdout: one session, newline-delimited JSON-RPC. It takes the
 * place of the SDK's {@code StdioServerTransportProvider} (2.1.0), which loses answers when tool
 * calls finish at the same moment: every sender must enter one Reactor sink that admits one thread
 * at a time, and a sender still shut out after 100 ms of spinning gives up ("Failed to enqueue
 * message"). The call has then run and been audited, but its caller never hears back; on two cores
 * under load, a client keeping eight calls in flight met this within seconds.
 *
 * <p>Here each sender serializes its own message and hands the bytes to a {@link LineWriter},
 * which never fails and never spins. One thread at a time reads: it parses each line once, passes
 * it through {@code filter} (a message it maps to null is dropped) and hands the message to the
 * session. A tool call it runs itself, after handing reading on to another thread, so a slow call
 * holds up neither reading nor other answers; the session must therefore run handlers on the
 * thread that hands it the message (the SDK's {@code immediateExecution}).
 *
 * <p>At most {@code maxCalls} calls run at once. Later ones wait, in order, for one to finish while
 * reading goes on, since an elicitation's answer or a cancellation must still get through; only a
 * call beyond {@code maxWaiting} waiting is refused. The end of the input ends the session, once
 * the requests already read are answered (for up to {@link #DRAIN}): a client may write its
 * requests and close its end at once, as a shell pipeline does, and still expects the answers.
 */
final class StdioTransport implements McpServerTransportProvider {
    private static final Logger log = LoggerFactory.getLogger(StdioTransport.class);
    /** Longest message read, as the SDK's transport allows; a longer line is skipped, not buffered. */
    static final int MAX_LINE_BYTES = 16 * 1024 * 1024;
    private static final int JSON_RPC_PARSE_ERROR = -32700;
    private static final int JSON_RPC_INVALID_REQUEST = -32600;
    /** In JSON-RPC's range for server errors. */
    static final int JSON_RPC_SERVER_BUSY = -32000;
    /** How long the end of the input waits for answers still owed; a client that is gone cannot wait forever. */
    static final Duration DRAIN = Duration.ofSeconds(10);

    private final McpJsonMapper mapper;
    private final UnaryOperator<ObjectNode> filter;
    private final int maxLineBytes;
    private final LineWriter lineWriter;
    private final CountDownLatch ended = new CountDownLatch(1);
    /** Most tool calls running at once. */
    static final int MAX_CALLS = 64;
    /** Most tool calls waiting for one of {@link #MAX_CALLS} to finish; a call beyond is refused. */
    static final int MAX_WAITING = 1_024;
    // Whoever reads a tool call runs it and hands reading on to another of these. Platform threads:
    // a call blocks in native code (SQLite's fsync), which would hold a virtual thread's carrier.
    // No bound here: `slots` bounds the threads, to the reader plus 2 × maxCalls at the very most
    // (a thread that has given back its slot may not have returned to the pool yet).
    private final ThreadPoolExecutor readers;
    /** One permit per call that may run now. */
    private final Semaphore slots;
    /** Tool calls read while every slot was taken, in the order read; their answers are already owed. */
    private final LinkedBlockingQueue<ObjectNode> waiting;
    // Used by one reader at a time; handing reading on (an executor submit) orders the uses.
    private final LineReader lines;
    private volatile McpServerSession session;
    private volatile boolean closed;
    private final Object owedLock = new Object();
    /** Requests read whose answer has not been queued yet; guarded by {@link #owedLock}. */
    private int owed;

    StdioTransport(McpJsonMapper mapper, InputStream in, OutputStream out, UnaryOperator<ObjectNode> filter) {
        this(mapper, in, out, filter, MAX_LINE_BYTES, MAX_CALLS, MAX_WAITING);
    }

    StdioTransport(McpJsonMapper mapper, InputStream in, OutputStream out, UnaryOperator<ObjectNode> filter,
                   int maxLineBytes, int maxCalls, int maxWaiting) {
        this.readers = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                Thread.ofPlatform().name("mcp-stdio-", 0).daemon(true).factory());
        this.slots = new Semaphore(maxCalls);
        this.waiting = new LinkedBlockingQueue<>(maxWaiting);
        this.mapper = mapper;
        this.maxLineBytes = maxLineBytes;
        this.lineWriter = new LineWriter(out, this::outputBroke);
        this.filter = filter;
        this.lines = new LineReader(in, maxLineBytes);
    }

    @Override
    public void setSessionFactory(McpServerSession.Factory factory) {
        session = factory.create(new SessionTransport());
        readers.execute(this::read);
    }

    /** Blocks until the input has ended (the client is gone) or the output broke. */
    void awaitEnd() throws InterruptedException {
        ended.await();
    }

    @Override
    public Mono<Void> notifyClients(String method, Object params) {
        var current = session;
        return current == null ? Mono.error(new IllegalStateException("No session to notify"))
                : current.sendNotification(method, params);
    }

    @Override
    public Mono<Void> notifyClient(String sessionId, String method, Object params) {
        var current = session;
        if (current == null || !current.getId().equals(sessionId)) {
            return Mono.error(new IllegalStateException("No session " + sessionId + " on this stdio transport"));
        }
        return current.sendNotification(method, params);
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Mono.fromRunnable(this::shutDown);
    }

    /** Writes what is queued (for up to a few seconds: the client may have stopped reading), then stops writing. */
    private void shutDown() {
        if (closed) return;
        closed = true;
        try {
            Thread.ofVirtual().name("mcp-stdio-last-write").start(lineWriter::drain).join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ended.countDown();
    }

    private void outputBroke(IOException e) {
        if (!closed) log.warn("writing stdout failed; ending the session: {}", e.getMessage());
        closed = true;
        ended.countDown();
    }

    private void read() {
        boolean handedOn = false;
        try {
            for (var line = lines.next(); line != null; line = lines.next()) {
                if (line == LineReader.TOO_LONG) {
                    log.warn("skipped an inbound message longer than {} bytes", maxLineBytes);
                    error(JSON_RPC_INVALID_REQUEST, "Message longer than " + maxLineBytes + " bytes");
                    continue;
                }
                if (line.isBlank()) continue;
                var message = parse(line);
                if (message == null) continue;
                if (dropWaiting(message)) continue;
                var passed = filter.apply(message);
                if (passed == null) continue;
                if (!isToolCall(passed)) {
                    dispatch(passed, false);
                    continue;
                }
                if (waiting.isEmpty() && slots.tryAcquire()) {
                    // This thread runs the call (the session runs handlers on the thread that hands
                    // it the message) and another reads on: a lone call so goes from its request to
                    // its answer without waiting for a thread to wake, and a call that waits on the
                    // client (elicitation) or is cancelled still has a reader.
                    readers.execute(this::read);
                    handedOn = true;
                    runCalls(passed);
                    return;
                }
                if (!waiting.offer(passed)) {
                    busy(passed.get("id"));
                    continue;
                }
                owe();
                // A slot given back between the check above and the offer: nobody else would look.
                if (slots.tryAcquire()) readers.execute(() -> runCalls(null));
            }
            awaitAnswers();
        } catch (IOException e) {
            if (!closed) log.warn("reading stdin failed; ending the session: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (!handedOn) {
                var current = session;
                if (current != null) current.close();
                ended.countDown();
                readers.shutdown();
            }
        }
    }

    private static boolean isToolCall(ObjectNode message) {
        return message.has("id") && "tools/call".equals(message.path("method").asString(null));
    }

    /**
     * With a slot held: runs {@code first} (unless null), then the waiting calls, and gives the
     * slot back. The look after giving it back catches a call queued meanwhile: its reader found
     * no slot and left the call to whoever gives one back.
     */
    private void runCalls(ObjectNode first) {
        if (first != null) dispatch(first, false);
        do {
            for (var next = waiting.poll(); next != null; next = waiting.poll()) dispatch(next, true);
            slots.release();
        } while (!waiting.isEmpty() && slots.tryAcquire());
    }

    /**
     * Whether {@code message} cancels a call still waiting, which is then dropped: it never runs
     * and, as MCP asks of a cancelled request, gets no answer. A cancellation of a running call
     * goes on to {@code filter}, which stops it.
     */
    private boolean dropWaiting(ObjectNode message) {
        if (waiting.isEmpty() || !"notifications/cancelled".equals(message.path("method").asString(null))) return false;
        var requestId = message.path("params").get("requestId");
        if (requestId == null || !waiting.removeIf(call -> requestId.equals(call.get("id")))) return false;
        answered();
        return true;
    }

    /** The line as a JSON object, or null (and an error answered) when it is none. */
    private ObjectNode parse(String line) {
        try {
            if (Json.parse(line) instanceof ObjectNode node) return node;
            log.warn("an inbound line is not a JSON object");
        } catch (JacksonException e) {
            log.warn("an inbound line is not JSON: {}", e.getOriginalMessage());
        }
        error(JSON_RPC_PARSE_ERROR, "Parse error: not a JSON-RPC message");
        return null;
    }

    /** Hands {@code node} to the session; {@code owedAlready}: a waiting call, counted in {@link #owed} when queued. */
    private void dispatch(ObjectNode node, boolean owedAlready) {
        McpSchema.JSONRPCMessage message;
        try {
            message = message(node);
        } catch (IOException | IllegalArgumentException e) {
            log.warn("an inbound line is not a JSON-RPC message: {}", e.getMessage());
            error(JSON_RPC_PARSE_ERROR, "Parse error: not a JSON-RPC message");
            if (owedAlready) answered();
            return;
        }
        if (message instanceof McpSchema.JSONRPCRequest && !owedAlready) owe();
        // The session runs the handler on this thread (immediateExecution) before this returns.
        try {
            session.handle(message).subscribe(null, e -> log.warn("handling an inbound message failed", e));
        } catch (RuntimeException e) {
            // Never out of here: a call's thread that threw would not give back its slot.
            log.error("handling an inbound message failed", e);
        }
    }

    /**
     * The SDK's message for {@code node}. A request, nearly every line, is made from the tree
     * directly; the SDK's own reader would parse the text again into a map and convert that. The
     * rest, rare, take the SDK's way.
     */
    private McpSchema.JSONRPCMessage message(ObjectNode node) throws IOException {
        var method = node.get("method");
        var id = node.get("id");
        if (method != null && method.isString() && id != null && !id.isNull()) {
            var params = node.get("params");
            return new McpSchema.JSONRPCRequest(node.path("jsonrpc").asString(null), method.asString(),
                    Json.MAPPER.treeToValue(id, Object.class),
                    params == null || params.isNull() ? null : Json.MAPPER.treeToValue(params, Object.class));
        }
        return McpSchema.deserializeJsonRpcMessage(mapper, Json.write(node));
    }

    private void owe() {
        synchronized (owedLock) {
            owed++;
        }
    }

    private void answered() {
        synchronized (owedLock) {
            owed--;
            owedLock.notifyAll();
        }
    }

    /** Waits until every request read has been answered, or {@link #DRAIN} has passed. */
    private void awaitAnswers() throws InterruptedException {
        long deadline = System.nanoTime() + DRAIN.toNanos();
        synchronized (owedLock) {
            while (owed > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    log.warn("stdin ended with {} requests unanswered after {}; ending the session", owed, DRAIN);
                    return;
                }
                TimeUnit.NANOSECONDS.timedWait(owedLock, left);
            }
        }
    }

    /** An error that cannot name its request (JSON-RPC's id null), for a line that was unreadable. */
    private void error(int code, String message) {
        answerError(null, code, message);
    }

    /** A tool call refused because as many as may wait already do: the client sent far more than it waits for. */
    private void busy(JsonNode id) {
        int queued = waiting.size();
        log.warn("refused a tool call: {} calls are waiting to run", queued);
        answerError(id, JSON_RPC_SERVER_BUSY, "Too many tool calls in flight (" + queued
                + " waiting to run); wait for some to be answered, then send this one again.");
    }

    private void answerError(JsonNode id, int code, String message) {
        var body = Json.object();
        body.put("jsonrpc", McpSchema.JSONRPC_VERSION);
        if (id == null) body.putNull("id"); else body.set("id", id);
        body.putObject("error").put("code", code).put("message", message);
        // Not written on this thread: a client that does not read its answers must not stop this one reading.
        lineWriter.sendLater(Json.write(body).getBytes(StandardCharsets.UTF_8));
    }

    /** One message as one line: compact JSON has no line breaks but, to be sure, any is made a space. */
    private byte[] line(McpSchema.JSONRPCMessage message) throws IOException {
        var bytes = mapper.writeValueAsBytes(message);
        for (int i = 0; i < bytes.length; i++) {
            // Inside a JSON string a line break is always escaped, so a raw one can only be whitespace.
            if (bytes[i] == '\n' || bytes[i] == '\r') bytes[i] = ' ';
        }
        return bytes;
    }

    private final class SessionTransport implements McpServerTransport {
        @Override
        public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
            return Mono.fromCallable(() -> {
                try {
                    if (closed) throw new IllegalStateException("The stdio transport is closed");
                    lineWriter.send(line(message));
                    return null;
                } finally {
                    // An answer to a client's request (server-sent requests and notifications owe nothing).
                    if (message instanceof McpSchema.JSONRPCResponse) answered();
                }
            });
        }

        @Override
        public <T> T unmarshalFrom(Object data, TypeRef<T> type) {
            return mapper.convertValue(data, type);
        }

        @Override
        public Mono<Void> closeGracefully() {
            return StdioTransport.this.closeGracefully();
        }

        @Override
        public void close() {
            shutDown();
        }
    }
}
