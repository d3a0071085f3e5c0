package dev.warden.llm;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One provider behind Resilience4j: each attempt runs under a time limit, through the provider's
 * circuit breaker, and transient failures (429, 5xx, timeouts, broken connections) are retried with
 * exponential backoff and jitter — or after exactly the {@code Retry-After} the server asked for.
 * Order, outermost first: retry, circuit breaker, time limit; so every attempt counts towards the
 * circuit, and an open circuit ends the retries at once.
 */
public final class ResilientProvider {
    private final LlmProvider provider;
    private final Retry retry;
    private final CircuitBreaker breaker;
    private final TimeLimiter limiter;
    private final LlmObserver observer;

    public ResilientProvider(LlmProvider provider, Duration timeout, ResilienceSettings settings, LlmObserver observer) {
        this.provider = provider;
        this.observer = observer;
        var backoff = IntervalFunction.ofExponentialRandomBackoff(settings.initialBackoff(), settings.multiplier(),
                settings.jitter(), settings.maxBackoff());
        this.retry = Retry.of(provider.name(), RetryConfig.<LlmResponse>custom()
                .maxAttempts(settings.maxAttempts())
                .retryOnException(e -> retryable(e, settings.maxRetryAfter()))
                .intervalBiFunction((attempt, outcome) -> outcome.isLeft()
                        ? CallFailure.retryAfter(outcome.getLeft()).map(Duration::toMillis).orElseGet(() -> backoff.apply(attempt))
                        : backoff.apply(attempt))
                .build());
        this.breaker = CircuitBreaker.of(provider.name(), CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(settings.failureWindow())
                .minimumNumberOfCalls(settings.failureWindow())
                .failureRateThreshold(settings.failureRatePercent())
                .waitDurationInOpenState(settings.openWait())
                .permittedNumberOfCallsInHalfOpenState(1)
                // A request the provider refused as malformed says nothing about the provider's health.
                .recordException(e -> CallFailure.of(e) != CallFailure.CLIENT_ERROR)
                .build());
        this.limiter = TimeLimiter.of(provider.name(), TimeLimiterConfig.custom()
                .timeoutDuration(timeout).cancelRunningFuture(true).build());
    }

    private static boolean retryable(Throwable e, Duration maxRetryAfter) {
        if (e instanceof StreamInterrupted) return false;
        if (!CallFailure.of(e).transientFailure()) return false;
        // A server that wants a long pause is better left for the next provider of the chain.
        return CallFailure.retryAfter(e).map(wait -> wait.compareTo(maxRetryAfter) <= 0).orElse(true);
    }

    public String name() {
        return provider.name();
    }

    public String model() {
        return provider.model();
    }

    /** {@code closed}, {@code open} or {@code half_open}: whether the chain currently tries this provider. */
    public String circuitState() {
        return breaker.getState().name().toLowerCase(Locale.ROOT);
    }

    public LlmResponse chat(LlmRequest request) {
        return call(() -> provider.chat(request), new AtomicBoolean());
    }

    /**
     * Streams the answer. An attempt is retried only while nothing has been handed over: after that a
     * retry would repeat what the person already saw, so the failure ends the call as
     * {@link StreamInterrupted}.
     */
    public LlmResponse stream(LlmRequest request, Consumer<String> onToken) {
        var shown = new AtomicBoolean();
        return call(() -> provider.stream(request, token -> {
            shown.set(true);
            onToken.accept(token);
        }), shown);
    }

    private LlmResponse call(Supplier<LlmResponse> attempt, AtomicBoolean shown) {
        Supplier<LlmResponse> guarded = CircuitBreaker.decorateSupplier(breaker, () -> timeLimited(attempt));
        return retry.executeSupplier(() -> {
            try {
                var response = guarded.get();
                observer.llmCall(provider.name(), "ok");
                observer.llmTokens(provider.name(), provider.model(), response.usage());
                return response;
            } catch (RuntimeException e) {
                observer.llmCall(provider.name(), CallFailure.of(e).label());
                // Checked here, outside the time limiter: a time-out is thrown on this thread, not the attempt's.
                if (shown.get()) throw new StreamInterrupted(provider.name(), e);
                throw e;
            }
        });
    }

    /** Runs the attempt on its own virtual thread so the limiter can give up on it and interrupt it. */
    private LlmResponse timeLimited(Supplier<LlmResponse> attempt) {
        try {
            return limiter.executeFutureSupplier(() -> {
                var task = new FutureTask<>(attempt::get);
                Thread.ofVirtual().name("llm-" + provider.name()).start(task);
                return task;
            });
        } catch (RuntimeException e) {
            throw e;
        } catch (java.util.concurrent.TimeoutException e) {
            throw new dev.langchain4j.exception.TimeoutException(
                    provider.name() + " did not answer within " + limiter.getTimeLimiterConfig().getTimeoutDuration(), e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A streamed answer broke after some of it was shown; neither retried nor failed over. */
    public static final class StreamInterrupted extends RuntimeException {
        StreamInterrupted(String provider, Throwable cause) {
            super("the answer from " + provider + " broke off: " + CallFailure.of(cause).label(), cause);
        }
    }
}
