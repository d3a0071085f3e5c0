package dev.warden.sandbox;

/**
 * Kernel resource limits (rlimits) set on the command before it starts; soft and hard limits are
 * set alike, so the command cannot raise them. {@code 0} leaves a limit as inherited.
 * The CPU limit counts per process (a tree of processes may use more in total); the wall-clock
 * timeout is what bounds a whole tree.
 */
public record ResourceLimits(int cpuSeconds, int openFiles) {
    public static final ResourceLimits NONE = new ResourceLimits(0, 0);

    public ResourceLimits {
        if (cpuSeconds < 0 || openFiles < 0) throw new IllegalArgumentException("limits must be >= 0");
    }

    public boolean any() {
        return cpuSeconds > 0 || openFiles > 0;
    }
}
