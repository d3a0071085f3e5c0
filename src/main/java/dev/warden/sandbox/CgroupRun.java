package dev.warden.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The control group(s) of one isolated run: one directory per v1 controller, or one v2 directory.
 * The launcher writes its own pid into {@link #procsFiles()} before it enters the namespaces, so
 * everything the command starts is counted; after the run {@link #limitsHit()} says which limit
 * stopped something, and {@link #remove()} kills what is left and removes the groups.
 */
final class CgroupRun {
    private static final long CPU_PERIOD_US = 100_000;

    private final Cgroups.Version version;
    private final Map<String, Path> dirs;
    private final List<String> enforced = new ArrayList<>();

    CgroupRun(Cgroups.Version version, Map<String, Path> dirs) {
        this.version = version;
        this.dirs = new LinkedHashMap<>(dirs);
    }

    void apply(CgroupLimits limits) throws IOException {
        var memory = dirs.get("memory");
        if (memory != null) {
            var bytes = Long.toString(limits.memoryBytes());
            if (version == Cgroups.Version.V2) {
                write(memory, "memory.max", bytes);
                if (Files.exists(memory.resolve("memory.swap.max"))) write(memory, "memory.swap.max", "0");
            } else {
                write(memory, "memory.limit_in_bytes", bytes);
                // Swap counted too where the kernel accounts it, so a hog cannot page its way past the limit.
                if (Files.exists(memory.resolve("memory.memsw.limit_in_bytes"))) write(memory, "memory.memsw.limit_in_bytes", bytes);
            }
            enforced.add("cgroup_memory_bytes=" + limits.memoryBytes());
        }
        var pids = dirs.get("pids");
        if (pids != null) {
            write(pids, "pids.max", Integer.toString(limits.pids()));
            enforced.add("cgroup_pids_max=" + limits.pids());
        }
        var cpu = dirs.get("cpu");
        if (cpu != null) {
            long quota = Math.max(1_000, Math.round(limits.cpus() * CPU_PERIOD_US));
            if (version == Cgroups.Version.V2) {
                write(cpu, "cpu.max", quota + " " + CPU_PERIOD_US);
            } else {
                write(cpu, "cpu.cfs_period_us", Long.toString(CPU_PERIOD_US));
                write(cpu, "cpu.cfs_quota_us", Long.toString(quota));
            }
            enforced.add("cgroup_cpus=" + limits.cpus());
        }
    }

    /** The {@code cgroup.procs} files a process writes its pid into to join every group of this run. */
    List<Path> procsFiles() {
        return distinctDirs().stream().map(d -> d.resolve("cgroup.procs")).toList();
    }

    /** What this run's groups limit, e.g. {@code cgroup_pids_max=256}. */
    List<String> enforced() {
        return List.copyOf(enforced);
    }

    /**
     * The limits that stopped something during the run: {@code memory} when the OOM killer killed
     * a process of the group, {@code pids} when a fork was refused.
     */
    Set<String> limitsHit() {
        var hit = new LinkedHashSet<String>();
        var memory = dirs.get("memory");
        if (memory != null) {
            var events = version == Cgroups.Version.V2 ? read(memory, "memory.events") : read(memory, "memory.oom_control");
            if (counter(events, "oom_kill") > 0) hit.add("memory");
        }
        var pids = dirs.get("pids");
        if (pids != null && counter(read(pids, "pids.events"), "max") > 0) hit.add("pids");
        return hit;
    }

    /**
     * Kills whatever is still in the groups (nothing, normally: the pid namespace ended with its
     * first process) and removes them. Never throws: a group that cannot be removed now is swept
     * at a later start.
     */
    void remove() {
        for (var dir : distinctDirs()) {
            for (int attempt = 0; attempt < 50 && Files.isDirectory(dir); attempt++) {
                killMembers(dir);
                try {
                    Files.delete(dir);
                } catch (IOException e) {
                    sleep();
                }
            }
        }
    }

    private static void killMembers(Path dir) {
        for (var line : read(dir, "cgroup.procs").split("\n")) {
            if (line.isBlank()) continue;
            try {
                ProcessHandle.of(Long.parseLong(line.trim())).ifPresent(ProcessHandle::destroyForcibly);
            } catch (NumberFormatException e) {
                // Not a pid: nothing to kill.
            }
        }
    }

    private List<Path> distinctDirs() {
        return new ArrayList<>(new LinkedHashSet<>(dirs.values()));
    }

    private static void write(Path dir, String file, String value) throws IOException {
        Files.writeString(dir.resolve(file), value);
    }

    private static String read(Path dir, String file) {
        try {
            return Files.readString(dir.resolve(file));
        } catch (IOException e) {
            return "";
        }
    }

    /** The number after {@code key} in a flat keyed file such as {@code memory.events}. */
    static long counter(String text, String key) {
        for (var line : text.split("\n")) {
            var parts = line.trim().split("\\s+");
            if (parts.length == 2 && parts[0].equals(key)) {
                try {
                    return Long.parseLong(parts[1]);
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 0;
    }

    private static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
