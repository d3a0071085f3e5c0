package dev.warden.engine;

import dev.warden.identity.Principal;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * One request to run one action, as every front hands it to the engine. {@code confirmToken} is
 * set when the caller re-sends an intent the policy asked it to confirm.
 */
public record Intent(
        String actionId,
        JsonNode input,
        Principal principal,
        Origin origin,
        Mode mode,
        String confirmToken,
        String traceId) {

    public Intent {
        Objects.requireNonNull(actionId, "actionId");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(mode, "mode");
    }

    public static Intent execute(String actionId, JsonNode input, Principal principal, Origin origin) {
        return new Intent(actionId, input, principal, origin, Mode.EXECUTE, null, null);
    }

    public Intent withConfirmation(String token) {
        return new Intent(actionId, input, principal, origin, mode, token, traceId);
    }

    public Intent withMode(Mode newMode) {
        return new Intent(actionId, input, principal, origin, newMode, confirmToken, traceId);
    }

    public Intent withTrace(String newTraceId) {
        return new Intent(actionId, input, principal, origin, mode, confirmToken, newTraceId);
    }
}
