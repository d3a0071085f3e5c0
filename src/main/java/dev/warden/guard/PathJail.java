package dev.warden.guard;

import dev.warden.action.ActionException;
import dev.warden.action.ErrorKind;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Keeps every path an action touches under the allowed roots. A path is resolved to its real path
 * (symlinks followed, {@code ..} removed); a path that does not exist yet is judged by the real
 * path of its nearest existing ancestor. Containment is decided on path components, never on
 * string prefixes, so {@code /srv/app2} is not inside {@code /srv/app}.
 *
 * <p>{@code ..} is removed lexically before symlinks are followed, as a shell's {@code cd} does:
 * the path that is checked is the path that is then used. Every failure is an
 * {@link ActionException}, never an unchecked I/O exception.
 *
 * <p>Warden's own files (its data dir, policy and config file) are protected even when a root holds
 * them: an agent that could rewrite its policy or the audit database, or read the keys, would widen
 * its own powers. Such a path is refused with {@code path_protected}, and so is removing, moving or
 * copying a directory that holds one.
 */
public final class PathJail {
    /** The kernel's own limit (Linux MAXSYMLINKS); deeper chains are treated as loops. */
    private static final int MAX_LINK_HOPS = 40;

    private final List<Path> roots;
    /** Lexical and real forms of each protected path, so a later symlink or a missing file is still caught. */
    private final List<Path> protectedPaths;
    private final List<Path> protectedReal;

    public PathJail(List<Path> roots) {
        this(roots, List.of());
    }

    /** {@code protectedPaths}: Warden's own files and directories, refused even inside a root. */
    public PathJail(List<Path> roots, List<Path> protectedPaths) {
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
        var guarded = new LinkedHashSet<Path>();
        var realForms = new LinkedHashSet<Path>();
        for (var path : protectedPaths) {
            var absolute = path.toAbsolutePath().normalize();
            var realForm = realPathOf(absolute, absolute.toString());
            guarded.add(absolute);
            guarded.add(realForm);
            realForms.add(realForm);
        }
        this.protectedPaths = List.copyOf(guarded);
        this.protectedReal = List.copyOf(realForms);
    }

    public List<Path> roots() {
        return roots;
    }

    /** The protected paths that lie under an allowed root: only the jail keeps actions away from them. */
    public List<Path> protectedInsideRoots() {
        return protectedReal.stream().filter(this::inside).toList();
    }

    /** True when {@code path} (already real) is a protected path or lies under one. */
    public boolean isProtected(Path path) {
        for (var p : protectedPaths) {
            if (path.startsWith(p)) return true;
        }
        return false;
    }

    /**
     * Fails when {@code path} is protected or holds a protected path: removing, moving or copying it
     * would take Warden's files along.
     */
    public void refuseIfHoldsProtected(Path path) {
        for (var p : protectedPaths) {
            if (p.startsWith(path) || path.startsWith(p)) throw protectedPath(path.toString(), path);
        }
    }

    /**
     * Resolves {@code text} (absolute, or relative to the first root) to a real path inside the
     * roots. The path need not exist. Refuses NUL bytes, escapes and symlinks pointing out.
     */
    public Path resolve(String text) {
        var requested = absolute(text);
        var real = realPathOf(requested, text);
        if (!inside(real)) throw outside(text, real);
        if (isProtected(real) || isProtected(requested)) throw protectedPath(text, real);
        return real;
    }

    /** Like {@link #resolve} but the path must exist. */
    public Path resolveExisting(String text) {
        return find(text).path();
    }

    /** An existing path inside the roots, with its own attributes (it is real: no link is left to follow). */
    public record Found(Path path, BasicFileAttributes attributes) {}

    /**
     * Like {@link #resolveExisting}, and returns the attributes read on the way, so a caller that
     * needs to know a directory from a file asks the file system once.
     */
    public Found find(String text) {
        var path = resolve(text);
        try {
            return new Found(path, Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
        } catch (NoSuchFileException e) {
            throw notFound(path);
        } catch (IOException e) {
            throw unreadable(text, e);
        }
    }

    /** The refusal for a path that does not exist, also when it vanished after it was resolved. */
    public static ActionException notFound(Path path) {
        return new ActionException(ErrorKind.NOT_FOUND, "not_found", "No such file or directory: " + path,
                "Call fs.list on " + parentOrSelf(path) + " to see what exists.");
    }

    /**
     * The absolute, lexically normalised form of {@code text} with no symlink followed: what the
     * caller named, for reporting and for acting on a symlink itself. Not a containment check;
     * use {@link #resolve} for that.
     */
    public Path absolute(String text) {
        if (text == null || text.isEmpty()) {
            throw new ActionException(ErrorKind.BAD_INPUT, "invalid_path", "The path is empty.",
                    "Pass an absolute path or one relative to " + roots.getFirst() + ".");
        }
        if (text.indexOf('\0') >= 0) {
            throw new ActionException(ErrorKind.BAD_INPUT, "invalid_path", "The path contains a NUL byte.",
                    "Remove the NUL byte from the path.");
        }
        try {
            var p = Path.of(text);
            return (p.isAbsolute() ? p : roots.getFirst().resolve(p)).normalize();
        } catch (InvalidPathException e) {
            throw new ActionException(ErrorKind.BAD_INPUT, "invalid_path", "The path is not valid: " + e.getReason(),
                    "Pass a plain file system path.");
        }
    }

    /** True when {@code path} (already real) lies under one of the roots. */
    public boolean inside(Path path) {
        for (var root : roots) {
            if (path.startsWith(root)) return true;
        }
        return false;
    }

    /** True when {@code path} is one of the roots, or contains one: removing or moving it would remove a root. */
    public boolean isRootOrAbove(Path path) {
        for (var root : roots) {
            if (root.startsWith(path)) return true;
        }
        return false;
    }

    /** Fails unless {@code path}, resolved again now, still lies inside the roots. Returns the real path. */
    public Path recheck(Path path) {
        var absolute = path.toAbsolutePath().normalize();
        var real = realPathOf(absolute, path.toString());
        if (!inside(real)) throw outside(path.toString(), real);
        if (isProtected(real)) throw protectedPath(path.toString(), real);
        return real;
    }

    /**
     * Opens a file for reading or writing at the moment of use. The parent is re-resolved
     * immediately before and the file is opened under the parent's real path with its final
     * component not followed, so a symlink swapped in after {@link #resolve} cannot lead outside
     * the roots. (A parent directory swapped for a symlink in the microseconds between the
     * re-check and the open is the residual race Java's file API cannot close.)
     */
    public FileChannel open(Path path, OpenOption... options) throws IOException {
        var parent = path.toAbsolutePath().normalize().getParent();
        var target = parent == null ? path : recheck(parent).resolve(path.getFileName());
        if (!inside(target)) throw outside(path.toString(), target);
        if (isProtected(target)) throw protectedPath(path.toString(), target);
        var opts = new HashSet<OpenOption>(List.of(options));
        if (opts.isEmpty()) opts.add(StandardOpenOption.READ);
        opts.add(LinkOption.NOFOLLOW_LINKS);
        try {
            return FileChannel.open(target, opts);
        } catch (IOException e) {
            if (Files.isSymbolicLink(target)) {
                throw new ActionException(ErrorKind.REFUSED, "path_outside_roots",
                        "The path " + path + " became a symbolic link after it was checked; it was not followed.",
                        "Retry with the link's target if it lies inside the allowed roots.");
            }
            throw e;
        }
    }

    private Path realPathOf(Path absolute, String requested) {
        return realPathOf(absolute, requested, 0);
    }

    private Path realPathOf(Path absolute, String requested, int hops) {
        if (hops > MAX_LINK_HOPS) throw loop(requested);
        // Most paths exist, and one realpath(3) settles them. Any failure is left to the walk below,
        // which tells a missing tail from a dangling link, a loop or a directory Warden may not read.
        try {
            return absolute.toRealPath();
        } catch (IOException e) {
            // fall through to the walk
        }
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
            real = danglingTarget(existing, requested, hops);
        } catch (AccessDeniedException e) {
            throw new ActionException(ErrorKind.REFUSED, "permission_denied",
                    "Warden may not read " + existing + " to check where " + requested + " leads.",
                    "Use a path Warden's user can read; call fs.stat on a parent directory to see its permissions.");
        } catch (FileSystemException e) {
            if (isLoop(e)) throw loop(requested);
            throw unreadable(requested, e);
        } catch (IOException e) {
            throw unreadable(requested, e);
        }
        for (int i = tail.size() - 1; i >= 0; i--) real = real.resolve(tail.get(i));
        return real.normalize();
    }

    private Path danglingTarget(Path link, String requested, int hops) {
        Path current = link;
        try {
            while (Files.isSymbolicLink(current)) {
                if (++hops > MAX_LINK_HOPS) throw loop(requested);
                var target = Files.readSymbolicLink(current);
                var parent = current.getParent();
                // The link's own directory exists (the link is in it), so its real path is known.
                var base = parent == null ? Path.of("/") : parent.toRealPath();
                current = base.resolve(target).normalize();
            }
        } catch (FileSystemException e) {
            if (isLoop(e)) throw loop(requested);
            throw unreadable(requested, e);
        } catch (IOException e) {
            throw unreadable(requested, e);
        }
        return realPathOf(current, requested, hops + 1);
    }

    private static boolean isLoop(FileSystemException e) {
        var reason = e.getReason();
        return reason != null && reason.toLowerCase(java.util.Locale.ROOT).contains("symbolic links");
    }

    private static ActionException loop(String requested) {
        return new ActionException(ErrorKind.REFUSED, "symlink_loop",
                "The path " + requested + " leads through a loop of symbolic links.",
                "Call fs.stat on each component of the path to find the link that points back at itself.");
    }

    private static ActionException unreadable(String requested, IOException e) {
        return new ActionException(ErrorKind.INTERNAL, "path_unresolvable",
                "Warden could not resolve " + requested + ": " + e.getMessage(),
                "Check that the path's directories exist and are readable, then retry.", null, e);
    }

    private ActionException outside(String requested, Path real) {
        var where = real.toString().equals(requested) ? requested : requested + " (resolves to " + real + ")";
        return new ActionException(ErrorKind.REFUSED, "path_outside_roots",
                "The path " + where + " is outside the allowed roots.",
                "Use a path under " + String.join(", ", roots.stream().map(Path::toString).toList())
                        + "; call fs.list on a root to see what exists.");
    }

    private static ActionException protectedPath(String requested, Path real) {
        var where = real.toString().equals(requested) ? requested : requested + " (resolves to " + real + ")";
        return new ActionException(ErrorKind.REFUSED, "path_protected",
                "The path " + where + " is Warden's own data, policy or configuration (or holds it); no action may read or change it.",
                "Change policy, tokens and settings through an admin front (./warden policy, ./warden token, /v1/admin); "
                        + "for your work, choose a path outside Warden's data dir.");
    }

    private static Path parentOrSelf(Path path) {
        return path.getParent() == null ? path : path.getParent();
    }
}
