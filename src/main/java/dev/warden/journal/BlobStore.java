package dev.warden.journal;

import java.io.IOException;
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
import java.util.concurrent.ThreadLocalRandom;

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

    /** Files up to this size are read whole, so a blob the store already has costs no write at all. */
    private static final long SMALL = 1 << 20;

    /** Copies the file at {@code source} (not following a final symlink) into the store; returns its hash. */
    String put(Path source) {
        try (var in = FileChannel.open(source, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            if (in.size() <= SMALL) {
                var bytes = new byte[(int) in.size()];
                if (readFully(in, bytes)) {
                    var hash = HexFormat.of().formatHex(sha256().digest(bytes));
                    if (!Files.exists(pathOf(hash))) store(hash, out -> out.write(bytes));
                    return hash;
                }
                in.position(0); // the file changed size while being read: fall back to streaming it
            }
            var sha = sha256();
            var tmp = newTemp();
            try (var channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                 OutputStream out = new DigestOutputStream(java.nio.channels.Channels.newOutputStream(channel), sha)) {
                java.nio.channels.Channels.newInputStream(in).transferTo(out);
                out.flush();
                channel.force(true);
            }
            var hash = HexFormat.of().formatHex(sha.digest());
            settle(tmp, hash);
            return hash;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep a pre-image of " + source, e);
        }
    }

    /** True when {@code bytes} holds the whole file: it neither ended early nor has more. */
    private static boolean readFully(FileChannel in, byte[] bytes) throws IOException {
        var buffer = java.nio.ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            if (in.read(buffer) < 0) return false;
        }
        return in.read(java.nio.ByteBuffer.allocate(1)) < 0;
    }

    private interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private void store(String hash, Content content) throws IOException {
        var tmp = newTemp();
        try (var channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
             OutputStream out = java.nio.channels.Channels.newOutputStream(channel)) {
            content.writeTo(out);
            out.flush();
            channel.force(true);
        }
        settle(tmp, hash);
    }

    private Path newTemp() throws IOException {
        var tmpDir = objects.resolve("tmp");
        if (!Files.isDirectory(tmpDir)) Files.createDirectories(tmpDir);
        // Temp names need only be unique, not unpredictable: a shared SecureRandom would serialise writers.
        return tmpDir.resolve(Long.toHexString(ThreadLocalRandom.current().nextLong()) + Long.toHexString(System.nanoTime()) + ".part");
    }

    private void settle(Path tmp, String hash) throws IOException {
        var target = pathOf(hash);
        if (Files.exists(target)) {
            Files.delete(tmp);
            return;
        }
        Files.createDirectories(target.getParent());
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            Files.deleteIfExists(tmp);
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
