package dev.warden.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A rate limit over REST: 429 with Retry-After, a code and a hint. */
class LimitsRestTest {
    @TempDir
    Path temp;

    RestFixture w;

    @BeforeEach
    void start() {
        w = new RestFixture(temp, """
                version: 1
                limits:
                  - match: 'fs.stat'
                    perMinute: 1
                """, 1_048_576);
    }

    @AfterEach
    void stop() {
        w.close();
    }

    @Test
    void theSecondCallInAMinuteIs429WithRetryAfter() {
        assertThat(w.post("/v1/actions/fs.stat", w.operatorToken, "{\"path\":\".\"}").status()).isEqualTo(200);
        var limited = w.post("/v1/actions/fs.stat", w.operatorToken, "{\"path\":\".\"}");
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.body().path("code").asString()).isEqualTo("rate_limited");
        assertThat(limited.body().path("hint").asString()).isNotBlank();
        var retryAfter = Long.parseLong(limited.raw().headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 61L);
    }
}
