package dev.warden.actions.fs;

import dev.warden.action.ActionException;
import dev.warden.action.ErrorKind;
import dev.warden.guard.PathJail;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replaces a file's content so that a reader sees either the old bytes or the new, never a mix,
 * and a crash leaves one of the two: write a temporary file in the same directory, sync it, rename
 * it over the target, sync the directory. An existing file keeps its permissions (and, where
 * Warden may, its owner).
 */
final class AtomicWrite {
    private AtomicWrite() {}

    /** Writes {@code bytes} to {@code path}; returns true when the file was created. */
    static boolean write(PathJail jail, Path path, byte[] bytes, boolean createOnly) {
        var dir = jail.recheck(path.getParent());
        var target = dir.resolve(path.getFileName().toString());
        var tmp = dir.resolve("." + path.getFileName() + ".warden-" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        try {
            try (var out = jail.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                var buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) out.write(buffer);
                out.force(true);
            }
            boolean existed = Files.exists(target, LinkOption.NOFOLLOW_LINKS);
            if (existed && !createOnly) keepAttributes(target, tmp);
            if (createOnly) {
                // A hard link fails if the name is taken, so no concurrent writer can be overwritten.
                try {
                    Files.createLink(target, tmp);
                } catch (FileAlreadyExistsException e) {
                    throw FsErrors.alreadyExists(target, "Leave createOnly out to overwrite it, or choose another path.");
                } catch (UnsupportedOperationException e) {
                    Files.move(tmp, target);
                }
            } else {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            syncDirectory(dir);
            return !existed;
        } catch (IOException e) {
            throw new ActionException(ErrorKind.INTERNAL, "write_failed", "Could not write " + target + ": " + e.getMessage(),
                    "The file was left as it was. Check free space and permissions (fs.stat), then retry.", null, e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // A leftover temporary file is harmless and carries a recognisable name.
            }
        }
    }

    private static void keepAttributes(Path from, Path to) throws IOException {
        var attrs = Files.readAttributes(from, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        Files.setPosixFilePermissions(to, attrs.permissions());
        try {
            Files.setOwner(to, attrs.owner());
            Files.getFileAttributeView(to, java.nio.file.attribute.PosixFileAttributeView.class).setGroup(attrs.group());
        } catch (IOException | SecurityException ignored) {
            // Only a privileged Warden may give a file away; otherwise the writer becomes its owner.
        }
    }

    static void syncDirectory(Path dir) {
        try (var d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException ignored) {
            // Some file systems refuse to sync a directory; the rename is still atomic.
        }
    }
}
