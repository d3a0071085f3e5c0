package dev.warden.api.mcp;

import dev.warden.engine.Intent;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Optional;

/**
 * Intents that answered "needs confirmation", by confirmation token, so the {@code confirm} tool can
 * re-send the very same intent. Only a convenience for clients without elicitation: the engine's
 * confirmation tokens still check binding, expiry and single use. Bounded and in memory: a server
 * restart or an evicted entry only means the agent asks again.
 */
final class HeldIntents {
    private record Held(Intent intent, Instant expiresAt) {}

    private final int capacity;
    private final Clock clock;
    private final LinkedHashMap<String, Held> byToken = new LinkedHashMap<>();

    HeldIntents(int capacity, Clock clock) {
        this.capacity = capacity;
        this.clock = clock;
    }

    synchronized void hold(String token, Intent intent, Instant expiresAt) {
        dropExpired();
        byToken.put(token, new Held(intent, expiresAt));
        while (byToken.size() > capacity) {
            var eldest = byToken.keySet().iterator().next();
            byToken.remove(eldest);
        }
    }

    /** The intent held under {@code token}, while the token has not expired. */
    synchronized Optional<Intent> find(String token) {
        dropExpired();
        return Optional.ofNullable(byToken.get(token)).map(Held::intent);
    }

    synchronized int size() {
        return byToken.size();
    }

    private void dropExpired() {
        var now = clock.instant();
        byToken.values().removeIf(h -> !h.expiresAt().isAfter(now));
    }
}
