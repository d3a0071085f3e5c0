package dev.warden.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.config.LlmConfig;
import dev.warden.metrics.Metrics;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Retry, time limit, circuit breaker and failover against real HTTP faults from the peer. */
class ResilienceTest {
    LlmPeer first;
    LlmPeer second;
    Metrics metrics;

    @BeforeEach
    void start() throws Exception {
        first = new LlmPeer();
        second = new LlmPeer();
        metrics = new Metrics(() -> 0, () -> 0);
    }

    @AfterEach
    void stop() {
        first.close();
        second.close();
        metrics.close();
    }

    static LlmConfig.Provider provider(String name, LlmPeer peer, Duration timeout) {
        return new LlmConfig.Provider(name, LlmConfig.Kind.OPENAI, URI.create(peer.baseUrl()), "m-" + name, "k-" + name, timeout);
    }

    ProviderChain chain(ResilienceSettings settings, LlmConfig.Provider... providers) {
        return ProviderChain.of(new LlmConfig(List.of(providers)), settings, metrics);
    }

    ProviderChain twoProviders() {
        return chain(Fast.SETTINGS, provider("primary", first, Duration.ofSeconds(5)), provider("backup", second, Duration.ofSeconds(5)));
    }

    static LlmRequest hello() {
        return LlmRequest.of(List.of(new LlmMessage.User("hello")));
    }

    @Test
    void aRateLimitIsRetriedAfterTheWaitTheServerAskedFor() {
        first.then(new LlmPeer.Fail(429, 1), LlmPeer.text("after the pause"));
        var chain = chain(Fast.SETTINGS, provider("primary", first, Duration.ofSeconds(5)));

        var response = chain.chat(hello());
        assertThat(response.text()).isEqualTo("after the pause");
        var requests = first.received();
        assertThat(requests).hasSize(2);
        // Our own backoff would have waited 25-75 ms; the header said one second.
        var waited = Duration.ofNanos(requests.get(1).atNanos() - requests.get(0).atNanos());
        assertThat(waited).isGreaterThanOrEqualTo(Duration.ofMillis(950));
        assertThat(metrics.scrape()).contains("warden_llm_calls_total{outcome=\"rate_limited\",provider=\"primary\"} 1.0");
    }

    @Test
    void aRetryAfterLongerThanTheLimitGoesToTheNextProviderAtOnce() {
        first.then(new LlmPeer.Fail(429, 120));
        second.then(LlmPeer.text("from the backup"));
        var started = System.nanoTime();

        assertThat(twoProviders().chat(hello()).provider()).isEqualTo("backup");
        assertThat(first.calls()).isEqualTo(1);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aServerErrorIsRetriedWithBackoffUntilItSucceeds() {
        first.then(new LlmPeer.Fail(500, null), new LlmPeer.Fail(503, null), LlmPeer.text("third time"));
        var chain = chain(Fast.SETTINGS, provider("primary", first, Duration.ofSeconds(5)));

        assertThat(chain.chat(hello()).text()).isEqualTo("third time");
        assertThat(first.calls()).isEqualTo(3);
        assertThat(metrics.scrape()).contains("warden_llm_calls_total{outcome=\"server_error\",provider=\"primary\"} 2.0");
    }

    @Test
    void aClientErrorIsNotRetried() {
        first.then(new LlmPeer.Fail(400, null));
        second.then(LlmPeer.text("backup"));

        assertThat(twoProviders().chat(hello()).provider()).isEqualTo("backup");
        assertThat(first.calls()).isEqualTo(1);
        assertThat(metrics.scrape()).contains("warden_llm_calls_total{outcome=\"client_error\",provider=\"primary\"} 1.0");
    }

    @Test
    void aSlowAnswerTimesOutAndTheNextProviderAnswers() {
        var slow = new LlmPeer.Slow(Duration.ofSeconds(20), LlmPeer.text("too late"));
        first.then(slow, slow, slow);
        second.then(LlmPeer.text("in time"));
        var chain = chain(Fast.SETTINGS, provider("primary", first, Duration.ofMillis(300)), provider("backup", second, Duration.ofSeconds(5)));

        var started = System.nanoTime();
        var response = chain.chat(hello());
        var took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(response.text()).isEqualTo("in time");
        assertThat(first.calls()).isEqualTo(3);
        // Three attempts of 300 ms and two short waits take about a second; waiting for even one slow
        // answer would take 20 s. The bound between leaves room for a loaded machine.
        assertThat(took).isLessThan(Duration.ofSeconds(10));
        assertThat(metrics.scrape()).contains("warden_llm_calls_total{outcome=\"timeout\",provider=\"primary\"} 3.0");
    }

    @Test
    void whileTheFirstProviderFailsTheSecondAnswers() {
        first.otherwise(new LlmPeer.Fail(502, null));
        second.otherwise(LlmPeer.text("backup answers"));
        var settings = new ResilienceSettings(2, Duration.ofMillis(20), 2.0, 0.5, Duration.ofMillis(100), Duration.ofSeconds(5),
                100, 50f, Duration.ofSeconds(30));
        var chain = chain(settings, provider("primary", first, Duration.ofSeconds(5)), provider("backup", second, Duration.ofSeconds(5)));

        for (int i = 0; i < 3; i++) {
            var response = chain.chat(hello());
            assertThat(response.provider()).isEqualTo("backup");
            assertThat(response.model()).isEqualTo("m-backup");
        }
        assertThat(first.calls()).isEqualTo(6);
        assertThat(second.calls()).isEqualTo(3);
        assertThat(second.received().getFirst().header("Authorization")).isEqualTo("Bearer k-backup");
    }

    @Test
    void theCircuitOpensAfterRepeatedFailuresAndClosesAfterItsWait() throws Exception {
        first.then(new LlmPeer.Fail(500, null), new LlmPeer.Fail(500, null));
        second.otherwise(LlmPeer.text("backup"));
        // Open for 5 s: the skipped call below and its checks must all happen inside that window,
        // however slowly a loaded machine runs them; the test then waits the window out.
        var openWait = Duration.ofSeconds(5);
        var settings = new ResilienceSettings(1, Duration.ofMillis(20), 2.0, 0.5, Duration.ofMillis(100), Duration.ofSeconds(5),
                2, 50f, openWait);
        var chain = chain(settings, provider("primary", first, Duration.ofSeconds(5)), provider("backup", second, Duration.ofSeconds(5)));
        var primary = chain.providers().getFirst();

        chain.chat(hello());
        assertThat(primary.circuitState()).isEqualTo("closed");
        chain.chat(hello());
        var opened = System.nanoTime();
        assertThat(primary.circuitState()).isEqualTo("open");
        assertThat(first.calls()).isEqualTo(2);

        // Open: the primary is skipped without a request.
        assertThat(chain.chat(hello()).provider()).isEqualTo("backup");
        assertThat(first.calls()).isEqualTo(2);
        assertThat(metrics.scrape()).contains("warden_llm_calls_total{outcome=\"circuit_open\",provider=\"primary\"} 1.0");

        // After the wait one trial call goes through; it succeeds and the circuit closes.
        Thread.sleep(openWait.plusMillis(200).minusNanos(System.nanoTime() - opened));
        first.then(LlmPeer.text("primary is back"));
        assertThat(chain.chat(hello()).provider()).isEqualTo("primary");
        assertThat(first.calls()).isEqualTo(3);
        assertThat(primary.circuitState()).isEqualTo("closed");
    }

    @Test
    void whenEveryProviderIsDownTheCallerIsToldWhatStillWorks() {
        first.otherwise(new LlmPeer.Fail(500, null));
        second.otherwise(new LlmPeer.Fail(429, null));

        assertThatThrownBy(() -> twoProviders().chat(hello()))
                .isInstanceOf(LlmUnavailableException.class)
                .hasMessageContaining("Every LLM provider is down")
                .hasMessageContaining("primary: server error")
                .hasMessageContaining("backup: rate limited")
                .hasMessageContaining("warden run")
                .hasMessageContaining("REST")
                .hasMessageContaining("MCP")
                .hasMessageNotContaining("k-primary")
                .hasMessageNotContaining("k-backup")
                .satisfies(e -> assertThat(((LlmUnavailableException) e).failures())
                        .extracting(LlmUnavailableException.ProviderFailure::failure)
                        .containsExactly(CallFailure.SERVER_ERROR, CallFailure.RATE_LIMITED));
        assertThat(first.calls()).isEqualTo(3);
        assertThat(second.calls()).isEqualTo(3);
    }

    @Test
    void withNoProviderConfiguredTheMessageSaysHowToConfigureOne() {
        assertThatThrownBy(() -> ProviderChain.of(LlmConfig.none(), Fast.SETTINGS, metrics).chat(hello()))
                .isInstanceOf(LlmUnavailableException.class)
                .hasMessageContaining("No LLM provider is configured")
                .hasMessageContaining("WARDEN_LLM_BASE_URL")
                .hasMessageContaining("warden run");
    }

    @Test
    void aStreamIsRetriedWhileNothingWasShown() {
        first.then(new LlmPeer.Fail(503, null), LlmPeer.text("streamed after a retry"));
        var chain = chain(Fast.SETTINGS, provider("primary", first, Duration.ofSeconds(5)));

        var shown = new StringBuilder();
        assertThat(chain.stream(hello(), shown::append).text()).isEqualTo("streamed after a retry");
        assertThat(shown).hasToString("streamed after a retry");
        assertThat(first.calls()).isEqualTo(2);
    }

    @Test
    void aStreamThatStallsAfterShowingTextEndsWithoutRetryAndShowsNothingMore() throws Exception {
        // A word a second against a limit of 4 s: the first word comes well inside the limit, the whole
        // answer (eight pieces) well beyond it.
        first.then(LlmPeer.text("warm up"), new LlmPeer.Trickle(LlmPeer.text("one two three four five six"), Duration.ofSeconds(1)),
                LlmPeer.text("retried"));
        second.then(LlmPeer.text("failed over"));
        var chain = chain(Fast.SETTINGS, provider("primary", first, Duration.ofSeconds(4)), provider("backup", second, Duration.ofSeconds(5)));
        // The first stream of a JVM loads LangChain4j's streaming classes, which alone can take most of the time limit.
        chain.stream(hello(), t -> {});

        var shown = new java.util.concurrent.CopyOnWriteArrayList<String>();
        assertThatThrownBy(() -> chain.stream(hello(), shown::add))
                .isInstanceOf(ResilientProvider.StreamInterrupted.class)
                .hasMessageContaining("primary").hasMessageContaining("timeout");
        var seen = shown.size();
        assertThat(seen).isBetween(1, 5);
        Thread.sleep(1500); // longer than the pause between words: a stream still attached would have shown one
        assertThat(shown).hasSize(seen);
        assertThat(first.calls()).isEqualTo(2);
        assertThat(second.calls()).isZero();
    }

    @Test
    void aRejectedKeyIsNotRetriedButTheNextProviderIsTried() {
        first.then(new LlmPeer.Fail(401, null));
        second.then(LlmPeer.text("backup"));

        assertThat(twoProviders().chat(hello()).provider()).isEqualTo("backup");
        assertThat(first.calls()).isEqualTo(1);
        assertThat(metrics.scrape()).contains("warden_llm_calls_total{outcome=\"authentication\",provider=\"primary\"} 1.0");
    }

    @Test
    void anAnthropicRateLimitIsRetriedAfterItsRetryAfterToo() {
        first.then(new LlmPeer.Fail(429, 1), LlmPeer.text("anthropic after the pause"));
        var anthropic = new LlmConfig.Provider("claude", LlmConfig.Kind.ANTHROPIC, URI.create(first.baseUrl()), "m", "k",
                Duration.ofSeconds(5));

        assertThat(chain(Fast.SETTINGS, anthropic).chat(hello()).text()).isEqualTo("anthropic after the pause");
        var requests = first.received();
        assertThat(requests).extracting(LlmPeer.Received::path).containsExactly("/v1/messages", "/v1/messages");
        assertThat(Duration.ofNanos(requests.get(1).atNanos() - requests.get(0).atNanos())).isGreaterThanOrEqualTo(Duration.ofMillis(950));
    }

    @Test
    void failuresAreLoggedWithoutApiKeys() {
        var logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(ProviderChain.class);
        var appender = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        appender.start();
        logger.addAppender(appender);
        try {
            first.otherwise(new LlmPeer.Fail(401, null));
            second.otherwise(new LlmPeer.Fail(500, null));
            assertThatThrownBy(() -> twoProviders().chat(hello())).isInstanceOf(LlmUnavailableException.class);
            assertThat(appender.list).isNotEmpty();
            assertThat(appender.list).allSatisfy(e -> assertThat(e.getFormattedMessage())
                    .doesNotContain("k-primary").doesNotContain("k-backup"));
        } finally {
            logger.detachAppender(appender);
        }
    }
}
