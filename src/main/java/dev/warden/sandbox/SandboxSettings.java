package dev.warden.sandbox;

import java.time.Duration;
import java.util.Objects;

/**
 * The sandbox as the policy sets it: the level a call gets when it names none, the weakest level a
 * call may ask for, whether isolated commands may use the network, the cgroup limits of isolated
 * runs, and how long a preview waits for its commit.
 */
public record SandboxSettings(SandboxLevel defaultLevel, SandboxLevel minimum, boolean network, CgroupLimits cgroup,
                              Duration previewTtl) {

    public SandboxSettings {
        Objects.requireNonNull(defaultLevel);
        Objects.requireNonNull(minimum);
        Objects.requireNonNull(cgroup);
        Objects.requireNonNull(previewTtl);
        if (!defaultLevel.atLeast(minimum)) throw new IllegalArgumentException("the default level is below the minimum");
        if (previewTtl.isNegative() || previewTtl.isZero()) throw new IllegalArgumentException("previewTtl must be positive");
    }

    /** {@code process} by default and at least, no network, {@link CgroupLimits#defaults()}, previews kept an hour. */
    public static SandboxSettings defaults() {
        return new SandboxSettings(SandboxLevel.PROCESS, SandboxLevel.PROCESS, false, CgroupLimits.defaults(), Duration.ofHours(1));
    }

    public SandboxSettings withCgroup(CgroupLimits limits) {
        return new SandboxSettings(defaultLevel, minimum, network, limits, previewTtl);
    }

    public SandboxSettings withNetwork(boolean allowed) {
        return new SandboxSettings(defaultLevel, minimum, allowed, cgroup, previewTtl);
    }

    public SandboxSettings withLevels(SandboxLevel newDefault, SandboxLevel newMinimum) {
        return new SandboxSettings(newDefault, newMinimum, network, cgroup, previewTtl);
    }

    public SandboxSettings withPreviewTtl(Duration ttl) {
        return new SandboxSettings(defaultLevel, minimum, network, cgroup, ttl);
    }
}
