package dev.warden.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The {@code monitor:} part of the config file: how often the machine is sampled for alerts and
 * for {@code GET /v1/monitor/stream} (unless a stream asks for another interval), and the alert
 * rules. Rules are checked for shape here; their CEL is compiled when the monitor is built.
 */
public record MonitorConfig(Duration interval, List<AlertSpec> alerts) {
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);

    /**
     * One alert rule as written: fires when {@code when} (CEL over a {@code sys.metrics} sample, e.g.
     * {@code memory.usedPercent > 90}) has held for {@code forDuration}; the project's webhook hears it.
     */
    public record AlertSpec(String name, String when, Duration forDuration, String severity, String project) {
        public AlertSpec {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(when, "when");
            Objects.requireNonNull(forDuration, "for");
            Objects.requireNonNull(severity, "severity");
            Objects.requireNonNull(project, "project");
        }
    }

    public MonitorConfig {
        Objects.requireNonNull(interval, "interval");
        if (interval.compareTo(Duration.ofSeconds(1)) < 0) throw new IllegalArgumentException("monitor.intervalSeconds must be at least 1");
        alerts = List.copyOf(alerts);
    }

    public static MonitorConfig defaults() {
        return new MonitorConfig(DEFAULT_INTERVAL, List.of());
    }
}
