package dev.warden.monitor;

import dev.warden.config.MonitorConfig;
import dev.warden.policy.Condition;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** An alert rule with its condition compiled over the top-level fields of a {@code sys.metrics} sample. */
public record AlertRule(String name, Condition condition, Duration forDuration, String severity, String project) {

    /** What a sample offers a rule: {@code cpu.usedPercent}, {@code memory.usedPercent}, {@code load.one}, ... */
    public static final Set<String> VARIABLES = Set.of("cpu", "load", "memory", "swap", "disk", "network", "fileSystems",
            "processes", "threads", "uptimeSeconds");

    /** Compiles every rule; the first that does not compile is an error naming the rule and the reason. */
    public static List<AlertRule> compile(List<MonitorConfig.AlertSpec> specs) {
        return specs.stream().map(AlertRule::compile).toList();
    }

    static AlertRule compile(MonitorConfig.AlertSpec spec) {
        var compiled = Condition.compile(spec.when(), VARIABLES);
        if (compiled.condition() == null) {
            throw new IllegalArgumentException("alert rule " + spec.name() + ": when '" + spec.when() + "' does not compile: "
                    + String.join("; ", compiled.errors()) + " (a sample has " + VARIABLES.stream().sorted().toList() + ")");
        }
        return new AlertRule(spec.name(), compiled.condition(), spec.forDuration(), spec.severity(), spec.project());
    }
}
