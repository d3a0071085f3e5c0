package dev.warden.metrics;

import dev.warden.engine.EngineObserver;
import dev.warden.engine.Intent;
import dev.warden.engine.Outcome;
import dev.warden.llm.LlmObserver;
import dev.warden.llm.TokenUsage;
import dev.warden.policy.Effect;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Warden's metrics in one Prometheus registry: what the pipeline did (actions by outcome, their
 * durations, policy effects, audit append latency and count), pending approvals, and the JVM and
 * process. {@link #scrape} renders the text format for {@code GET /metrics}.
 */
public final class Metrics implements EngineObserver, LlmObserver, AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Timer auditAppend;
    private final CompletableFuture<JvmGcMetrics> jvm;

    /** {@code pendingApprovals} and {@code auditRecords} are read at each scrape. */
    public Metrics(Supplier<Number> pendingApprovals, Supplier<Number> auditRecords) {
        auditAppend = Timer.builder("warden.audit.append").description("Time until an audit record is durable")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(50_000)).maximumExpectedValue(Duration.ofSeconds(5))
                .register(registry);
        Gauge.builder("warden.approvals.pending", pendingApprovals).description("Requests waiting for approvers")
                .register(registry);
        FunctionCounter.builder("warden.audit.records", auditRecords, s -> s.get().doubleValue())
                .description("Audit records written by this process").register(registry);
        // The JVM and process meters read JMX beans, and starting JMX is a few hundred milliseconds of
        // class loading: they are bound beside the rest of the start, and a scrape waits for them.
        jvm = CompletableFuture.supplyAsync(() -> {
            new JvmMemoryMetrics().bindTo(registry);
            var gc = new JvmGcMetrics();
            gc.bindTo(registry);
            new JvmThreadMetrics().bindTo(registry);
            new ClassLoaderMetrics().bindTo(registry);
            new ProcessorMetrics().bindTo(registry);
            new UptimeMetrics().bindTo(registry);
            new FileDescriptorMetrics().bindTo(registry);
            return gc;
        }, Thread::startVirtualThread);
    }

    /** A gauge read at each scrape (e.g. running jobs). */
    public void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry);
    }

    @Override
    public void outcome(Intent intent, Outcome outcome, Effect effect, long nanos) {
        // An unknown action id comes from the caller: never let it become a label.
        var action = outcome instanceof Outcome.Invalid i && i.code().equals("unknown_action") ? "unknown" : intent.actionId();
        Counter.builder("warden.actions").description("Intents by action and outcome")
                .tag("action", action).tag("outcome", name(outcome)).register(registry).increment();
        Timer.builder("warden.action.duration").description("Time from intent to answer, audit included")
                .tag("action", action).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(10_000)).maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry).record(Duration.ofNanos(nanos));
        if (effect != null) {
            Counter.builder("warden.policy.decisions").description("Policy decisions by effect")
                    .tag("effect", effect.id()).register(registry).increment();
        }
    }

    /** A reload of a policy file: applied, or refused for its problems (the policy in force stays). */
    public void policyReloaded(boolean applied) {
        Counter.builder("warden.policy.reloads").description("Policy file reloads by result")
                .tag("result", applied ? "applied" : "refused").register(registry).increment();
    }

    /** An alert fired or resolved. Rule names come from the operator's config, so they may be labels. */
    public void alertChanged(String rule, String state) {
        Counter.builder("warden.alerts").description("Alerts fired and resolved, by rule")
                .tag("rule", rule).tag("state", state).register(registry).increment();
    }

    /** Provider names come from the operator's config, outcomes from a fixed set: both may be labels. */
    @Override
    public void llmCall(String provider, String outcome) {
        Counter.builder("warden.llm.calls").description("Attempts on LLM providers, by outcome")
                .tag("provider", provider).tag("outcome", outcome).register(registry).increment();
    }

    /** By the configured model's name, not the one a server reports, so a server cannot mint labels. */
    @Override
    public void llmTokens(String provider, String model, TokenUsage usage) {
        tokens(provider, model, "input").increment(usage.input());
        tokens(provider, model, "output").increment(usage.output());
    }

    private Counter tokens(String provider, String model, String kind) {
        return Counter.builder("warden.llm.tokens").description("Tokens used by LLM providers")
                .tag("provider", provider).tag("model", model).tag("kind", kind).register(registry);
    }

    @Override
    public void auditAppended(long nanos) {
        auditAppend.record(Duration.ofNanos(nanos));
    }

    public String scrape() {
        jvm.join();
        return registry.scrape();
    }

    static String name(Outcome outcome) {
        return switch (outcome) {
            case Outcome.Done d -> d.simulated() ? "simulated" : "done";
            case Outcome.NeedsConfirmation c -> "needs_confirmation";
            case Outcome.PendingApproval p -> "pending_approval";
            case Outcome.Limited l -> "limited";
            case Outcome.Denied d -> "denied";
            case Outcome.Invalid i -> "invalid";
            case Outcome.Failed f -> "failed";
        };
    }

    @Override
    public void close() {
        jvm.join().close();
        registry.close();
    }
}
