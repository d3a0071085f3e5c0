package dev.warden.guard;

import dev.warden.action.ActionException;
import dev.warden.action.ErrorKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Keeps every path an action touches under the allowed roots. A path is resolved to its real path
 * (symlinks followed, {@code ..} removed); a path that does not exist yet is judged by the real
 * path of its nearest existing ancestor. Containment is decided on path components, never on
 * string prefixes, so {@code /srv/app2} is not inside {@code /srv/app}.
 */
public final class PathJail {
    private final List<Path> roots;

    public PathJail(List<Path> roots) {
        if (roots.isEmpty()) throw new IllegalArgumentException("at least one root is required");
        var real = new ArrayList<Path>();
        for (var root : roots) {
            try {
                real.add(root.toAbsolutePath().normalize().toRealPath());
            } catch (IOException e) {
                throw new IllegalArgumentException("root " + root + " does not exist or cannot be read", e);
            }
        }
        this.roots = List.copyOf(real);
    }

    public List<Path> roots() {
        return roots;
    }

    /**
     * Resolves {@code text} (absolute, or relative to the first root) to a real path inside the
     * roots. The path need not exist. Refuses NUL bytes, escapes and symlinks pointing out.
     */
    public Path resolve(String text) {
        if (text == null || text.isEmpty()) {
            throw new ActionException(ErrorKind.BAD_INPUT, "invalid_path", "The path is empty.",
                    "Pass an absolute path or one relative to " + roots.getFirst() + ".");
        }
        if (text.indexOf('\0') >= 0) {
            throw new ActionException(ErrorKind.BAD_INPUT, "invalid_path", "The path contains a NUL byte.",
                    "Remove the NUL byte from the path.");
        }
        Path requested;
        try {
            var p = Path.of(text);
            requested = (p.isAbsolute() ? p : roots.getFirst().resolve(p)).normalize();
        } catch (InvalidPathException e) {
            throw new ActionException(ErrorKind.BAD_INPUT, "invalid_path", "The path is not valid: " + e.getReason(),
                    "Pass a plain file system path.");
        }
        var real = realPathOf(requested);
        if (!inside(real)) throw outside(text, real);
        return real;
    }

    /** Like {@link #resolve} but the path must exist. */
    public Path resolveExisting(String text) {
        var path = resolve(text);
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            throw new ActionException(ErrorKind.NOT_FOUND, "not_found", "No such file or directory: " + path,
                    "Call fs.list on " + parentOrSelf(path) + " to see what exists.");
        }
        return path;
    }

    /** True when {@code path} (already real) lies under one of the roots. */
    public boolean inside(Path path) {
        for (var root : roots) {
            if (path.startsWith(root)) return true;
        }
        return false;
    }

    /** Fails unless {@code path}, resolved again now, still lies inside the roots. */
    public Path recheck(Path path) {
        var real = realPathOf(path.toAbsolutePath().normalize());
        if (!inside(real)) throw outside(path.toString(), real);
        return real;
    }

    /**
     * Opens a file for reading or writing at the moment of use. The final component is opened
     * without following symlinks and the parent is re-resolved immediately before, so a symlink
     * swapped in after {@link #resolve} cannot lead outside the roots.
     */
    public FileChannel open(Path path, OpenOption... options) throws IOException {
        var parent = path.getParent();
        if (parent != null) recheck(parent);
        var opts = new HashSet<OpenOption>(List.of(options));
        if (opts.isEmpty()) opts.add(StandardOpenOption.READ);
        opts.add(LinkOption.NOFOLLOW_LINKS);
        try {
            return FileChannel.open(path, opts);
        } catch (IOException e) {
            if (Files.isSymbolicLink(path)) {
                throw new ActionException(ErrorKind.REFUSED, "path_outside_roots",
                        "The path " + path + " became a symbolic link after it was checked; it was not followed.",
                        "Retry with the link's target if it lies inside the allowed roots.");
            }
            throw e;
        }
    }

    private Path realPathOf(Path absolute) {
        // Walk up to the nearest existing ancestor, take its real path, and re-append the rest.
        Path existing = absolute;
        var tail = new ArrayList<Path>();
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            tail.add(existing.getFileName());
            existing = existing.getParent();
        }
        if (existing == null) return absolute;
        Path real;
        try {
            real = existing.toRealPath();
        } catch (NoSuchFileException e) {
            // A dangling symlink: judge it by where it points.
            real = danglingTarget(existing);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (int i = tail.size() - 1; i >= 0; i--) real = real.resolve(tail.get(i));
        return real.normalize();
    }

    private Path danglingTarget(Path link) {
        Set<Path> seen = new HashSet<>();
        Path current = link;
        try {
            while (Files.isSymbolicLink(current)) {
                if (!seen.add(current)) break;
                var target = Files.readSymbolicLink(current);
                current = current.getParent().resolve(target).normalize();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return current.equals(link) ? link : realPathOf(current);
    }

    private ActionException outside(String requested, Path real) {
        var where = real.toString().equals(requested) ? requested : requested + " (resolves to " + real + ")";
        return new ActionException(ErrorKind.REFUSED, "path_outside_roots",
                "The path " + where + " is outside the allowed roots.",
                "Use a path under " + String.join(", ", roots.stream().map(Path::toString).toList())
                        + "; call fs.list on a root to see what exists.");
    }

    private static Path parentOrSelf(Path path) {
        return path.getParent() == null ? path : path.getParent();
    }
}
