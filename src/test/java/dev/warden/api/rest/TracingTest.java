package dev.warden.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.app.Warden;
import dev.warden.audit.AuditQuery;
import dev.warden.config.WardenConfig;
import dev.warden.json.Json;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A request continues the caller's trace: a server span, the intent's span, one child span per stage, the trace id in the audit record. */
class TracingTest {
    static final String ADMIN = "tracing-admin-token-0123456789";
    static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String PARENT = "00f067aa0ba902b7";

    @TempDir
    Path temp;

    final InMemorySpanExporter spans = InMemorySpanExporter.create();
    Warden warden;
    RestServer server;

    @BeforeEach
    void start() throws Exception {
        var root = Files.createDirectories(temp.resolve("root"));
        var data = Files.createDirectories(temp.resolve("data"));
        warden = Warden.open(new WardenConfig("127.0.0.1", 0, data, List.of(root), data.resolve("policy.yaml"), ADMIN,
                1_048_576, Duration.ofMinutes(5)), Clock.systemUTC(), List.of(SimpleSpanProcessor.create(spans)));
        warden.tokens().ensureAdmin(ADMIN);
        server = new RestServer(warden.restDependencies(), "127.0.0.1", 0, 1_048_576).start();
    }

    @AfterEach
    void stop() {
        server.close();
        warden.close();
    }

    @Test
    void anIncomingTraceparentIsContinuedThroughEveryStageAndRecorded() throws Exception {
        var response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/v1/actions/fs.write"))
                .header("Authorization", "Bearer " + ADMIN)
                .header("traceparent", "00-" + TRACE + "-" + PARENT + "-01")
                .POST(HttpRequest.BodyPublishers.ofString("{\"path\":\"t.txt\",\"content\":\"traced\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        var answered = response.headers().firstValue("traceparent").orElseThrow();
        assertThat(answered).startsWith("00-" + TRACE + "-").doesNotContain(PARENT);

        var seq = Json.parse(response.body()).path("auditSeq").asLong();
        assertThat(new AuditQuery(warden.database()).find(seq).orElseThrow().traceId()).isEqualTo(TRACE);

        var finished = spans.getFinishedSpanItems();
        Map<String, SpanData> byName = finished.stream().collect(Collectors.toMap(SpanData::getName, s -> s, (a, b) -> a));
        assertThat(finished).allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(TRACE));
        var serverSpan = byName.get("POST /v1/actions/fs.write");
        assertThat(serverSpan.getParentSpanId()).isEqualTo(PARENT);
        assertThat(answered).contains(serverSpan.getSpanId());
        var intent = byName.get("warden.intent");
        assertThat(intent.getParentSpanId()).isEqualTo(serverSpan.getSpanId());
        assertThat(intent.getAttributes().asMap().toString()).contains("fs.write");
        for (var stage : List.of("validate", "guard", "decide", "execute", "journal", "audit")) {
            assertThat(byName).as("stage %s", stage).containsKey(stage);
            assertThat(byName.get(stage).getParentSpanId()).as("parent of %s", stage).isEqualTo(intent.getSpanId());
        }
    }

    @Test
    void withoutATraceparentANewTraceStartsAndIsAnswered() throws Exception {
        var response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/v1/actions/fs.stat"))
                .header("Authorization", "Bearer " + ADMIN)
                .POST(HttpRequest.BodyPublishers.ofString("{\"path\":\".\"}")).build(), HttpResponse.BodyHandlers.ofString());
        var traceparent = response.headers().firstValue("traceparent").orElseThrow();
        assertThat(traceparent).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
        var seq = Json.parse(response.body()).path("auditSeq").asLong();
        assertThat(new AuditQuery(warden.database()).find(seq).orElseThrow().traceId()).isEqualTo(traceparent.substring(3, 35));
    }
}
