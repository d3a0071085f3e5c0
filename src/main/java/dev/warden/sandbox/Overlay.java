package dev.warden.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Objects;

/**
 * An overlay over one allowed root for a preview: the command sees {@code root} as usual, but what
 * it writes lands in {@code upper} (with {@code work} as the overlay's scratch space); the root
 * itself is only read. {@code upper} and {@code work} are empty directories on one file system,
 * outside the root.
 */
public record Overlay(Path root, Path upper, Path work) {
    public Overlay {
        Objects.requireNonNull(root);
        Objects.requireNonNull(upper);
        Objects.requireNonNull(work);
    }

    /**
     * Creates {@code dir/upper} and {@code dir/work} for an overlay over {@code root}. The upper
     * directory's own owner and mode become those of the merged root, so they are copied from the
     * root: the command must find its root as writable (or not) as it really is.
     */
    public static Overlay create(Path root, Path dir) throws IOException {
        var upper = Files.createDirectories(dir.resolve("upper"));
        var work = Files.createDirectories(dir.resolve("work"));
        Files.setPosixFilePermissions(upper, Files.getPosixFilePermissions(root));
        try {
            Files.setAttribute(upper, "unix:uid", Files.getAttribute(root, "unix:uid", LinkOption.NOFOLLOW_LINKS));
            Files.setAttribute(upper, "unix:gid", Files.getAttribute(root, "unix:gid", LinkOption.NOFOLLOW_LINKS));
        } catch (IOException e) {
            // Only root may give files away; without root the overlay belongs to Warden's user, as the root does.
        }
        return new Overlay(root, upper, work);
    }
}
