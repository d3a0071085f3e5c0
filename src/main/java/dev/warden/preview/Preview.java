package dev.warden.preview;

import dev.warden.sandbox.FileChange;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * A stored preview: the changes a command made to overlays of the roots, waiting for a commit or a
 * discard until {@code expiresAt}. {@code dir} holds the overlays' upper directories, where the
 * new contents are.
 */
public record Preview(String id, Status status, Instant createdAt, Instant expiresAt, List<FileChange> changes, Path dir) {

    public enum Status {
        /** The command is still running; the row exists so an orphaned directory can be found. */
        RUNNING,
        /** Waiting for a commit or a discard. */
        PENDING,
        /** A commit is applying the changes right now. */
        COMMITTING,
        COMMITTED, DISCARDED, EXPIRED;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Status parse(String id) {
            return valueOf(id.toUpperCase(Locale.ROOT));
        }
    }

    public Preview {
        changes = List.copyOf(changes);
    }
}
