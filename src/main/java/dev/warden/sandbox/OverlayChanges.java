package dev.warden.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads what a command changed from an overlay's upper directory, once the overlay is unmounted.
 * overlayfs writes there exactly what differs from the root below: new and modified files as
 * files, a deleted entry as a whiteout (a character device 0/0), and a directory that replaced one
 * as a directory marked opaque (with {@code userxattr}: the attribute {@code user.overlay.opaque}).
 * Each entry is compared with the real root, so copied-up files whose bytes and mode did not change
 * are not reported, and a deleted directory is listed with everything that was in it.
 *
 * <p>Only content, mode and type are compared: owners and times of existing files and the modes of
 * directories are not reported.
 */
public final class OverlayChanges {
    private static final String OPAQUE = "overlay.opaque";

    private final Path root;
    private final Path upper;
    private final List<FileChange> changes = new ArrayList<>();

    private OverlayChanges(Overlay overlay) {
        this.root = overlay.root();
        this.upper = overlay.upper();
    }

    /** Every change under {@code overlay.root()}, in path order (a directory before what is in it). */
    public static List<FileChange> scan(Overlay overlay) {
        var scanner = new OverlayChanges(overlay);
        try {
            scanner.directory(Path.of(""), false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the preview's changes in " + overlay.upper(), e);
        }
        // Path order; where a path changed type, its deletion comes before its creation.
        var sorted = new ArrayList<>(scanner.changes);
        sorted.sort(Comparator.comparing(FileChange::path).thenComparing(c -> c.kind() != FileChange.Kind.DELETED));
        return List.copyOf(sorted);
    }

    /**
     * Walks {@code upper/rel}. {@code replaced}: the directory replaced the real one (it is opaque,
     * or below an opaque one), so real entries it does not hold were deleted.
     */
    private void directory(Path rel, boolean replaced) throws IOException {
        var here = upper.resolve(rel.toString());
        var names = new HashSet<String>();
        for (var u : sorted(here)) {
            var name = u.getFileName().toString();
            names.add(name);
            var r = rel.resolve(name);
            var real = root.resolve(r.toString());
            var attrs = Files.readAttributes(u, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (whiteout(u, attrs)) {
                if (exists(real)) deleted(real);
                continue;
            }
            var type = type(attrs);
            var realType = exists(real) ? type(Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)) : null;
            if (type == FileChange.Type.DIRECTORY) {
                if (realType == FileChange.Type.DIRECTORY) {
                    directory(r, replaced || opaque(u));
                } else {
                    if (realType != null) deleted(real);
                    changes.add(new FileChange(real, FileChange.Kind.CREATED, type, u, FileState.ABSENT));
                    directory(r, true);
                }
            } else if (realType == type) {
                if (!same(u, real, type)) {
                    changes.add(new FileChange(real, FileChange.Kind.MODIFIED, type, u, FileState.of(real, false)));
                }
            } else {
                if (realType != null) deleted(real);
                changes.add(new FileChange(real, FileChange.Kind.CREATED, type, u, FileState.ABSENT));
            }
        }
        if (replaced) {
            var realDir = root.resolve(rel.toString());
            if (Files.isDirectory(realDir, LinkOption.NOFOLLOW_LINKS)) {
                for (var r : sorted(realDir)) {
                    if (!names.contains(r.getFileName().toString())) deleted(r);
                }
            }
        }
    }

    /** {@code real} and, for a directory, everything below it, as deleted. */
    private void deleted(Path real) throws IOException {
        var attrs = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        var type = type(attrs);
        changes.add(new FileChange(real, FileChange.Kind.DELETED, type, null, FileState.of(real, true)));
        if (type == FileChange.Type.DIRECTORY) {
            for (var child : sorted(real)) deleted(child);
        }
    }

    private static boolean same(Path upperFile, Path real, FileChange.Type type) throws IOException {
        return switch (type) {
            case SYMLINK -> Files.readSymbolicLink(upperFile).equals(Files.readSymbolicLink(real));
            case FILE -> Files.getPosixFilePermissions(upperFile, LinkOption.NOFOLLOW_LINKS)
                    .equals(Files.getPosixFilePermissions(real, LinkOption.NOFOLLOW_LINKS))
                    && Files.size(upperFile) == Files.size(real) && Files.mismatch(upperFile, real) < 0;
            default -> false;
        };
    }

    private static boolean whiteout(Path path, BasicFileAttributes attrs) throws IOException {
        if (!attrs.isOther()) return false;
        var mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        var rdev = (Long) Files.getAttribute(path, "unix:rdev", LinkOption.NOFOLLOW_LINKS);
        return (mode & 0170000) == 0020000 && rdev == 0;
    }

    private static boolean opaque(Path dir) {
        var view = Files.getFileAttributeView(dir, UserDefinedFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        try {
            if (view == null || !view.list().contains(OPAQUE)) return false;
            var buffer = ByteBuffer.allocate(view.size(OPAQUE));
            view.read(OPAQUE, buffer);
            return buffer.flip().remaining() > 0 && buffer.get(0) == 'y';
        } catch (IOException e) {
            return false;
        }
    }

    private static FileChange.Type type(BasicFileAttributes attrs) {
        if (attrs.isSymbolicLink()) return FileChange.Type.SYMLINK;
        if (attrs.isDirectory()) return FileChange.Type.DIRECTORY;
        if (attrs.isRegularFile()) return FileChange.Type.FILE;
        return FileChange.Type.OTHER;
    }

    private static boolean exists(Path path) {
        return Files.exists(path, LinkOption.NOFOLLOW_LINKS);
    }

    private static List<Path> sorted(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.sorted().toList();
        }
    }
}
