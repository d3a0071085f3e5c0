package dev.warden.sandbox;

import java.util.Locale;
import java.util.Optional;

/**
 * How strongly a command is confined, weakest first: {@code process} (limits on one process tree),
 * {@code isolated} (namespaces, a read-only world outside the roots, cgroup limits) and
 * {@code preview} (isolated, and the roots themselves seen through an overlay, so nothing real
 * changes). The order is what "stricter" means when a policy sets a minimum.
 */
public enum SandboxLevel {
    PROCESS, ISOLATED, PREVIEW;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True when this level confines at least as much as {@code other}. */
    public boolean atLeast(SandboxLevel other) {
        return compareTo(other) >= 0;
    }

    public static Optional<SandboxLevel> parse(String id) {
        if (id == null) return Optional.empty();
        for (var level : values()) {
            if (level.id().equals(id.strip().toLowerCase(Locale.ROOT))) return Optional.of(level);
        }
        return Optional.empty();
    }
}
