package dev.warden.policy;

import java.util.List;
import java.util.function.BiConsumer;

/**
 * The policy's {@code sandbox} section: the level a command runs at when the call names none
 * ({@code default}), the weakest level a call may ask for ({@code minimum}), whether isolated and
 * preview runs may use the network, the control-group limits of those runs, and how long a preview
 * waits for its commit. Levels are named here as in the API, weakest first: process, isolated,
 * preview.
 */
public record SandboxPolicy(String defaultLevel, String minimum, boolean network, long memoryMb, int pids, double cpus,
                            long previewTtlMinutes) {
    public static final List<String> LEVELS = List.of("process", "isolated", "preview");
    public static final SandboxPolicy DEFAULT = new SandboxPolicy("process", "process", false, 512, 256, 1.0, 60);
    private static final List<String> KEYS = List.of("default", "minimum", "network", "memoryMb", "pids", "cpus",
            "previewTtlMinutes");

    static SandboxPolicy read(YamlTree.Node node, BiConsumer<YamlTree.Node, String> problem) {
        if (!(node instanceof YamlTree.Mapping mapping)) {
            problem.accept(node, "sandbox is a mapping, e.g. 'sandbox: {default: process, network: false}'");
            return DEFAULT;
        }
        var d = DEFAULT;
        String defaultLevel = d.defaultLevel(), minimum = d.minimum();
        boolean network = d.network();
        long memoryMb = d.memoryMb(), ttl = d.previewTtlMinutes();
        int pids = d.pids();
        double cpus = d.cpus();
        YamlTree.Node defaultNode = null;
        for (var e : mapping.entries()) {
            var v = e.value();
            switch (e.key()) {
                case "default" -> {
                    defaultLevel = level(v, problem, defaultLevel);
                    defaultNode = v;
                }
                case "minimum" -> minimum = level(v, problem, minimum);
                case "network" -> network = bool(v, problem);
                case "memoryMb" -> memoryMb = number(v, problem, 0, 1L << 20, "memoryMb is the memory limit in MiB, 0 for none");
                case "pids" -> pids = (int) number(v, problem, 0, 1_000_000, "pids is the most processes and threads, 0 for no limit");
                case "cpus" -> cpus = cpus(v, problem);
                case "previewTtlMinutes" -> ttl = number(v, problem, 1, 7 * 24 * 60,
                        "previewTtlMinutes is how long a preview can be committed, from 1 to 10080 (a week)");
                default -> problem.accept(v, "unknown key '" + e.key() + "'; sandbox has " + String.join(", ", KEYS));
            }
        }
        if (LEVELS.indexOf(defaultLevel) < LEVELS.indexOf(minimum)) {
            problem.accept(defaultNode == null ? mapping : defaultNode, "the default level '" + defaultLevel
                    + "' is weaker than the minimum '" + minimum + "'; levels from weakest: " + String.join(", ", LEVELS));
        }
        return new SandboxPolicy(defaultLevel, minimum, network, memoryMb, pids, cpus, ttl);
    }

    private static String level(YamlTree.Node node, BiConsumer<YamlTree.Node, String> problem, String fallback) {
        if (node instanceof YamlTree.Scalar s && s.text() != null && LEVELS.contains(s.text().strip())) return s.text().strip();
        problem.accept(node, "a sandbox level is process, isolated or preview");
        return fallback;
    }

    private static boolean bool(YamlTree.Node node, BiConsumer<YamlTree.Node, String> problem) {
        if (node instanceof YamlTree.Scalar s && s.text() != null) {
            switch (s.text().strip()) {
                case "true" -> { return true; }
                case "false" -> { return false; }
                default -> { }
            }
        }
        problem.accept(node, "network is true or false");
        return false;
    }

    private static long number(YamlTree.Node node, BiConsumer<YamlTree.Node, String> problem, long min, long max, String what) {
        if (node instanceof YamlTree.Scalar s && s.text() != null && s.text().strip().matches("[0-9]{1,12}")) {
            var value = Long.parseLong(s.text().strip());
            if (value >= min && value <= max) return value;
        }
        problem.accept(node, what + " (from " + min + " to " + max + ")");
        return min;
    }

    private static double cpus(YamlTree.Node node, BiConsumer<YamlTree.Node, String> problem) {
        if (node instanceof YamlTree.Scalar s && s.text() != null && s.text().strip().matches("[0-9]{1,4}(\\.[0-9]{1,3})?")) {
            var value = Double.parseDouble(s.text().strip());
            if (value <= 1024) return value;
        }
        problem.accept(node, "cpus is how many CPUs an isolated command may use, e.g. 1 or 0.5; 0 for no limit");
        return 0;
    }
}
