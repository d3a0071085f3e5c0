package dev.warden.policy;

import dev.warden.identity.Principal;
import java.time.Instant;
import tools.jackson.databind.JsonNode;

/** SKELETON: HMAC-bound, single-use confirmation tokens. Replaced by the real implementation. */
public final class ConfirmationTokens {
    public record Issued(String token, Instant expiresAt) {}

    public Issued issue(Principal principal, String actionId, JsonNode input) {
        throw new UnsupportedOperationException();
    }

    public void redeem(String token, Principal principal, String actionId, JsonNode input) {
        throw new UnsupportedOperationException();
    }
}
