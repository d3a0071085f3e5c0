package dev.warden.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code monitor:} part of the config file: what is read, and what is refused with a message naming the place. */
class MonitorConfigTest {
    @TempDir
    Path temp;

    WardenConfig load(String yaml) throws Exception {
        var data = Files.createDirectories(temp.resolve("data"));
        Files.writeString(data.resolve("warden.yaml"), yaml);
        return new ConfigLoader(Map.of("WARDEN_DATA_DIR", data.toString()), temp, temp).load(ConfigLoader.Flags.none());
    }

    @Test
    void withoutAMonitorPartThereAreNoRulesAndTheDefaultInterval() throws Exception {
        var monitor = load("port: 9000\n").monitor();
        assertThat(monitor.alerts()).isEmpty();
        assertThat(monitor.interval()).isEqualTo(MonitorConfig.DEFAULT_INTERVAL);
    }

    @Test
    void rulesAreReadWithTheirDurationsSeverityAndProject() throws Exception {
        var monitor = load("""
                monitor:
                  intervalSeconds: 10
                  alerts:
                    - {name: memory-high, when: 'memory.usedPercent > 90', for: 5m, severity: critical, project: ops}
                    - {name: load, when: 'load.one > cpu.cores * 2', for: 30s}
                    - {name: disk, when: 'fileSystems.exists(f, f.usedPercent > 95)', for: 1h, severity: info}
                    - {name: swap, when: 'swap.usedPercent > 50', for: 45}
                """).monitor();
        assertThat(monitor.interval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(monitor.alerts()).extracting(MonitorConfig.AlertSpec::name).containsExactly("memory-high", "load", "disk", "swap");
        assertThat(monitor.alerts()).extracting(MonitorConfig.AlertSpec::forDuration)
                .containsExactly(Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofHours(1), Duration.ofSeconds(45));
        assertThat(monitor.alerts()).extracting(MonitorConfig.AlertSpec::severity).containsExactly("critical", "warning", "info", "warning");
        assertThat(monitor.alerts()).extracting(MonitorConfig.AlertSpec::project).containsExactly("ops", "default", "default", "default");
    }

    @Test
    void badRulesAreRefusedNamingTheRuleAndTheKey() {
        assertThatThrownBy(() -> load("monitor: {alerts: [{name: m, when: 'memory.usedPercent > 1', severity: loud}]}"))
                .isInstanceOf(ConfigLoader.ConfigException.class).hasMessageContaining("monitor.alerts[0] (m): severity must be one of");
        assertThatThrownBy(() -> load("monitor: {alerts: [{name: m, when: 'memory.usedPercent > 1', for: soon}]}"))
                .isInstanceOf(ConfigLoader.ConfigException.class).hasMessageContaining("(m): for must be a duration like 30s, 5m or 1h");
        assertThatThrownBy(() -> load("monitor: {alerts: [{name: m, when: 'x', forr: 5m}]}"))
                .isInstanceOf(ConfigLoader.ConfigException.class).hasMessageContaining("unknown keys [forr]");
        assertThatThrownBy(() -> load("monitor: {alerts: [{name: m}]}"))
                .isInstanceOf(ConfigLoader.ConfigException.class).hasMessageContaining("when is required");
        assertThatThrownBy(() -> load("monitor: {alerts: [{name: m, when: a}, {name: m, when: b}]}"))
                .isInstanceOf(ConfigLoader.ConfigException.class).hasMessageContaining("monitor.alerts[1]: a rule named 'm' is already defined");
        assertThatThrownBy(() -> load("monitor: {alerts: [{name: 'bad name', when: a}]}"))
                .isInstanceOf(ConfigLoader.ConfigException.class).hasMessageContaining("name must be 1-64 letters");
        assertThatThrownBy(() -> load("monitor: {intervalSeconds: 0}"))
                .isInstanceOf(ConfigLoader.ConfigException.class).hasMessageContaining("monitor.intervalSeconds must be a whole number");
        assertThatThrownBy(() -> load("monitor: {interval: 5}"))
                .isInstanceOf(ConfigLoader.ConfigException.class).hasMessageContaining("monitor: unknown keys [interval]");
        assertThatThrownBy(() -> load("monitor: {alerts: {name: m}}"))
                .isInstanceOf(ConfigLoader.ConfigException.class).hasMessageContaining("monitor.alerts must be a list");
    }
}
