package dev.warden.engine;

import dev.warden.action.CallObserver;
import dev.warden.identity.Principal;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * One request to run one action, as every front hands it to the engine. {@code confirmToken} is
 * set when the caller re-sends an intent the policy asked it to confirm; {@code observer} carries
 * progress and cancellation between the front and a long-running action ({@link CallObserver#NONE}
 * when the front offers neither). The observer is not part of what is audited or confirmed.
 * {@code session} names the conversation the intent belongs to (an MCP session, a REST
 * {@code Warden-Session} header); null means the principal's own, for taint tracking.
 */
public record Intent(
        String actionId,
        JsonNode input,
        Principal principal,
        Origin origin,
        Mode mode,
        String confirmToken,
        String traceId,
        CallObserver observer,
        String session) {

    public Intent {
        observer = observer == null ? CallObserver.NONE : observer;
        Objects.requireNonNull(actionId, "actionId");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(mode, "mode");
    }

    public Intent(String actionId, JsonNode input, Principal principal, Origin origin, Mode mode, String confirmToken,
                  String traceId) {
        this(actionId, input, principal, origin, mode, confirmToken, traceId, CallObserver.NONE, null);
    }

    public Intent(String actionId, JsonNode input, Principal principal, Origin origin, Mode mode, String confirmToken,
                  String traceId, CallObserver observer) {
        this(actionId, input, principal, origin, mode, confirmToken, traceId, observer, null);
    }

    public Intent withSession(String newSession) {
        return new Intent(actionId, input, principal, origin, mode, confirmToken, traceId, observer, newSession);
    }

    /** The key taint is tracked under: the session within the principal, or the principal alone. */
    public String taintKey() {
        return principal.id() + (session == null ? "" : "/" + session);
    }

    public static Intent execute(String actionId, JsonNode input, Principal principal, Origin origin) {
        return new Intent(actionId, input, principal, origin, Mode.EXECUTE, null, null);
    }

    public Intent withConfirmation(String token) {
        return new Intent(actionId, input, principal, origin, mode, token, traceId, observer, session);
    }

    public Intent withMode(Mode newMode) {
        return new Intent(actionId, input, principal, origin, newMode, confirmToken, traceId, observer, session);
    }

    public Intent withTrace(String newTraceId) {
        return new Intent(actionId, input, principal, origin, mode, confirmToken, newTraceId, observer, session);
    }

    public Intent withObserver(CallObserver newObserver) {
        return new Intent(actionId, input, principal, origin, mode, confirmToken, traceId, newObserver, session);
    }
}
