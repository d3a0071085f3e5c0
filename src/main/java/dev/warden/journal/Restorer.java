package dev.warden.journal;

import dev.warden.action.ActionException;
import dev.warden.action.ErrorKind;
import dev.warden.guard.PathJail;
import dev.warden.json.Json;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Applies one undo entry. Everything is checked before anything is touched: each path must still
 * hold what the action left there, must not have acquired a symlink in its parents, and (given a
 * jail) must still be inside the roots. Then the items are undone newest first, each step itself
 * atomic (a file is restored by writing a temporary file beside it and renaming it over).
 *
 * <p>If a step fails half way, the steps before it stay applied: the error lists them, and the
 * entry stays open so that a later undo reports exactly which path no longer matches.
 */
final class Restorer {
    record Restored(Path path, String action) {}

    private final BlobStore blobs;
    private final PathJail jail;

    Restorer(BlobStore blobs, PathJail jail) {
        this.blobs = blobs;
        this.jail = jail;
    }

    List<Restored> apply(List<Change> items, Map<Path, String> expect) {
        for (var e : expect.entrySet()) {
            checkPlace(e.getKey());
            var actual = PathState.of(e.getKey());
            if (!actual.equals(e.getValue())) {
                throw new ActionException(ErrorKind.CONFLICT, "undo_conflict",
                        e.getKey() + " changed after the action this entry would undo" + describe(e.getValue(), actual) + ".",
                        "Undoing now would overwrite that later change. Call fs.read or fs.stat on " + e.getKey()
                                + " to see it, then fix the file by hand with fs.write or fs.edit.",
                        Json.object().put("path", e.getKey().toString()).put("expected", e.getValue()).put("actual", actual));
            }
        }
        for (var item : items) {
            if (item instanceof Change.Preserved p && p.blob() != null && !Files.exists(blobs.pathOf(p.blob()))) {
                throw missing(p.path(), blobs.pathOf(p.blob()));
            }
            if (item instanceof Change.Trashed t && !Files.exists(t.trash(), LinkOption.NOFOLLOW_LINKS)) {
                throw missing(t.path(), t.trash());
            }
        }
        var done = new ArrayList<Restored>();
        for (int i = items.size() - 1; i >= 0; i--) {
            var item = items.get(i);
            try {
                undoOne(item, done);
            } catch (IOException | RuntimeException e) {
                var details = Json.object();
                var list = details.putArray("restored");
                done.forEach(r -> list.add(Json.object().put("path", r.path().toString()).put("action", r.action())));
                throw new ActionException(ErrorKind.INTERNAL, "undo_incomplete",
                        "Undo stopped at " + item.paths().getFirst() + ": " + e.getMessage()
                                + (done.isEmpty() ? "; nothing was restored." : "; the paths in details were already restored."),
                        "Fix the cause (permissions, free space) and restore the rest by hand; fs.stat shows the current state.",
                        details, e);
            }
        }
        return done;
    }

    private void undoOne(Change item, List<Restored> done) throws IOException {
        switch (item) {
            case Change.Preserved p -> {
                checkPlace(p.path());
                switch (p.was()) {
                    case Change.Preserved.FILE -> {
                        restoreFile(p.path(), blobs.pathOf(p.blob()), p.mode());
                        done.add(new Restored(p.path(), "restored"));
                    }
                    case Change.Preserved.DIR -> {
                        if (!Files.isDirectory(p.path(), LinkOption.NOFOLLOW_LINKS)) {
                            FileTree.delete(p.path());
                            Files.createDirectory(p.path());
                            if (p.mode() != null) Files.setPosixFilePermissions(p.path(), PosixFilePermissions.fromString(p.mode()));
                            done.add(new Restored(p.path(), "recreated"));
                        }
                    }
                    case Change.Preserved.LINK -> {
                        FileTree.delete(p.path());
                        Files.createSymbolicLink(p.path(), Path.of(p.target()));
                        done.add(new Restored(p.path(), "restored"));
                    }
                    default -> {
                        if (Files.exists(p.path(), LinkOption.NOFOLLOW_LINKS)) {
                            FileTree.delete(p.path());
                            done.add(new Restored(p.path(), "removed"));
                        }
                    }
                }
            }
            case Change.Created c -> {
                checkPlace(c.path());
                if (Files.exists(c.path(), LinkOption.NOFOLLOW_LINKS)) {
                    FileTree.delete(c.path());
                    done.add(new Restored(c.path(), "removed"));
                }
            }
            case Change.Moved m -> {
                checkPlace(m.from());
                checkPlace(m.to());
                Files.createDirectories(m.from().getParent());
                FileTree.move(m.to(), m.from());
                done.add(new Restored(m.from(), "moved_back"));
            }
            case Change.Trashed t -> {
                checkPlace(t.path());
                Files.createDirectories(t.path().getParent());
                FileTree.move(t.trash(), t.path());
                Files.deleteIfExists(t.trash().getParent());
                done.add(new Restored(t.path(), "restored_from_trash"));
            }
        }
    }

    private static void restoreFile(Path path, Path blob, String mode) throws IOException {
        var dir = path.getParent();
        Files.createDirectories(dir);
        var tmp = dir.resolve("." + path.getFileName() + ".undo-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try {
            try (var out = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
                 var in = FileChannel.open(blob, StandardOpenOption.READ)) {
                long size = in.size();
                for (long pos = 0; pos < size; ) pos += in.transferTo(pos, size - pos, out);
                out.force(true);
            }
            if (mode != null) Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(mode));
            if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) FileTree.delete(path);
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        try (var d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException ignored) {
            // Not every file system lets a directory be synced; the rename itself is already atomic.
        }
    }

    /**
     * The recorded paths were real paths inside the roots. If the nearest existing ancestor's real
     * path is no longer the path itself, a symlink has been put in the way, and writing there could
     * land anywhere.
     */
    private void checkPlace(Path path) {
        var existing = path.getParent();
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) existing = existing.getParent();
        boolean same;
        try {
            same = existing == null || existing.toRealPath().equals(existing);
        } catch (IOException e) {
            same = false;
        }
        if (!same || (jail != null && !jail.inside(path))) {
            throw new ActionException(ErrorKind.CONFLICT, "undo_conflict",
                    "The place of " + path + " changed since the entry was recorded: "
                            + (same ? "it is no longer inside the allowed roots." : "a symbolic link now stands in its path."),
                    "Restore it by hand after checking the directories with fs.stat.",
                    Json.object().put("path", path.toString()));
        }
        // An entry recorded before a path became Warden's own (a config file added later) must not write it now.
        if (jail != null) jail.refuseIfHoldsProtected(path);
    }

    private static String describe(String expected, String actual) {
        if (actual.equals(PathState.ABSENT)) return " (it no longer exists)";
        if (expected.equals(PathState.ABSENT)) return " (something now exists there)";
        return " (its content differs)";
    }

    private static ActionException missing(Path path, Path where) {
        return new ActionException(ErrorKind.CONFLICT, "undo_conflict",
                "The saved copy of " + path + " is gone from the journal (" + where + "), so it cannot be restored.",
                "The journal's trash or objects were purged; nothing was changed.",
                Json.object().put("path", path.toString()));
    }
}
