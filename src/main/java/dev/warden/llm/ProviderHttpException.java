package dev.warden.llm;

import dev.langchain4j.exception.HttpException;
import java.time.Duration;
import java.util.Optional;

/**
 * An HTTP error from a model provider that keeps the server's {@code Retry-After}. LangChain4j's own
 * {@link HttpException} carries only the status and body; because this is a subclass and the root of
 * the cause chain, LangChain4j still maps it to its typed exceptions (a 429 to a
 * {@code RateLimitException}) with this as the cause, where {@link CallFailure} finds it.
 */
public final class ProviderHttpException extends HttpException {
    private final Duration retryAfter;

    ProviderHttpException(int statusCode, String body, Duration retryAfter) {
        super(statusCode, body);
        this.retryAfter = retryAfter;
    }

    /** How long the server asked us to wait, when it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
