package dev.warden.journal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Pre-images by content: {@code objects/ab/cdef…} where the name is the SHA-256 of the bytes. A blob
 * is written once, to a temporary file that is synced and then renamed into place, so a reader never
 * sees half a blob and two calls preserving the same bytes share one copy.
 */
final class BlobStore {
    private final Path objects;

    BlobStore(Path objects) {
        this.objects = objects;
    }

    /** Copies the file at {@code source} (not following a final symlink) into the store; returns its hash. */
    String put(Path source) {
        try {
            var tmpDir = Files.createDirectories(objects.resolve("tmp"));
            var tmp = tmpDir.resolve(UUID.randomUUID() + ".part");
            var sha = sha256();
            try (InputStream in = Files.newInputStream(source, LinkOption.NOFOLLOW_LINKS);
                 var channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                 OutputStream out = new DigestOutputStream(java.nio.channels.Channels.newOutputStream(channel), sha)) {
                in.transferTo(out);
                out.flush();
                channel.force(true);
            }
            var hash = HexFormat.of().formatHex(sha.digest());
            var target = pathOf(hash);
            if (Files.exists(target)) {
                Files.delete(tmp);
                return hash;
            }
            Files.createDirectories(target.getParent());
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException e) {
                Files.deleteIfExists(tmp);
            }
            return hash;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep a pre-image of " + source, e);
        }
    }

    /** Where the blob with {@code hash} lives; it exists when {@link #put} returned that hash. */
    Path pathOf(String hash) {
        if (!hash.matches("[0-9a-f]{64}")) throw new IllegalArgumentException("not a SHA-256 hash: " + hash);
        return objects.resolve(hash.substring(0, 2)).resolve(hash.substring(2));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
