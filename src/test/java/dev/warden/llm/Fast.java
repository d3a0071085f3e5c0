package dev.warden.llm;

import java.time.Duration;

/** Resilience settings with waits short enough for tests. */
public final class Fast {
    /** Three attempts 50 ms apart (doubling, ±50%), circuit judging ten attempts, open for 500 ms. */
    public static final ResilienceSettings SETTINGS = new ResilienceSettings(3, Duration.ofMillis(50), 2.0, 0.5, Duration.ofMillis(300),
            Duration.ofSeconds(5), 10, 50f, Duration.ofMillis(500));

    private Fast() {}
}
