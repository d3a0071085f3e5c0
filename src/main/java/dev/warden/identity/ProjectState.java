package dev.warden.identity;

import java.util.Locale;

/** A project's lifecycle: {@code locked} lets only reads run, {@code archived} lets nothing run. */
public enum ProjectState {
    ACTIVE, LOCKED, ARCHIVED;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ProjectState parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("unknown project state '" + text + "': use active, locked or archived");
        }
    }
}
