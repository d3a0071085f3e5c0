package dev.warden.approval;

import java.util.Locale;

/**
 * Where a request stands. {@code PENDING} waits for votes; {@code APPROVED} has its votes and is about
 * to run; {@code EXECUTED} ran (whatever its outcome); {@code DENIED} and {@code EXPIRED} are final
 * without running.
 */
public enum ApprovalStatus {
    PENDING, APPROVED, EXECUTED, DENIED, EXPIRED;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isFinal() {
        return this == EXECUTED || this == DENIED || this == EXPIRED;
    }

    public static ApprovalStatus of(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }
}
