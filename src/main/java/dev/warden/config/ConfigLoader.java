package dev.warden.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Builds a {@link WardenConfig}. Precedence, lowest first: built-in defaults, the config file
 * ({@code DATA/warden.yaml} or {@code --config}), environment variables, command-line flags. Env
 * beats the file so a deployment can override a shipped file without editing it.
 */
public final class ConfigLoader {
    private static final Set<String> FILE_KEYS =
            Set.of("host", "port", "roots", "policy", "maxBodyBytes", "confirmationTtlSeconds",
                    "approvalTtlSeconds", "monitor", "llm");
    private static final Set<String> MONITOR_KEYS = Set.of("intervalSeconds", "alerts");
    private static final Set<String> ALERT_KEYS = Set.of("name", "when", "for", "severity", "project");
    private static final Set<String> SEVERITIES = Set.of("info", "warning", "critical");

    /** What the command line said; null fields were not given. */
    public record Flags(String host, Integer port, Path dataDir, List<Path> roots, Path configFile) {
        public static Flags none() {
            return new Flags(null, null, null, List.of(), null);
        }
    }

    private final Map<String, String> env;
    private final Path workingDir;
    private final Path home;

    public ConfigLoader(Map<String, String> env, Path workingDir, Path home) {
        this.env = Map.copyOf(env);
        this.workingDir = workingDir;
        this.home = home;
    }

    public static ConfigLoader fromSystem() {
        return new ConfigLoader(System.getenv(), Path.of("").toAbsolutePath(), Path.of(System.getProperty("user.home")));
    }

    public WardenConfig load(Flags flags) {
        var dataDir = flags.dataDir() != null ? flags.dataDir()
                : env.containsKey("WARDEN_DATA_DIR") ? Path.of(env.get("WARDEN_DATA_DIR"))
                : home.resolve(".local/share/warden");
        dataDir = dataDir.toAbsolutePath().normalize();

        var configFile = flags.configFile() != null ? flags.configFile()
                : env.containsKey("WARDEN_CONFIG") ? Path.of(env.get("WARDEN_CONFIG"))
                : dataDir.resolve("warden.yaml");
        var file = readFile(configFile, flags.configFile() != null || env.containsKey("WARDEN_CONFIG"));

        String host = WardenConfig.DEFAULT_HOST;
        int port = WardenConfig.DEFAULT_PORT;
        List<Path> roots = List.of(workingDir);
        Path policy = dataDir.resolve("policy.yaml");
        long maxBody = WardenConfig.DEFAULT_MAX_BODY_BYTES;
        Duration confirmTtl = WardenConfig.DEFAULT_CONFIRMATION_TTL;
        Duration approvalTtl = WardenConfig.DEFAULT_APPROVAL_TTL;
        MonitorConfig monitor = MonitorConfig.defaults();
        LlmConfig llm = LlmConfig.none();

        if (file != null) {
            if (file.has("host")) host = file.get("host").asString();
            if (file.has("port")) port = file.get("port").asInt();
            if (file.has("roots")) roots = paths(file.get("roots"), configFile);
            if (file.has("policy")) policy = configFile.toAbsolutePath().getParent().resolve(file.get("policy").asString());
            if (file.has("maxBodyBytes")) maxBody = file.get("maxBodyBytes").asLong();
            if (file.has("confirmationTtlSeconds")) confirmTtl = Duration.ofSeconds(file.get("confirmationTtlSeconds").asLong());
            if (file.has("approvalTtlSeconds")) approvalTtl = Duration.ofSeconds(file.get("approvalTtlSeconds").asLong());
            if (file.has("monitor")) monitor = monitor(file.get("monitor"), configFile);
            if (file.has("llm")) llm = LlmConfigReader.fromFile(file.get("llm"), configFile, env);
        }

        if (env.containsKey("WARDEN_HOST")) host = env.get("WARDEN_HOST");
        if (env.containsKey("WARDEN_PORT")) port = intFrom("WARDEN_PORT", env.get("WARDEN_PORT"));
        if (env.containsKey("WARDEN_ROOTS")) {
            roots = splitPaths(env.get("WARDEN_ROOTS"));
        }
        if (env.containsKey("WARDEN_POLICY")) policy = Path.of(env.get("WARDEN_POLICY"));
        if (env.containsKey("WARDEN_MAX_BODY_BYTES")) maxBody = intFrom("WARDEN_MAX_BODY_BYTES", env.get("WARDEN_MAX_BODY_BYTES"));
        llm = LlmConfigReader.fromEnv(env).orElse(llm);

        if (flags.host() != null) host = flags.host();
        if (flags.port() != null) port = flags.port();
        if (!flags.roots().isEmpty()) roots = flags.roots();

        var absoluteRoots = roots.stream().map(r -> workingDir.resolve(r).toAbsolutePath().normalize()).toList();
        var adminToken = env.get("WARDEN_ADMIN_TOKEN");
        if (adminToken != null && adminToken.isBlank()) adminToken = null;
        return new WardenConfig(host, port, dataDir, absoluteRoots, policy.toAbsolutePath().normalize(), adminToken,
                maxBody, confirmTtl, approvalTtl, monitor, llm, configFile.toAbsolutePath().normalize());
    }

    private static MonitorConfig monitor(JsonNode node, Path file) {
        if (!node.isObject()) throw new ConfigException(file + ": monitor must be a mapping with intervalSeconds and alerts");
        unknownKeys(node, MONITOR_KEYS, file + ": monitor");
        var interval = MonitorConfig.DEFAULT_INTERVAL;
        if (node.has("intervalSeconds")) {
            var seconds = node.get("intervalSeconds");
            if (!seconds.isIntegralNumber() || seconds.asLong() < 1 || seconds.asLong() > 3600) {
                throw new ConfigException(file + ": monitor.intervalSeconds must be a whole number of seconds from 1 to 3600");
            }
            interval = Duration.ofSeconds(seconds.asLong());
        }
        var alerts = new ArrayList<MonitorConfig.AlertSpec>();
        var list = node.path("alerts");
        if (!list.isMissingNode() && !list.isArray()) throw new ConfigException(file + ": monitor.alerts must be a list of rules");
        var names = new java.util.HashSet<String>();
        for (int i = 0; i < list.size(); i++) {
            var rule = list.get(i);
            var where = file + ": monitor.alerts[" + i + "]";
            if (!rule.isObject()) throw new ConfigException(where + " must be a mapping with name and when");
            unknownKeys(rule, ALERT_KEYS, where);
            var name = rule.path("name").asString("");
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")) {
                throw new ConfigException(where + ": name must be 1-64 letters, digits, '.', '_' or '-', was '" + name + "'");
            }
            if (!names.add(name)) throw new ConfigException(where + ": a rule named '" + name + "' is already defined");
            var when = rule.path("when").asString("");
            if (when.isBlank()) throw new ConfigException(where + " (" + name + "): when is required, e.g. 'memory.usedPercent > 90'");
            var severity = rule.path("severity").asString("warning");
            if (!SEVERITIES.contains(severity)) throw new ConfigException(where + " (" + name + "): severity must be one of info, warning, critical");
            alerts.add(new MonitorConfig.AlertSpec(name, when, duration(rule.get("for"), where + " (" + name + "): for"), severity,
                    rule.path("project").asString("default")));
        }
        return new MonitorConfig(interval, alerts);
    }

    /** {@code 90} (seconds), {@code 90s}, {@code 5m} or {@code 1h}; absent is zero (fire at once). */
    static Duration duration(JsonNode node, String where) {
        if (node == null || node.isNull()) return Duration.ZERO;
        if (node.isIntegralNumber() && node.asLong() >= 0) return Duration.ofSeconds(node.asLong());
        var m = java.util.regex.Pattern.compile("(\\d+)\\s*([smh])").matcher(node.asString("").strip());
        if (!m.matches()) throw new ConfigException(where + " must be a duration like 30s, 5m or 1h, was '" + node.asString() + "'");
        long value = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(value);
            case "m" -> Duration.ofMinutes(value);
            default -> Duration.ofHours(value);
        };
    }

    static void unknownKeys(JsonNode node, Set<String> known, String where) {
        var unknown = new ArrayList<String>();
        node.propertyNames().forEach(k -> {
            if (!known.contains(k)) unknown.add(k);
        });
        if (!unknown.isEmpty()) {
            throw new ConfigException(where + ": unknown keys " + unknown + "; known keys are " + known.stream().sorted().toList());
        }
    }

    private JsonNode readFile(Path file, boolean mustExist) {
        if (!Files.exists(file)) {
            if (mustExist) throw new ConfigException("config file " + file + " does not exist");
            return null;
        }
        try {
            var node = YAMLMapper.builder().build().readTree(Files.readString(file));
            if (node == null || node.isMissingNode() || node.isNull()) return null;
            if (!node.isObject()) throw new ConfigException(file + ": the top level must be a mapping");
            var unknown = new ArrayList<String>();
            node.propertyNames().forEach(k -> {
                if (!FILE_KEYS.contains(k)) unknown.add(k);
            });
            if (!unknown.isEmpty()) {
                throw new ConfigException(file + ": unknown keys " + unknown + "; known keys are " + FILE_KEYS.stream().sorted().toList());
            }
            return node;
        } catch (JacksonException e) {
            throw new ConfigException(file + ": " + e.getOriginalMessage() + " at line " + e.getLocation().getLineNr());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<Path> paths(JsonNode node, Path configFile) {
        if (!node.isArray()) throw new ConfigException(configFile + ": roots must be a list of paths");
        var out = new ArrayList<Path>();
        node.forEach(n -> out.add(Path.of(n.asString())));
        return out;
    }

    private static List<Path> splitPaths(String text) {
        return java.util.Arrays.stream(text.split(":")).filter(s -> !s.isBlank()).map(Path::of).toList();
    }

    private static int intFrom(String name, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(name + " must be a number, was '" + value + "'");
        }
    }

    /** A configuration mistake the operator must fix; the message says where. */
    public static final class ConfigException extends RuntimeException {
        public ConfigException(String message) {
            super(message);
        }
    }

}
