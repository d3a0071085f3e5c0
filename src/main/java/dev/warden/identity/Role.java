package dev.warden.identity;

import java.util.Locale;

/** A principal's role in a project. Policy maps each role to the highest risk it may run. */
public enum Role {
    VIEWER, OPERATOR, ADMIN;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role parse(String text) {
        try {
            return Role.valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown role '" + text + "': use viewer, operator or admin");
        }
    }
}
