package dev.warden.api.mcp;

import dev.warden.action.CallObserver;
import dev.warden.identity.Principal;
import dev.warden.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.node.ObjectNode;

/**
 * The tool calls in progress, so that {@code notifications/cancelled} can reach them. The SDK
 * neither tracks cancellation nor tells a tool handler its JSON-RPC request id, so every inbound
 * message passes {@link #inbound} before the SDK reads it: a {@code tools/call} gets its request
 * id (scoped to the session) written into {@code _meta} under {@link #REQUEST_KEY}, overwriting
 * whatever the client put there, and a cancellation is handled here and not passed on. A call can
 * only be cancelled by the principal that made it.
 */
final class RunningCalls {
    static final String REQUEST_KEY = "dev.warden/request";
    private static final Logger log = LoggerFactory.getLogger(RunningCalls.class);

    private final Map<String, Call> calls = new ConcurrentHashMap<>();

    /**
     * Returns the message to hand to the SDK, or null when it was a cancellation and has been dealt
     * with. {@code scope} names the session (request ids are unique only within one).
     */
    String inbound(String message, String scope, Principal principal) {
        ObjectNode node;
        try {
            if (!(Json.parse(message) instanceof ObjectNode object)) return message;
            node = object;
        } catch (JacksonException e) {
            return message;
        }
        if (inbound(node, scope, principal) == null) return null;
        return isToolCall(node) ? Json.write(node) : message;
    }

    /**
     * As {@link #inbound(String, String, Principal)} for a message already parsed: returns it
     * (a tool call with its key added to {@code _meta}), or null for a cancellation dealt with.
     */
    ObjectNode inbound(ObjectNode node, String scope, Principal principal) {
        var method = node.path("method");
        if (!method.isString()) return node;
        switch (method.asString()) {
            case "notifications/cancelled" -> {
                var requestId = node.path("params").path("requestId");
                if (!requestId.isMissingNode() && !requestId.isNull()) cancel(scope + "#" + Json.write(requestId), principal);
                return null;
            }
            case "tools/call" -> {
                if (isToolCall(node)) {
                    var params = (ObjectNode) node.get("params");
                    var meta = params.get("_meta") instanceof ObjectNode existing ? existing : params.putObject("_meta");
                    meta.put(REQUEST_KEY, scope + "#" + Json.write(node.get("id")));
                }
                return node;
            }
            default -> {
                return node;
            }
        }
    }

    private static boolean isToolCall(ObjectNode node) {
        return node.has("id") && node.path("params") instanceof ObjectNode && "tools/call".equals(node.path("method").asString(null));
    }

    /**
     * Registers a call under the key {@link #inbound} wrote into its {@code _meta} (null: it cannot
     * be cancelled); {@code progress} receives reports when the client asked for them, else is null.
     */
    Call open(String key, Principal principal, Consumer<Report> progress) {
        var call = new Call(key, principal.id(), progress);
        if (key != null) calls.put(key, call);
        return call;
    }

    private void cancel(String key, Principal by) {
        var call = calls.get(key);
        if (call == null || !call.principalId.equals(by.id())) return;
        call.cancel();
    }

    /** One progress report, as MCP's {@code notifications/progress} carries it. */
    record Report(double progress, Double total, String message) {}

    /** One running call as the action sees it: its {@link CallObserver}. */
    final class Call implements CallObserver, AutoCloseable {
        private final String key;
        private final String principalId;
        private final Consumer<Report> progress;
        private final List<Runnable> stops = new ArrayList<>();
        private boolean cancelled;

        private Call(String key, String principalId, Consumer<Report> progress) {
            this.key = key;
            this.principalId = principalId;
            this.progress = progress;
        }

        @Override
        public boolean listening() {
            return progress != null;
        }

        @Override
        public void progress(double value, Double total, String message) {
            if (progress == null) return;
            try {
                progress.accept(new Report(value, total, message));
            } catch (RuntimeException e) {
                // The client may be gone; the call goes on and its result is still audited.
                log.debug("progress report not delivered", e);
            }
        }

        @Override
        public synchronized boolean cancelled() {
            return cancelled;
        }

        @Override
        public Registration onCancel(Runnable stop) {
            synchronized (this) {
                if (!cancelled) {
                    stops.add(stop);
                    return () -> {
                        synchronized (this) {
                            stops.remove(stop);
                        }
                    };
                }
            }
            stop.run();
            return () -> { };
        }

        private void cancel() {
            List<Runnable> toRun;
            synchronized (this) {
                if (cancelled) return;
                cancelled = true;
                toRun = List.copyOf(stops);
                stops.clear();
            }
            // Off the thread that reads the client's messages: a stop may take the process group's grace period.
            Thread.ofVirtual().name("cancel").start(() -> toRun.forEach(Runnable::run));
        }

        @Override
        public void close() {
            if (key != null) calls.remove(key, this);
        }
    }
}
