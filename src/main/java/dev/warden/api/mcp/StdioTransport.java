package dev.warden.api.mcp;

import dev.warden.json.Json;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpServerSession;
import io.modelcontextprotocol.spec.McpServerTransport;
import io.modelcontextprotocol.spec.McpServerTransportProvider;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
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
 * <p>Here each sender serializes its own message and queues the bytes, which never fails and never
 * spins, then writes what has gathered and flushes once, unless another sender is writing: that one
 * writes it too before it lets go. A lone call's answer so leaves on the thread that made it,
 * without waking another; under load many answers share a write. One thread at a time reads: it
 * parses each line once, passes it through {@code filter} (a message it maps to null is dropped)
 * and hands the message to the session. A tool call it runs itself, after handing reading on to
 * another thread, so a slow call holds up neither reading nor other answers; the session must
 * therefore run handlers on the thread that hands it the message (the SDK's
 * {@code immediateExecution}). The end of the input ends the session, once the requests
 * already read are answered (for up to {@link #DRAIN}): a client may write its requests and close
 * its end at once, as a shell pipeline does, and still expects the answers.
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
    private final InputStream in;
    private final OutputStream out;
    private final UnaryOperator<ObjectNode> filter;
    private final int maxLineBytes;
    private final Queue<byte[]> outbound = new ConcurrentLinkedQueue<>();
    // Held by the one sender writing to `out`; the others leave their lines in `outbound` to it.
    private final ReentrantLock writing = new ReentrantLock();
    private final CountDownLatch ended = new CountDownLatch(1);
    /** Most threads at once: tool calls in flight plus the one reading. */
    static final int MAX_THREADS = 64;
    // Whoever reads a tool call runs it and hands reading on to another of these. Platform threads:
    // a call blocks in native code (SQLite's fsync), which would hold a virtual thread's carrier.
    // No queue: with every thread busy a new call is refused at once, and reading goes on.
    private final ThreadPoolExecutor readers;
    // Used by one reader at a time; handing reading on (an executor submit) orders the uses.
    private final LineReader lines;
    private volatile McpServerSession session;
    private volatile boolean closed;
    private final Object owedLock = new Object();
    /** Requests read whose answer has not been queued yet; guarded by {@link #owedLock}. */
    private int owed;

    StdioTransport(McpJsonMapper mapper, InputStream in, OutputStream out, UnaryOperator<ObjectNode> filter) {
        this(mapper, in, out, filter, MAX_LINE_BYTES, MAX_THREADS);
    }

    StdioTransport(McpJsonMapper mapper, InputStream in, OutputStream out, UnaryOperator<ObjectNode> filter,
                   int maxLineBytes, int maxThreads) {
        this.readers = new ThreadPoolExecutor(0, maxThreads, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                Thread.ofPlatform().name("mcp-stdio-", 0).daemon(true).factory());
        this.mapper = mapper;
        this.maxLineBytes = maxLineBytes;
        this.in = in;
        this.out = new BufferedOutputStream(out, 64 * 1024);
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
            Thread.ofVirtual().name("mcp-stdio-last-write").start(this::writeLast).join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
                var passed = filter.apply(message);
                if (passed == null) continue;
                if (isToolCall(passed)) {
                    // This thread runs the call (the session runs handlers on the thread that hands
                    // it the message) and another reads on: a lone call so goes from its request to
                    // its answer without waiting for a thread to wake, and a call that waits on the
                    // client (elicitation) or is cancelled still has a reader.
                    try {
                        readers.execute(this::read);
                    } catch (RejectedExecutionException e) {
                        busy(passed.get("id"));
                        continue;
                    }
                    handedOn = true;
                    dispatch(passed);
                    return;
                }
                dispatch(passed);
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

    private void dispatch(ObjectNode node) {
        McpSchema.JSONRPCMessage message;
        try {
            message = message(node);
        } catch (IOException | IllegalArgumentException e) {
            log.warn("an inbound line is not a JSON-RPC message: {}", e.getMessage());
            error(JSON_RPC_PARSE_ERROR, "Parse error: not a JSON-RPC message");
            return;
        }
        if (message instanceof McpSchema.JSONRPCRequest) {
            synchronized (owedLock) {
                owed++;
            }
        }
        // Requests run on the session's own threads; this thread goes straight back to reading.
        session.handle(message).subscribe(null, e -> log.warn("handling an inbound message failed", e));
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

    /** A tool call refused because every thread is running one: the client sent more than it waits for. */
    private void busy(JsonNode id) {
        log.warn("refused a tool call: {} calls are in flight", readers.getMaximumPoolSize() - 1);
        answerError(id, JSON_RPC_SERVER_BUSY, "Too many tool calls in flight (" + (readers.getMaximumPoolSize() - 1)
                + "); wait for some to be answered, then send this one again.");
    }

    private void answerError(JsonNode id, int code, String message) {
        var body = Json.object();
        body.put("jsonrpc", McpSchema.JSONRPC_VERSION);
        if (id == null) body.putNull("id"); else body.set("id", id);
        body.putObject("error").put("code", code).put("message", message);
        outbound.add(Json.write(body).getBytes(StandardCharsets.UTF_8));
        // Not on this thread: a client that does not read its answers must not stop this one reading.
        Thread.startVirtualThread(this::writeQueued);
    }

    /**
     * Writes every queued line and flushes once, unless another thread is writing. The check after
     * letting go catches a line queued while this thread was finishing: its sender found the lock
     * taken and left the line to this one.
     */
    private void writeQueued() {
        while (!outbound.isEmpty() && writing.tryLock()) {
            try {
                writeAll();
            } finally {
                writing.unlock();
            }
        }
    }

    /** At the end: waits for a sender still writing, then writes what is left. */
    private void writeLast() {
        writing.lock();
        try {
            writeAll();
        } finally {
            writing.unlock();
        }
    }

    // Only with `writing` held.
    private void writeAll() {
        try {
            for (var line = outbound.poll(); line != null; line = outbound.poll()) {
                out.write(line);
                out.write('\n');
            }
            out.flush();
        } catch (IOException e) {
            if (!closed) log.warn("writing stdout failed; ending the session: {}", e.getMessage());
            closed = true;
            outbound.clear();
            ended.countDown();
        }
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
                    outbound.add(line(message));
                    writeQueued();
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
