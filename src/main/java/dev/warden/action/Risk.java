package dev.warden.action;

import java.util.Locale;

/** How much harm an action can do, in increasing order. The order is the contract: compare with {@link #atLeast}. */
public enum Risk {
    READ, LOW, MEDIUM, HIGH, CRITICAL;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean atLeast(Risk other) {
        return compareTo(other) >= 0;
    }

    public Risk max(Risk other) {
        return other != null && other.compareTo(this) > 0 ? other : this;
    }

    public static Risk parse(String text) {
        return Risk.valueOf(text.trim().toUpperCase(Locale.ROOT));
    }
}
