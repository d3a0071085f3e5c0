package dev.warden.sandbox;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * One change a preview found: what happened to {@code path} (a real path under a root), what kind
 * of file it is, where the new content is ({@code source}, in the overlay's upper directory; null
 * for a deletion), and the {@link FileState} the real path had when the preview ran, which a commit
 * checks again so it never overwrites a change made since.
 */
public record FileChange(Path path, Kind kind, Type type, Path source, String baseState) {

    public enum Kind {
        CREATED, MODIFIED, DELETED;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum Type {
        FILE, DIRECTORY, SYMLINK, OTHER;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public FileChange {
        Objects.requireNonNull(path);
        Objects.requireNonNull(kind);
        Objects.requireNonNull(type);
        Objects.requireNonNull(baseState);
        if ((source == null) != (kind == Kind.DELETED)) throw new IllegalArgumentException("a source exactly when not deleted");
    }
}
