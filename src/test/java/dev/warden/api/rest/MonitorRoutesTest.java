package dev.warden.api.rest;

import dev.warden.testing.WebhookReceiver;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.audit.AuditQuery;
import dev.warden.config.MonitorConfig;
import dev.warden.identity.Role;
import dev.warden.json.Json;
import dev.warden.webhook.Webhooks;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A real Warden sampling this machine every second with a rule that always holds: the alert fires,
 * shows at /v1/alerts, reaches the project's webhook signed, is counted at /metrics, and the monitor
 * stream carries samples and the firing set.
 */
class MonitorRoutesTest {
    @TempDir
    Path temp;

    RestFixture w;
    WebhookReceiver receiver;
    String secret;

    @BeforeEach
    void start() throws Exception {
        receiver = new WebhookReceiver();
        var rules = List.of(new MonitorConfig.AlertSpec("cores-present", "cpu.cores > 0", Duration.ZERO, "info", "default"),
                new MonitorConfig.AlertSpec("never", "memory.usedPercent > 1000.0", Duration.ZERO, "critical", "default"));
        w = new RestFixture(temp, null, 1_048_576, new MonitorConfig(Duration.ofSeconds(1), rules));
        secret = w.warden.webhooks().set("default", receiver.url(), null).secret();
        w.warden.monitor().start();
    }

    @AfterEach
    void stop() {
        w.close();
        receiver.close();
    }

    JsonNode firingAlerts() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            var alerts = w.get("/v1/alerts", w.viewerToken);
            assertThat(alerts.status()).isEqualTo(200);
            if (!alerts.body().get("firing").isEmpty()) return alerts.body();
            Thread.sleep(100);
        }
        throw new AssertionError("no alert fired within 15 s");
    }

    @Test
    void aRuleThatHoldsFiresAndIsShownSentAndCounted() throws Exception {
        var alerts = firingAlerts();
        assertThat(alerts.get("intervalSeconds").asLong()).isEqualTo(1);
        assertThat(alerts.get("firing")).hasSize(1);
        var alert = alerts.at("/firing/0");
        assertThat(alert.get("rule").asString()).isEqualTo("cores-present");
        assertThat(alert.get("state").asString()).isEqualTo("firing");
        assertThat(alert.at("/sample/cpu/cores").asInt()).isPositive();
        var states = new ArrayList<String>();
        alerts.get("rules").forEach(rule -> states.add(rule.get("name").asString() + "=" + rule.get("state").asString()));
        assertThat(states).containsExactly("cores-present=firing", "never=ok");

        var hook = receiver.poll(Duration.ofSeconds(10));
        assertThat(hook).as("webhook delivery").isNotNull();
        assertThat(hook.event()).isEqualTo("alert.firing");
        assertThat(hook.signature()).endsWith("sha256=" + Webhooks.sign(secret, hook.timestamp() + "." + hook.body()));
        assertThat(Json.parse(hook.body()).at("/alert/id").asString()).isEqualTo(alert.get("id").asString());

        var metrics = w.http.send(HttpRequest.newBuilder(w.uri("/metrics")).header("Authorization", "Bearer " + RestFixture.ADMIN).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).containsPattern("warden_alerts_total\\{[^}]*rule=\"cores-present\"[^}]*} 1\\.0");
        assertThat(metrics).containsPattern("warden_alerts_firing(\\{[^}]*})? 1\\.0");

        assertThat(w.get("/v1/alerts", null).status()).isEqualTo(401);
    }

    @Test
    void theStreamSendsSamplesEveryIntervalAndTheFiringSetAndIsAuditedOnce() throws Exception {
        firingAlerts();
        long before = sysMetricsRecords();
        var request = HttpRequest.newBuilder(w.uri("/v1/monitor/stream?interval=1"))
                .header("Authorization", "Bearer " + w.operatorToken).build();
        var response = w.http.send(request, HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        var events = new ArrayList<String>();
        var data = new ArrayList<JsonNode>();
        try (var lines = response.body()) {
            var iterator = lines.iterator();
            String event = null;
            while (iterator.hasNext() && events.stream().filter("sample"::equals).count() < 3) {
                var line = iterator.next();
                if (line.startsWith("event: ")) event = line.substring(7);
                if (line.startsWith("data: ") && event != null) {
                    events.add(event);
                    data.add(Json.parse(line.substring(6)));
                    event = null;
                }
            }
        }
        assertThat(events).startsWith("sample", "alerts").containsOnlyOnce("alerts");
        assertThat(events.stream().filter("sample"::equals).count()).isEqualTo(3);
        assertThat(data.getFirst().at("/cpu/cores").asInt()).isPositive();
        assertThat(data.getFirst().has("memory")).isTrue();
        assertThat(data.get(1).get(0).get("rule").asString()).isEqualTo("cores-present");
        // The first sample went through the engine; the rest came from the monitor.
        assertThat(sysMetricsRecords() - before).isEqualTo(1);
    }

    @Test
    void aTokenNarrowedToOtherActionsMayNotWatchAndABadIntervalIsRefused() throws Exception {
        var narrowed = w.warden.tokens().create("files", "olivia", "default", Role.OPERATOR, null, List.of("fs.*")).secret();
        var refused = w.get("/v1/monitor/stream", narrowed);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body().get("code").asString()).isEqualTo("action_not_permitted");

        for (var bad : List.of("0", "3601", "soon")) {
            var answer = w.get("/v1/monitor/stream?interval=" + bad, w.operatorToken);
            assertThat(answer.status()).isEqualTo(422);
            assertThat(answer.body().get("code").asString()).isEqualTo("invalid_query");
            assertThat(answer.body().get("hint").asString()).contains("?interval=");
        }
        assertThat(w.get("/v1/monitor/stream", null).status()).isEqualTo(401);
    }

    long sysMetricsRecords() {
        return new AuditQuery(w.warden.database()).latest(500).stream().filter(r -> r.action().equals("sys.metrics")).count();
    }
}
