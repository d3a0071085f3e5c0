package dev.warden.system;

import java.util.Locale;

/**
 * Which processes a listing shows and in what order.
 *
 * @param name a glob over the process name ({@code java}, {@code post*}), case-insensitive; null for any
 * @param user only processes of this user name; null for any
 * @param command a case-insensitive substring of the command line; null for any
 */
public record ProcessQuery(String name, String user, String command, Sort sort, boolean descending, int offset, int limit) {

    public enum Sort {
        CPU, MEMORY, PID, NAME, STARTED;

        public static Sort of(String id) {
            return valueOf(id.toUpperCase(Locale.ROOT));
        }

        /** Busiest, biggest and newest first; ids and names in their natural order. */
        public boolean descendingByDefault() {
            return this == CPU || this == MEMORY || this == STARTED;
        }
    }

    public ProcessQuery {
        if (offset < 0) throw new IllegalArgumentException("offset must be >= 0");
        if (limit < 1) throw new IllegalArgumentException("limit must be >= 1");
    }
}
