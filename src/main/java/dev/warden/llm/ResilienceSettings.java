package dev.warden.llm;

import java.time.Duration;
import java.util.Objects;

/**
 * How hard Warden tries one provider before it moves to the next. The time limit per attempt is the
 * provider's own {@code timeoutSeconds}; everything else is the same for every provider.
 *
 * @param maxAttempts attempts per call on one provider, the first included
 * @param initialBackoff the wait before the second attempt; it grows by {@code multiplier} per attempt
 * @param jitter the random share of each wait (0.5: anywhere from half to one and a half times)
 * @param maxBackoff no computed wait is longer
 * @param maxRetryAfter a {@code Retry-After} longer than this is not waited for: the chain moves on
 * @param failureWindow the circuit breaker judges the last this many attempts...
 * @param failureRatePercent ...and opens when at least this share of them failed
 * @param openWait how long an open circuit skips the provider before one trial call is let through
 */
public record ResilienceSettings(int maxAttempts, Duration initialBackoff, double multiplier, double jitter, Duration maxBackoff,
                                 Duration maxRetryAfter, int failureWindow, float failureRatePercent, Duration openWait) {
    public ResilienceSettings {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
        Objects.requireNonNull(openWait, "openWait");
        if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be at least 1");
        if (multiplier < 1) throw new IllegalArgumentException("multiplier must be at least 1");
        if (jitter < 0 || jitter >= 1) throw new IllegalArgumentException("jitter must be from 0 up to (not including) 1");
        if (failureWindow < 1) throw new IllegalArgumentException("failureWindow must be at least 1");
        if (failureRatePercent <= 0 || failureRatePercent > 100) throw new IllegalArgumentException("failureRatePercent must be 1..100");
        if (initialBackoff.isNegative() || initialBackoff.isZero()) throw new IllegalArgumentException("initialBackoff must be positive");
        if (openWait.isNegative() || openWait.isZero()) throw new IllegalArgumentException("openWait must be positive");
    }

    /**
     * Three attempts 1 s and about 2 s apart; a server may ask for up to 30 s; five failures in the last
     * ten attempts open the circuit for 30 s.
     */
    public static ResilienceSettings defaults() {
        return new ResilienceSettings(3, Duration.ofSeconds(1), 2.0, 0.5, Duration.ofSeconds(20), Duration.ofSeconds(30),
                10, 50f, Duration.ofSeconds(30));
    }
}
