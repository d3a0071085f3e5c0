package dev.warden.llm;

import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * LangChain4j's HTTP client interface over the JDK's {@link java.net.http.HttpClient}, like its own
 * {@code JdkHttpClient} but keeping the {@code Retry-After} header of an error response (as a
 * {@link ProviderHttpException}), which LangChain4j's client drops. Same stack as the rest of Warden:
 * no OkHttp, no Netty.
 */
final class ProviderHttpClient implements HttpClient {
    private final java.net.http.HttpClient http;
    private final Duration readTimeout;

    private ProviderHttpClient(Duration connectTimeout, Duration readTimeout) {
        var builder = java.net.http.HttpClient.newBuilder();
        if (connectTimeout != null) builder.connectTimeout(connectTimeout);
        this.http = builder.build();
        this.readTimeout = readTimeout;
    }

    @Override
    public SuccessfulHttpResponse execute(HttpRequest request) {
        try {
            var response = http.send(toJdk(request), HttpResponse.BodyHandlers.ofByteArray());
            if (!successful(response.statusCode())) {
                throw error(response.statusCode(), new String(response.body(), StandardCharsets.UTF_8), response.headers());
            }
            return SuccessfulHttpResponse.builder().statusCode(response.statusCode())
                    .headers(response.headers().map()).body(new String(response.body(), StandardCharsets.UTF_8)).build();
        } catch (HttpTimeoutException e) {
            throw new TimeoutException(e);
        } catch (InterruptedException e) {
            // The time limiter cancelled the call: keep the flag so the caller's thread sees it.
            Thread.currentThread().interrupt();
            throw new TimeoutException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
        http.sendAsync(toJdk(request), HttpResponse.BodyHandlers.ofInputStream())
                .thenAccept(response -> {
                    if (!successful(response.statusCode())) {
                        quietly(() -> listener.onError(error(response.statusCode(), read(response.body()), response.headers())));
                        return;
                    }
                    var open = SuccessfulHttpResponse.builder().statusCode(response.statusCode())
                            .headers(response.headers().map()).build();
                    quietly(() -> listener.onOpen(open));
                    try (InputStream body = response.body()) {
                        parser.parse(body, listener);
                        quietly(listener::onClose);
                    } catch (IOException e) {
                        quietly(() -> listener.onError(new UncheckedIOException(e)));
                    }
                })
                .exceptionally(failure -> {
                    var cause = failure.getCause() != null ? failure.getCause() : failure;
                    quietly(() -> listener.onError(cause instanceof HttpTimeoutException ? new TimeoutException(cause) : cause));
                    return null;
                });
    }

    private java.net.http.HttpRequest toJdk(HttpRequest request) {
        var builder = java.net.http.HttpRequest.newBuilder(URI.create(request.url()));
        request.headers().forEach((name, values) -> {
            if (values != null) values.forEach(v -> builder.header(name, v));
        });
        var body = request.body() == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                : java.net.http.HttpRequest.BodyPublishers.ofString(request.body());
        builder.method(request.method().name(), body);
        if (readTimeout != null) builder.timeout(readTimeout);
        return builder.build();
    }

    private static ProviderHttpException error(int status, String body, HttpHeaders headers) {
        return new ProviderHttpException(status, body, headers.firstValue("Retry-After").map(ProviderHttpClient::retryAfter).orElse(null));
    }

    /** {@code Retry-After} is either delta-seconds or an HTTP date (RFC 9110 §10.2.3); anything else is ignored. */
    static Duration retryAfter(String value) {
        var text = value.strip();
        try {
            var seconds = Long.parseLong(text);
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException notSeconds) {
            try {
                var wait = Duration.between(Instant.now(), ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }

    private static boolean successful(int status) {
        return status >= 200 && status < 300;
    }

    private static String read(InputStream body) {
        try (body) {
            return new String(body.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(the error body could not be read: " + e.getMessage() + ")";
        }
    }

    /** A listener that throws must not break the client's own thread (LangChain4j's client does the same). */
    private static void quietly(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException ignored) {
            // the listener's failure is its own business
        }
    }

    /** What LangChain4j's model builders take; they set the timeouts before building. */
    static final class Builder implements HttpClientBuilder {
        private Duration connectTimeout;
        private Duration readTimeout;

        @Override
        public Duration connectTimeout() {
            return connectTimeout;
        }

        @Override
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        @Override
        public Duration readTimeout() {
            return readTimeout;
        }

        @Override
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = timeout;
            return this;
        }

        @Override
        public HttpClient build() {
            return new ProviderHttpClient(connectTimeout, readTimeout);
        }
    }
}
