package dev.warden.sandbox;

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
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A short fingerprint of what is at a path: {@code absent}, {@code file:<mode>:<sha256>},
 * {@code link:<target>}, {@code dir} (or, with {@code tree}, {@code dir:<sha256 of the names, types,
 * sizes and times below it>}) or {@code other}. A preview records it for each path it would change; a commit
 * compares it again, so a change made in between is never overwritten.
 */
public final class FileState {
    public static final String ABSENT = "absent";

    private FileState() {}

    public static String of(Path path, boolean tree) {
        try {
            if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) return ABSENT;
            var attrs = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (attrs.isSymbolicLink()) return "link:" + Files.readSymbolicLink(path);
            if (attrs.isRegularFile()) {
                var mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
                return "file:" + mode + ":" + sha256(path);
            }
            if (attrs.isDirectory()) return tree ? "dir:" + treeHash(path) : "dir";
            return "other";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the state of " + path, e);
        }
    }

    private static String sha256(Path file) throws IOException {
        var sha = digest();
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            var buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) sha.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static String treeHash(Path root) throws IOException {
        List<String> lines = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (!dir.equals(root)) lines.add(root.relativize(dir) + "\td");
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                // Sizes and times, not contents: a preview fingerprints each file below a deleted directory on its own.
                var kind = attrs.isSymbolicLink() ? "l\t" + Files.readSymbolicLink(file)
                        : attrs.isRegularFile() ? "f\t" + attrs.size() + "\t" + attrs.lastModifiedTime().toMillis() : "o";
                lines.add(root.relativize(file) + "\t" + kind);
                return FileVisitResult.CONTINUE;
            }
        });
        lines.sort(null);
        var sha = digest();
        for (var line : lines) sha.update((line + "\n").getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(sha.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
