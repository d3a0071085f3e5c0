package dev.warden.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Warden's configuration, built once at start-up from defaults, the config file, the environment and
 * command-line flags (in rising precedence) and immutable afterwards.
 *
 * @param adminToken a fixed admin token from {@code WARDEN_ADMIN_TOKEN}, or null to generate one on first start
 * @param approvalTtl how long a request held for approval waits for its approvers before it expires
 * @param monitor the sampling interval and the alert rules
 * @param llm the model providers of Warden's own agent, in fallback order (none: no agent)
 * @param configFile the config file this was read from (it need not exist), or null when none was involved
 */
public record WardenConfig(
        String host,
        int port,
        Path dataDir,
        List<Path> roots,
        Path policyFile,
        String adminToken,
        long maxBodyBytes,
        Duration confirmationTtl,
        Duration approvalTtl,
        MonitorConfig monitor,
        LlmConfig llm,
        Path configFile) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 7878;
    public static final long DEFAULT_MAX_BODY_BYTES = 8L * 1024 * 1024;
    public static final Duration DEFAULT_CONFIRMATION_TTL = Duration.ofMinutes(5);
    public static final Duration DEFAULT_APPROVAL_TTL = Duration.ofHours(24);

    public WardenConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(policyFile, "policyFile");
        Objects.requireNonNull(confirmationTtl, "confirmationTtl");
        Objects.requireNonNull(approvalTtl, "approvalTtl");
        Objects.requireNonNull(monitor, "monitor");
        Objects.requireNonNull(llm, "llm");
        roots = List.copyOf(roots);
        if (roots.isEmpty()) throw new IllegalArgumentException("at least one root is required");
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0..65535, was " + port);
        if (maxBodyBytes < 1024) throw new IllegalArgumentException("maxBodyBytes must be at least 1024");
    }

    /** A configuration read from no config file. */
    public WardenConfig(String host, int port, Path dataDir, List<Path> roots, Path policyFile, String adminToken,
                        long maxBodyBytes, Duration confirmationTtl, Duration approvalTtl, MonitorConfig monitor, LlmConfig llm) {
        this(host, port, dataDir, roots, policyFile, adminToken, maxBodyBytes, confirmationTtl, approvalTtl, monitor, llm, null);
    }

    /** A configuration without an LLM provider, read from no config file. */
    public WardenConfig(String host, int port, Path dataDir, List<Path> roots, Path policyFile, String adminToken,
                        long maxBodyBytes, Duration confirmationTtl, Duration approvalTtl, MonitorConfig monitor) {
        this(host, port, dataDir, roots, policyFile, adminToken, maxBodyBytes, confirmationTtl, approvalTtl, monitor, LlmConfig.none());
    }

    /** A configuration without alert rules. */
    public WardenConfig(String host, int port, Path dataDir, List<Path> roots, Path policyFile, String adminToken,
                        long maxBodyBytes, Duration confirmationTtl, Duration approvalTtl) {
        this(host, port, dataDir, roots, policyFile, adminToken, maxBodyBytes, confirmationTtl, approvalTtl, MonitorConfig.defaults());
    }

    /** A configuration with the default approval expiry. */
    public WardenConfig(String host, int port, Path dataDir, List<Path> roots, Path policyFile, String adminToken,
                        long maxBodyBytes, Duration confirmationTtl) {
        this(host, port, dataDir, roots, policyFile, adminToken, maxBodyBytes, confirmationTtl, DEFAULT_APPROVAL_TTL);
    }

    /**
     * Warden's own files, which no action may read or change even inside a root: the data dir (keys,
     * audit database, per-project policies), the policy file and the config file.
     */
    public List<Path> protectedPaths() {
        var paths = new java.util.ArrayList<>(List.of(dataDir, policyFile));
        if (configFile != null) paths.add(configFile);
        return List.copyOf(paths);
    }

    public Path database() {
        return dataDir.resolve("warden.db");
    }
}
