package dev.warden.app;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.util.ArrayList;
import java.util.List;

/**
 * Traces: an OpenTelemetry SDK with W3C trace context. Spans always get real ids (they name the
 * trace in the audit record and the {@code traceparent} answer); they leave the process only when
 * {@code OTEL_EXPORTER_OTLP_ENDPOINT} is set (OTLP over HTTP, batched), or to the processors a test adds.
 */
final class Telemetry implements AutoCloseable {
    private final OpenTelemetrySdk sdk;

    private Telemetry(OpenTelemetrySdk sdk) {
        this.sdk = sdk;
    }

    static Telemetry open(String otlpEndpoint, List<SpanProcessor> extra) {
        var processors = new ArrayList<>(extra);
        if (otlpEndpoint != null && !otlpEndpoint.isBlank()) {
            var endpoint = otlpEndpoint.endsWith("/v1/traces") ? otlpEndpoint
                    : otlpEndpoint.replaceAll("/+$", "") + "/v1/traces";
            processors.add(BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder().setEndpoint(endpoint).build()).build());
        }
        var tracing = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.builder().put("service.name", "warden").build())));
        processors.forEach(tracing::addSpanProcessor);
        return new Telemetry(OpenTelemetrySdk.builder()
                .setTracerProvider(tracing.build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build());
    }

    OpenTelemetry api() {
        return sdk;
    }

    Tracer tracer() {
        return sdk.getTracer("dev.warden");
    }

    @Override
    public void close() {
        sdk.close();
    }
}
