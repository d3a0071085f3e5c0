package dev.warden.monitor;

import dev.warden.testing.MovableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.config.MonitorConfig.AlertSpec;
import dev.warden.json.Json;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Alert rules over hand-made samples and a clock the test moves: pending, firing, resolved, and errors that change nothing. */
class MonitorTest {

    record Change(String event, Alert alert) {}

    final MovableClock clock = new MovableClock(Instant.parse("2026-01-05T10:00:00Z"));
    final List<Change> changes = new ArrayList<>();

    Monitor monitor(AlertSpec... specs) {
        return new Monitor(() -> sample(0), Duration.ofSeconds(5), AlertRule.compile(List.of(specs)),
                (event, alert, sample) -> changes.add(new Change(event, alert)), clock);
    }

    static JsonNode sample(double memoryPercent) {
        return Json.parse("{\"memory\":{\"usedPercent\":" + memoryPercent + "},\"cpu\":{\"usedPercent\":3.5,\"cores\":4}}");
    }

    static AlertSpec memoryHigh(Duration forDuration) {
        return new AlertSpec("memory-high", "memory.usedPercent > 90", forDuration, "critical", "default");
    }

    static String state(Monitor monitor, String rule) {
        for (var node : monitor.status().get("rules")) {
            if (node.get("name").asString().equals(rule)) return node.get("state").asString();
        }
        throw new AssertionError("no rule " + rule);
    }

    @Test
    void aConditionFiresOnlyAfterItHasHeldForItsDurationAndResolvesWhenItStops() {
        var monitor = monitor(memoryHigh(Duration.ofSeconds(30)));
        monitor.evaluate(sample(50));
        assertThat(state(monitor, "memory-high")).isEqualTo("ok");

        monitor.evaluate(sample(95));
        assertThat(state(monitor, "memory-high")).isEqualTo("pending");
        clock.advance(Duration.ofSeconds(29));
        monitor.evaluate(sample(96));
        assertThat(changes).isEmpty();
        assertThat(monitor.firingCount()).isZero();

        clock.advance(Duration.ofSeconds(1));
        monitor.evaluate(sample(97));
        assertThat(changes).hasSize(1);
        var fired = changes.getFirst();
        assertThat(fired.event()).isEqualTo("firing");
        assertThat(fired.alert().severity()).isEqualTo("critical");
        assertThat(fired.alert().since()).isEqualTo(Instant.parse("2026-01-05T10:00:00Z"));
        assertThat(fired.alert().firedAt()).isEqualTo(Instant.parse("2026-01-05T10:00:30Z"));
        assertThat(fired.alert().sample().at("/memory/usedPercent").asDouble()).isEqualTo(97.0);
        assertThat(monitor.firingCount()).isEqualTo(1);
        assertThat(monitor.status().get("firing")).hasSize(1);

        // Still true: no second firing.
        clock.advance(Duration.ofSeconds(5));
        monitor.evaluate(sample(99));
        assertThat(changes).hasSize(1);

        clock.advance(Duration.ofSeconds(5));
        monitor.evaluate(sample(40));
        assertThat(changes).hasSize(2);
        var resolved = changes.get(1);
        assertThat(resolved.event()).isEqualTo("resolved");
        assertThat(resolved.alert().id()).isEqualTo(fired.alert().id());
        assertThat(resolved.alert().resolvedAt()).isEqualTo(Instant.parse("2026-01-05T10:00:40Z"));
        var status = monitor.status();
        assertThat(status.get("firing")).isEmpty();
        assertThat(status.get("recent")).hasSize(1);
        assertThat(status.at("/recent/0/state").asString()).isEqualTo("resolved");
        assertThat(state(monitor, "memory-high")).isEqualTo("ok");
    }

    @Test
    void aConditionThatStopsHoldingWhilePendingStartsItsDurationAgain() {
        var monitor = monitor(memoryHigh(Duration.ofSeconds(30)));
        monitor.evaluate(sample(95));
        clock.advance(Duration.ofSeconds(20));
        monitor.evaluate(sample(50));
        clock.advance(Duration.ofSeconds(20));
        monitor.evaluate(sample(95));
        assertThat(changes).isEmpty();
        assertThat(state(monitor, "memory-high")).isEqualTo("pending");
        clock.advance(Duration.ofSeconds(30));
        monitor.evaluate(sample(95));
        assertThat(changes).extracting(Change::event).containsExactly("firing");
    }

    @Test
    void aRuleWithoutDurationFiresAtOnce() {
        var monitor = monitor(memoryHigh(Duration.ZERO));
        monitor.evaluate(sample(91));
        assertThat(changes).extracting(Change::event).containsExactly("firing");
    }

    @Test
    void aSampleTheRuleCannotReadNeitherRaisesNorSilencesAnAlert() {
        var monitor = monitor(memoryHigh(Duration.ZERO));
        monitor.evaluate(sample(95));
        assertThat(monitor.firingCount()).isEqualTo(1);

        // The memory reading is missing: the rule cannot be evaluated, the alert keeps firing.
        monitor.evaluate(Json.parse("{\"cpu\":{\"usedPercent\":1}}"));
        assertThat(monitor.firingCount()).isEqualTo(1);
        assertThat(changes).hasSize(1);
        var rule = monitor.status().at("/rules/0");
        assertThat(rule.get("state").asString()).isEqualTo("firing");
        assertThat(rule.get("error").asString()).isNotBlank();

        monitor.evaluate(sample(10));
        assertThat(changes).extracting(Change::event).containsExactly("firing", "resolved");
        assertThat(monitor.status().at("/rules/0").has("error")).isFalse();
    }

    @Test
    void aListenerThatThrowsDoesNotStopTheOtherRules() {
        var calls = new ArrayList<String>();
        var monitor = new Monitor(() -> sample(0), Duration.ofSeconds(5), AlertRule.compile(List.of(
                memoryHigh(Duration.ZERO), new AlertSpec("cpu-any", "cpu.cores > 0", Duration.ZERO, "info", "default"))),
                (event, alert, sample) -> {
                    calls.add(alert.rule());
                    throw new IllegalStateException("receiver down");
                }, clock);
        monitor.evaluate(sample(95));
        assertThat(calls).containsExactly("memory-high", "cpu-any");
        assertThat(monitor.firingCount()).isEqualTo(2);
    }

    @Test
    void aRuleThatDoesNotCompileIsNamedWithTheReason() {
        assertThatThrownBy(() -> AlertRule.compile(List.of(new AlertSpec("typo", "memroy.usedPercent > 90", Duration.ZERO,
                "warning", "default"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("alert rule typo")
                .hasMessageContaining("memroy")
                .hasMessageContaining("memory");
        assertThatThrownBy(() -> AlertRule.compile(List.of(new AlertSpec("syntax", "memory.usedPercent >", Duration.ZERO,
                "warning", "default"))))
                .hasMessageContaining("alert rule syntax");
    }

    @Test
    void startedItSamplesEveryIntervalAndStopsWhenClosed() throws Exception {
        var samples = new java.util.concurrent.atomic.AtomicInteger();
        var monitor = new Monitor(() -> {
            samples.incrementAndGet();
            return sample(95);
        }, Duration.ofSeconds(1), AlertRule.compile(List.of(memoryHigh(Duration.ZERO))), (e, a, s) -> {}, Clock.systemUTC());
        monitor.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (monitor.firingCount() == 0 && System.nanoTime() < deadline) Thread.sleep(50);
        assertThat(monitor.firingCount()).isEqualTo(1);
        monitor.close();
        int after = samples.get();
        Thread.sleep(1500);
        assertThat(samples.get()).isEqualTo(after);
    }
}
