package dev.warden.llm;

import dev.langchain4j.exception.HttpException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;

/**
 * What went wrong with one call to a provider, read from the exception's cause chain (LangChain4j
 * wraps the HTTP error it mapped). The name is the {@code outcome} label of
 * {@code warden_llm_calls_total}; {@link #transientFailure()} says whether trying again can help.
 */
public enum CallFailure {
    /** 429: the provider asked us to slow down. */
    RATE_LIMITED(true),
    /** 5xx (and 408): the provider failed; another attempt may land on a healthy server. */
    SERVER_ERROR(true),
    /** No answer within the time limit. */
    TIMEOUT(true),
    /** The connection failed or broke. */
    IO_ERROR(true),
    /** 401/403: the key is wrong; retrying cannot help, but another provider may. */
    AUTHENTICATION(false),
    /** Any other 4xx: the request itself was refused. */
    CLIENT_ERROR(false),
    /** The provider's circuit is open: it was not called. */
    CIRCUIT_OPEN(false),
    /** Anything else (a response LangChain4j could not read, a bug). */
    OTHER(false);

    private final boolean transientFailure;

    CallFailure(boolean transientFailure) {
        this.transientFailure = transientFailure;
    }

    public boolean transientFailure() {
        return transientFailure;
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static CallFailure of(Throwable failure) {
        for (var t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            switch (t) {
                case CallNotPermittedException c -> {
                    return CIRCUIT_OPEN;
                }
                case HttpException h -> {
                    return ofStatus(h.statusCode());
                }
                case dev.langchain4j.exception.TimeoutException e -> {
                    return TIMEOUT;
                }
                case java.util.concurrent.TimeoutException e -> {
                    return TIMEOUT;
                }
                case HttpTimeoutException e -> {
                    return TIMEOUT;
                }
                case IOException e -> {
                    return IO_ERROR;
                }
                case UncheckedIOException e -> {
                    return IO_ERROR;
                }
                default -> { }
            }
        }
        return OTHER;
    }

    static CallFailure ofStatus(int status) {
        if (status == 429) return RATE_LIMITED;
        if (status == 408 || status >= 500) return SERVER_ERROR;
        if (status == 401 || status == 403) return AUTHENTICATION;
        return CLIENT_ERROR;
    }

    /** The {@code Retry-After} the provider sent with this failure, if it sent one. */
    public static Optional<Duration> retryAfter(Throwable failure) {
        for (var t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ProviderHttpException p) return p.retryAfter();
        }
        return Optional.empty();
    }
}
