package dev.warden.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.identity.Members;
import dev.warden.identity.Role;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.TextStyle;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Limits as a REST caller meets them: rate limits per principal, per project and per hour, the daily
 * budget (429 with Retry-After, a code and a hint) and execution windows (403 saying when it opens).
 */
class LimitsRestTest {
    @TempDir
    Path temp;

    RestFixture w;

    private RestFixture start(String policy) {
        w = new RestFixture(temp, policy, 1_048_576);
        return w;
    }

    @AfterEach
    void stop() {
        if (w != null) w.close();
    }

    private RestFixture.Answer stat(String token) {
        return w.post("/v1/actions/fs.stat", token, "{\"path\":\".\"}");
    }

    private static Instant nextMidnight(Instant at) {
        return LocalDate.ofInstant(at, ZoneOffset.UTC).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    private static long retryAfter(RestFixture.Answer answer) {
        return Long.parseLong(answer.raw().headers().firstValue("Retry-After").orElseThrow());
    }

    @Test
    void theSecondCallInAMinuteIs429WithRetryAfter() {
        start("""
                version: 1
                limits:
                  - match: 'fs.stat'
                    perMinute: 1
                """);
        assertThat(stat(w.operatorToken).status()).isEqualTo(200);
        var limited = stat(w.operatorToken);
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.body().path("code").asString()).isEqualTo("rate_limited");
        assertThat(limited.body().path("hint").asString()).isNotBlank();
        assertThat(retryAfter(limited)).isBetween(1L, 61L);
        // Per principal (the default): another caller has their own bucket.
        assertThat(stat(RestFixture.ADMIN).status()).isEqualTo(200);
    }

    @Test
    void aPerProjectLimitIsSharedByEveryoneInTheProjectAndNoOneElse() {
        start("""
                version: 1
                limits:
                  - match: 'fs.stat'
                    perMinute: 2
                    per: project
                """);
        w.warden.projects().create("ops");
        Members.add(w.warden.users(), w.warden.projects(), "ops", "oscar", Role.OPERATOR);
        var opsToken = w.warden.tokens().create("ops", "oscar", "ops", Role.OPERATOR, null, List.of()).secret();

        assertThat(stat(w.operatorToken).status()).isEqualTo(200);
        assertThat(stat(w.viewerToken).status()).isEqualTo(200);
        // Two different people of project default spent its two calls: the third caller is refused too.
        var limited = stat(RestFixture.ADMIN);
        assertThat(limited.status()).as(limited.body().toString()).isEqualTo(429);
        assertThat(limited.body().path("code").asString()).isEqualTo("rate_limited");
        assertThat(limited.body().path("detail").asString()).contains("per project");
        assertThat(limited.body().path("hint").asString()).contains("Retry-After");
        assertThat(retryAfter(limited)).isBetween(1L, 61L);
        assertThat(stat(w.operatorToken).status()).isEqualTo(429);
        // Another project has its own bucket.
        assertThat(stat(opsToken).status()).isEqualTo(200);
    }

    @Test
    void anHourlyLimitAsksToWaitForTheNextTokenOfTheHour() {
        start("""
                version: 1
                limits:
                  - match: 'fs.*'
                    perHour: 2
                """);
        assertThat(stat(w.operatorToken).status()).isEqualTo(200);
        assertThat(w.post("/v1/actions/fs.list", w.operatorToken, "{\"path\":\".\"}").status()).isEqualTo(200);
        var limited = stat(w.operatorToken);
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.body().path("code").asString()).isEqualTo("rate_limited");
        assertThat(limited.body().path("detail").asString()).contains("2/h");
        // Two an hour refill one every 30 minutes: far more than a minute's wait.
        assertThat(retryAfter(limited)).isBetween(1_700L, 1_801L);
        var retryAt = Instant.parse(limited.body().path("retryAt").asString());
        assertThat(retryAt).isBetween(Instant.now().plusSeconds(1_700), Instant.now().plusSeconds(1_801));
    }

    @Test
    void anExhaustedBudgetIs429UntilItRenewsAtMidnight() {
        start("""
                version: 1
                budgets:
                  daily: 3
                  costs: {'fs.stat': 2, '*': 1}
                """);
        assertThat(stat(w.operatorToken).status()).isEqualTo(200);
        // The server reads its clock between these two instants; a run across midnight UTC sees either day.
        var before = Instant.now();
        var over = stat(w.operatorToken);
        var after = Instant.now();
        assertThat(over.status()).isEqualTo(429);
        assertThat(over.body().path("code").asString()).isEqualTo("budget_exhausted");
        assertThat(over.body().path("detail").asString()).contains("budget of 3").contains("costs 2");
        var midnight = Instant.parse(over.body().path("retryAt").asString());
        assertThat(midnight).isIn(nextMidnight(before), nextMidnight(after));
        assertThat(over.body().path("hint").asString()).contains("renews at");
        // Whole seconds from the server's now to midnight, plus one.
        assertThat(retryAfter(over)).isBetween(1L, 86_401L)
                .isBetween(Duration.between(after, midnight).toSeconds() + 1, Duration.between(before, midnight).toSeconds() + 1);
        // The remaining unit still pays for a cheaper call; then nothing is left.
        assertThat(w.post("/v1/actions/fs.list", w.operatorToken, "{\"path\":\".\"}").status()).isEqualTo(200);
        assertThat(w.post("/v1/actions/fs.list", w.operatorToken, "{\"path\":\".\"}").status()).isEqualTo(429);
    }

    @Test
    void outsideItsWindowAnActionIs403SayingWhenTheWindowOpens() {
        // The window is the day after tomorrow: closed today and tomorrow alike, so a run across
        // midnight UTC meets the same answer.
        var opensOn = LocalDate.now(ZoneOffset.UTC).plusDays(2);
        var day = opensOn.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
        start("""
                version: 1
                windows:
                  - match: 'fs.stat'
                    days: %s
                    zone: UTC
                """.formatted(day));
        var closed = stat(w.operatorToken);
        assertThat(closed.status()).isEqualTo(403);
        assertThat(closed.body().path("code").asString()).isEqualTo("outside_window");
        var opens = opensOn.atStartOfDay(ZoneOffset.UTC);
        assertThat(Instant.parse(closed.body().path("retryAt").asString())).isEqualTo(opens.toInstant());
        assertThat(closed.body().path("hint").asString()).contains(opens.toOffsetDateTime().toString());
        assertThat(closed.body().path("detail").asString()).contains("fs.stat may run only");
        assertThat(retryAfter(closed)).isPositive();
        // Actions the window does not name run as usual.
        assertThat(w.post("/v1/actions/fs.list", w.operatorToken, "{\"path\":\".\"}").status()).isEqualTo(200);
    }
}
