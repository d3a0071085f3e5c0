package dev.warden.monitor;

import dev.warden.json.Json;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Watches the machine: every interval it takes a sample and checks each alert rule against it. A
 * rule whose condition has held for its {@code for} fires; one that stops holding resolves. Both
 * changes go to the listener (logs, metrics, the project's webhook). A condition that cannot be
 * evaluated changes nothing: a missing reading must neither raise nor silence an alert.
 *
 * <p>State is in memory: after a restart, a condition that still holds fires again once its
 * {@code for} has passed.
 */
public final class Monitor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Monitor.class);
    /** Resolved alerts kept for {@code GET /v1/alerts}. */
    private static final int RECENT = 100;

    /** Hears an alert fire ({@code firing}) or resolve ({@code resolved}). */
    public interface Listener {
        void changed(String event, Alert alert, JsonNode sample);
    }

    private final Supplier<? extends JsonNode> sampler;
    private final Duration interval;
    private final Listener listener;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, RuleState> states = new LinkedHashMap<>();
    private final Deque<Alert> recent = new ArrayDeque<>();
    private final SecureRandom random = new SecureRandom();
    private volatile Thread loop;

    private static final class RuleState {
        final AlertRule rule;
        Instant pendingSince;
        Alert firing;
        String lastError;
        Instant evaluatedAt;

        RuleState(AlertRule rule) {
            this.rule = rule;
        }
    }

    public Monitor(Supplier<? extends JsonNode> sampler, Duration interval, List<AlertRule> rules, Listener listener, Clock clock) {
        this.sampler = Objects.requireNonNull(sampler);
        this.interval = Objects.requireNonNull(interval);
        this.listener = Objects.requireNonNull(listener);
        this.clock = Objects.requireNonNull(clock);
        rules.forEach(rule -> states.put(rule.name(), new RuleState(rule)));
    }

    /** How often the machine is sampled (and the default interval of a monitor stream). */
    public Duration interval() {
        return interval;
    }

    /** A sample now (shared with other callers within a second). */
    public JsonNode sample() {
        return sampler.get();
    }

    /** Starts sampling on a virtual thread; without rules there is nothing to watch and no thread. */
    public void start() {
        if (states.isEmpty() || loop != null) return;
        loop = Thread.ofVirtual().name("warden-monitor").start(this::run);
    }

    private void run() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(interval);
                evaluate(sampler.get());
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("monitor sample failed: {}", e.toString());
            }
        }
    }

    /** Checks every rule against {@code sample}, taken now; fires and resolves as the rules say. */
    public void evaluate(JsonNode sample) {
        var now = clock.instant();
        record Change(String event, Alert alert) {}
        var changes = new ArrayList<Change>();
        lock.lock();
        try {
            for (var state : states.values()) {
                var result = state.rule.condition().evaluate(sample);
                state.evaluatedAt = now;
                if (result.error() != null) {
                    if (!result.error().equals(state.lastError)) {
                        log.warn("alert rule {} {}", state.rule.name(), result.error());
                    }
                    state.lastError = result.error();
                    continue;
                }
                state.lastError = null;
                if (result.matches()) {
                    if (state.pendingSince == null) state.pendingSince = now;
                    if (state.firing == null && !now.isBefore(state.pendingSince.plus(state.rule.forDuration()))) {
                        var rule = state.rule;
                        state.firing = new Alert(newId(), rule.name(), rule.severity(), rule.project(), rule.condition().expression(),
                                state.pendingSince, now, null, sample);
                        changes.add(new Change("firing", state.firing));
                    }
                } else {
                    state.pendingSince = null;
                    if (state.firing != null) {
                        var resolved = state.firing.resolve(now);
                        state.firing = null;
                        recent.addFirst(resolved);
                        while (recent.size() > RECENT) recent.removeLast();
                        changes.add(new Change("resolved", resolved));
                    }
                }
            }
        } finally {
            lock.unlock();
        }
        for (var change : changes) {
            try {
                listener.changed(change.event(), change.alert(), sample);
            } catch (RuntimeException e) {
                log.warn("alert listener failed for {} {}: {}", change.event(), change.alert().rule(), e.toString());
            }
        }
    }

    /** How many alerts are firing now. */
    public int firingCount() {
        lock.lock();
        try {
            return (int) states.values().stream().filter(s -> s.firing != null).count();
        } finally {
            lock.unlock();
        }
    }

    /** The rules and their state, the alerts firing now and the ones resolved lately (newest first). */
    public ObjectNode status() {
        var node = Json.object();
        node.put("intervalSeconds", interval.toSeconds());
        var rules = node.putArray("rules");
        var firing = node.putArray("firing");
        var resolved = node.putArray("recent");
        lock.lock();
        try {
            for (var state : states.values()) {
                var rule = rules.addObject();
                rule.put("name", state.rule.name());
                rule.put("when", state.rule.condition().expression());
                rule.put("forSeconds", state.rule.forDuration().toSeconds());
                rule.put("severity", state.rule.severity());
                rule.put("project", state.rule.project());
                rule.put("state", state.firing != null ? "firing" : state.pendingSince != null ? "pending" : "ok");
                if (state.pendingSince != null) rule.put("pendingSince", state.pendingSince.toString());
                if (state.evaluatedAt != null) rule.put("evaluatedAt", state.evaluatedAt.toString());
                if (state.lastError != null) rule.put("error", state.lastError);
                if (state.firing != null) firing.add(state.firing.toJson());
            }
            recent.forEach(alert -> resolved.add(alert.toJson()));
        } finally {
            lock.unlock();
        }
        return node;
    }

    private String newId() {
        var bytes = new byte[8];
        random.nextBytes(bytes);
        return "alr_" + HexFormat.of().formatHex(bytes);
    }

    @Override
    public void close() {
        var thread = loop;
        if (thread == null) return;
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
