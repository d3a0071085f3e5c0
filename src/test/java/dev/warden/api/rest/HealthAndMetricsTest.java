package dev.warden.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /readyz names each check; /metrics speaks Prometheus text to admins and to the scrape token only. */
class HealthAndMetricsTest {
    @TempDir
    Path temp;

    RestFixture w;
    RestServer scraped;

    @BeforeEach
    void start() {
        w = new RestFixture(temp, null, 1_048_576);
        var deps = w.warden.restDependencies();
        scraped = new RestServer(new RestServer.Dependencies(deps.engine(), deps.plans(), deps.approvals(), deps.tokens(),
                deps.audit(), deps.policyStatus(), deps.webhooks(),
                new RestServer.Health(deps.health().readiness(), deps.health().metrics(), "scrape-secret"), deps.telemetry(),
                deps.selfTest(), deps.identity()),
                "127.0.0.1", 0, 1_048_576).start();
    }

    @AfterEach
    void stop() {
        scraped.close();
        w.close();
    }

    private HttpResponse<String> get(int port, String path, String token) throws Exception {
        var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET();
        if (token != null) b.header("Authorization", "Bearer " + token);
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void readinessNamesEachCheckWithoutAToken() throws Exception {
        var ready = w.get("/readyz", null);
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.body().path("status").asString()).isEqualTo("ready");
        assertThat(ready.body().path("checks").path("database").path("ok").asBoolean()).isTrue();
        assertThat(ready.body().path("checks").path("auditWriter").path("ok").asBoolean()).isTrue();
        assertThat(ready.body().path("checks").path("dataDirSpace").path("usableBytes").asLong()).isPositive();
    }

    @Test
    void metricsCountWhatThePipelineDidAndOnlyAdminsOrTheScraperReadThem() throws Exception {
        w.post("/v1/actions/fs.stat", w.operatorToken, "{\"path\":\".\"}");
        w.post("/v1/actions/fs.write", w.viewerToken, "{\"path\":\"x\",\"content\":\"x\"}");
        w.post("/v1/actions/no.such", w.operatorToken, "{}");

        assertThat(get(w.server.port(), "/metrics", w.operatorToken).statusCode()).isEqualTo(403);
        assertThat(get(w.server.port(), "/metrics", null).statusCode()).isEqualTo(401);
        var text = get(w.server.port(), "/metrics", RestFixture.ADMIN).body();
        assertThat(text).contains("warden_actions_total{action=\"fs.stat\",outcome=\"done\"} 1.0")
                .contains("warden_actions_total{action=\"fs.write\",outcome=\"denied\"} 1.0")
                .contains("warden_actions_total{action=\"unknown\",outcome=\"invalid\"} 1.0")
                .doesNotContain("no.such")
                .contains("warden_action_duration_seconds_bucket{action=\"fs.stat\"")
                .contains("warden_policy_decisions_total{effect=\"allow\"}")
                .contains("warden_approvals_pending 0.0")
                .contains("warden_jobs_running 0.0")
                .contains("warden_audit_append_seconds_count")
                .contains("warden_audit_records_total")
                .contains("jvm_memory_used_bytes")
                .contains("process_uptime_seconds");

        assertThat(get(scraped.port(), "/metrics", "scrape-secret").statusCode()).isEqualTo(200);
        assertThat(get(scraped.port(), "/metrics", "wrong").statusCode()).isEqualTo(401);
        // The scrape token opens /metrics and nothing else.
        assertThat(get(scraped.port(), "/v1/actions", "scrape-secret").statusCode()).isEqualTo(401);
    }

    @Test
    void theSelfTestRunsAHarmlessActionThroughEveryStageAndTimesThem() throws Exception {
        assertThat(w.get("/v1/selftest", w.operatorToken).status()).isEqualTo(403);
        var report = w.get("/v1/selftest", RestFixture.ADMIN);
        assertThat(report.status()).isEqualTo(200);
        assertThat(report.body().path("status").asString()).isEqualTo("ok");
        for (var mode : java.util.List.of("simulate", "execute")) {
            var run = report.body().path(mode);
            assertThat(run.path("ok").asBoolean()).as(mode).isTrue();
            assertThat(run.path("auditSeq").asLong()).isPositive();
            assertThat(run.path("stagesMicros").propertyNames()).contains("validate", "guard", "decide", "execute", "audit");
            assertThat(run.path("stagesMicros").path("audit").asLong()).isGreaterThanOrEqualTo(0);
        }
        assertThat(report.body().path("execute").path("stagesMicros").has("journal")).isTrue();
    }

    @Test
    void anAdminTokenNarrowedToSomeActionsIsNoAdminForTheAdminReads() throws Exception {
        dev.warden.identity.Members.add(w.warden.users(), w.warden.projects(), "default", "nadia", dev.warden.identity.Role.ADMIN);
        var narrowed = w.warden.tokens().create("agent", "nadia", "default", dev.warden.identity.Role.ADMIN, null,
                java.util.List.of("fs.*")).secret();
        for (var path : java.util.List.of("/v1/audit", "/v1/policy", "/v1/selftest", "/metrics")) {
            assertThat(w.get(path, narrowed).status()).as(path).isEqualTo(403);
        }
        assertThat(w.post("/v1/actions/fs.stat", narrowed, "{\"path\":\".\"}").status()).isEqualTo(200);
    }
}
