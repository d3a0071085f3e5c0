package dev.warden.sandbox;

/**
 * What a control group allows one isolated run: memory in bytes (swap included where the kernel
 * accounts it), the number of processes and threads, and CPU time as a number of CPUs. {@code 0}
 * leaves that limit off.
 */
public record CgroupLimits(long memoryBytes, int pids, double cpus) {
    public static final CgroupLimits NONE = new CgroupLimits(0, 0, 0);

    public CgroupLimits {
        if (memoryBytes < 0 || pids < 0 || cpus < 0) throw new IllegalArgumentException("cgroup limits must be >= 0");
    }

    /** 512 MiB, 256 processes, one CPU. */
    public static CgroupLimits defaults() {
        return new CgroupLimits(512L << 20, 256, 1.0);
    }

    public boolean any() {
        return memoryBytes > 0 || pids > 0 || cpus > 0;
    }
}
