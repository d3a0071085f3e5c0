package dev.warden.jobs;

import java.util.Locale;

/**
 * Where a job is. {@code lost}: it was still running when the Warden that supervised it went away
 * (a crash, or a shutdown that had to kill it), so its end was not seen; its last stored output is kept.
 */
public enum JobStatus {
    RUNNING, EXITED, CANCELLED, LOST;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static JobStatus of(String id) {
        try {
            return valueOf(id.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown job status '" + id + "': use running, exited, cancelled or lost");
        }
    }
}
