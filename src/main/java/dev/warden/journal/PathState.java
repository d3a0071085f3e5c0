package dev.warden.journal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A short fingerprint of what is at a path: {@code absent}, {@code file:<sha256>},
 * {@code link:<target>}, {@code dir:<sha256 of the tree listing>} or {@code other}. Taken when an
 * undo entry is committed and again before it is applied; if they differ, someone changed the path
 * since, and undoing would destroy their change. A directory tree is fingerprinted by the names,
 * types, sizes and modification times of its entries, which catches any edit made through normal
 * tools without re-reading every byte of a large tree.
 */
final class PathState {
    static final String ABSENT = "absent";

    private PathState() {}

    static String of(Path path) {
        try {
            if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) return ABSENT;
            var attrs = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (attrs.isSymbolicLink()) return "link:" + Files.readSymbolicLink(path);
            if (attrs.isRegularFile()) return "file:" + hashFile(path);
            if (attrs.isDirectory()) return "dir:" + hashTree(path);
            return "other";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the state of " + path, e);
        }
    }

    private static String hashFile(Path path) throws IOException {
        var sha = BlobStore.sha256();
        try (InputStream in = Files.newInputStream(path, LinkOption.NOFOLLOW_LINKS)) {
            var buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) sha.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static String hashTree(Path root) throws IOException {
        List<String> lines = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (!dir.equals(root)) lines.add(root.relativize(dir) + "\td");
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                var kind = attrs.isSymbolicLink() ? "l\t" + Files.readSymbolicLink(file)
                        : attrs.isRegularFile() ? "f\t" + attrs.size() + "\t" + attrs.lastModifiedTime().toMillis()
                        : "o";
                lines.add(root.relativize(file) + "\t" + kind);
                return FileVisitResult.CONTINUE;
            }
        });
        lines.sort(null);
        var sha = BlobStore.sha256();
        for (var line : lines) sha.update((line + "\n").getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(sha.digest());
    }
}
