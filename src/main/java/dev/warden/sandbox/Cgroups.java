package dev.warden.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The control groups Warden puts isolated runs in: the unified hierarchy (v2) when it is mounted
 * with the memory controller, else the v1 hierarchies of the memory, pids and cpu controllers.
 * Each run gets its own group below a {@code warden} group ({@link #create}); the group is
 * removed when the run is over.
 */
public final class Cgroups {
    static final String PARENT = "warden";
    static final List<String> CONTROLLERS = List.of("memory", "pids", "cpu");
    /** An empty group this old is left over from a Warden that died; newer ones may be about to be used. */
    private static final Duration STALE = Duration.ofMinutes(10);

    public enum Version { V1, V2, NONE }

    private final Version version;
    /** Controller name to the directory runs' groups are created in ({@code <mount>/warden}). */
    private final Map<String, Path> parents;

    private Cgroups(Version version, Map<String, Path> parents) {
        this.version = version;
        this.parents = Map.copyOf(parents);
    }

    static Cgroups none() {
        return new Cgroups(Version.NONE, Map.of());
    }

    /** Finds the hierarchies in {@code table}; nothing is created or written yet. */
    static Cgroups detect(MountTable table) {
        for (var mount : table.mounts()) {
            if (!mount.type().equals("cgroup2")) continue;
            var available = v2Controllers(mount.point());
            if (available.contains("memory")) {
                var parents = new LinkedHashMap<String, Path>();
                for (var controller : CONTROLLERS) {
                    if (available.contains(controller)) parents.put(controller, mount.point().resolve(PARENT));
                }
                return new Cgroups(Version.V2, parents);
            }
        }
        var parents = new LinkedHashMap<String, Path>();
        for (var controller : CONTROLLERS) {
            for (var mount : table.mounts()) {
                if (mount.type().equals("cgroup") && mount.superOptions().contains(controller)) {
                    parents.putIfAbsent(controller, mount.point().resolve(PARENT));
                }
            }
        }
        return parents.isEmpty() ? none() : new Cgroups(Version.V1, parents);
    }

    private static Set<String> v2Controllers(Path mount) {
        try {
            return Set.of(Files.readString(mount.resolve("cgroup.controllers")).trim().split("\\s+"));
        } catch (IOException e) {
            return Set.of();
        }
    }

    public Version version() {
        return version;
    }

    /**
     * Creates the {@code warden} groups, enables the v2 controllers for them, removes empty
     * leftovers of earlier runs, and answers the controllers whose limits can really be set: a
     * probe group is created, limited and removed for each.
     */
    Set<String> prepare() {
        var usable = new TreeSet<String>();
        if (version == Version.V2) enableV2Controllers();
        for (var entry : parents.entrySet()) {
            var parent = entry.getValue();
            try {
                Files.createDirectories(parent);
                sweep(parent);
                var probe = parent.resolve("probe-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
                Files.createDirectory(probe);
                try {
                    var file = probe.resolve(limitFile(entry.getKey()));
                    if (Files.isWritable(file)) {
                        Files.writeString(file, probeValue(entry.getKey()));
                        usable.add(entry.getKey());
                    }
                } finally {
                    Files.deleteIfExists(probe);
                }
            } catch (IOException | RuntimeException e) {
                // Not usable: the run reports this limit as unavailable.
            }
        }
        return usable;
    }

    private void enableV2Controllers() {
        var mount = parents.get("memory").getParent();
        var wanted = new StringBuilder();
        parents.keySet().forEach(c -> wanted.append('+').append(c).append(' '));
        try {
            Files.writeString(mount.resolve("cgroup.subtree_control"), wanted.toString().trim());
            Files.createDirectories(mount.resolve(PARENT));
            Files.writeString(mount.resolve(PARENT).resolve("cgroup.subtree_control"), wanted.toString().trim());
        } catch (IOException e) {
            // prepare() then finds the limit files missing and reports the controllers unusable.
        }
    }

    private static void sweep(Path parent) throws IOException {
        var cutoff = Instant.now().minus(STALE);
        try (var children = Files.list(parent)) {
            for (var child : children.filter(Files::isDirectory).toList()) {
                try {
                    FileTime modified = Files.getLastModifiedTime(child);
                    if (modified.toInstant().isBefore(cutoff)) Files.delete(child);
                } catch (IOException e) {
                    // Still populated, or already gone: leave it.
                }
            }
        }
    }

    String limitFile(String controller) {
        return switch (controller) {
            case "memory" -> version == Version.V2 ? "memory.max" : "memory.limit_in_bytes";
            case "pids" -> "pids.max";
            case "cpu" -> version == Version.V2 ? "cpu.max" : "cpu.cfs_quota_us";
            default -> throw new IllegalArgumentException(controller);
        };
    }

    private String probeValue(String controller) {
        return switch (controller) {
            case "memory" -> Long.toString(64L << 20);
            case "pids" -> "64";
            case "cpu" -> version == Version.V2 ? "100000 100000" : "100000";
            default -> throw new IllegalArgumentException(controller);
        };
    }

    /** Creates the group of one run with {@code limits} on the {@code controllers} that are usable. */
    CgroupRun create(String runId, CgroupLimits limits, Set<String> controllers) throws IOException {
        var dirs = new LinkedHashMap<String, Path>();
        for (var controller : CONTROLLERS) {
            if (!controllers.contains(controller) || !parents.containsKey(controller)) continue;
            if (!wanted(controller, limits)) continue;
            dirs.put(controller, parents.get(controller).resolve(runId));
        }
        var run = new CgroupRun(version, dirs);
        try {
            for (var dir : dirs.values()) {
                if (!Files.isDirectory(dir)) Files.createDirectory(dir);
            }
            run.apply(limits);
        } catch (IOException | RuntimeException e) {
            run.remove();
            throw e;
        }
        return run;
    }

    private static boolean wanted(String controller, CgroupLimits limits) {
        return switch (controller) {
            case "memory" -> limits.memoryBytes() > 0;
            case "pids" -> limits.pids() > 0;
            case "cpu" -> limits.cpus() > 0;
            default -> false;
        };
    }
}
