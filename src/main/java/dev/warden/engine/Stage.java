package dev.warden.engine;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;

/**
 * One pipeline stage as a child span of the intent's span ({@code validate}, {@code guard},
 * {@code decide}, {@code execute}, {@code journal}, {@code audit}); closed when the stage ends.
 */
final class Stage implements AutoCloseable {
    private final Span span;
    private final Scope scope;

    private Stage(Span span) {
        this.span = span;
        this.scope = span.makeCurrent();
    }

    static Stage open(Tracer tracer, String name) {
        return new Stage(tracer.spanBuilder(name).startSpan());
    }

    @Override
    public void close() {
        scope.close();
        span.end();
    }
}
