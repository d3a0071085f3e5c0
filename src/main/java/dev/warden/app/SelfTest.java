package dev.warden.app;

import dev.warden.engine.Engine;
import dev.warden.engine.Intent;
import dev.warden.engine.Mode;
import dev.warden.engine.Origin;
import dev.warden.engine.Outcome;
import dev.warden.identity.Principal;
import dev.warden.json.Json;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /v1/selftest}: a harmless action ({@code fs.stat} of the first root) through the whole
 * pipeline, once simulated and once executed, as the admin who asked, with each stage's time read
 * from the stage spans of its own trace. Both calls are audited like any other.
 */
final class SelfTest {
    /** Collects the finished spans of the traces a self-test is watching; ignores every other trace. */
    static final class Spans implements SpanProcessor {
        private final Map<String, List<ReadableSpan>> watched = new ConcurrentHashMap<>();

        void watch(String traceId) {
            watched.put(traceId, new CopyOnWriteArrayList<>());
        }

        List<ReadableSpan> take(String traceId) {
            var spans = watched.remove(traceId);
            return spans == null ? List.of() : spans;
        }

        @Override
        public void onStart(Context parentContext, ReadWriteSpan span) {}

        @Override
        public boolean isStartRequired() {
            return false;
        }

        @Override
        public void onEnd(ReadableSpan span) {
            var list = watched.get(span.getSpanContext().getTraceId());
            if (list != null) list.add(span);
        }

        @Override
        public boolean isEndRequired() {
            return true;
        }
    }

    private final Engine engine;
    private final Tracer tracer;
    private final Spans spans;
    private final String path;

    SelfTest(Engine engine, Tracer tracer, Spans spans, String path) {
        this.engine = engine;
        this.tracer = tracer;
        this.spans = spans;
        this.path = path;
    }

    JsonNode run(Principal admin) {
        var report = Json.object();
        var ok = true;
        for (var mode : List.of(Mode.SIMULATE, Mode.EXECUTE)) {
            var root = tracer.spanBuilder("warden.selftest").startSpan();
            var traceId = root.getSpanContext().getTraceId();
            spans.watch(traceId);
            var started = System.nanoTime();
            Outcome outcome;
            try (var scope = root.makeCurrent()) {
                outcome = engine.submit(new Intent("fs.stat", Json.object().put("path", path), admin, Origin.INTERNAL, mode,
                        null, null));
            } finally {
                root.end();
            }
            var micros = (System.nanoTime() - started) / 1_000;
            var item = report.putObject(mode.name().toLowerCase(java.util.Locale.ROOT));
            var done = outcome instanceof Outcome.Done;
            ok &= done;
            item.put("ok", done);
            item.put("outcome", outcome.getClass().getSimpleName());
            item.put("auditSeq", outcome.auditSeq());
            item.put("totalMicros", micros);
            item.put("traceId", traceId);
            var stages = item.putObject("stagesMicros");
            for (var span : spans.take(traceId)) {
                var name = span.getName();
                if (name.equals("warden.selftest")) continue;
                stages.put(name, span.getLatencyNanos() / 1_000);
            }
        }
        report.put("status", ok ? "ok" : "failed");
        return report;
    }
}
