package dev.warden.journal;

import dev.warden.action.ActionException;
import dev.warden.action.ChangeJournal;
import dev.warden.action.ErrorKind;
import dev.warden.guard.PathJail;
import dev.warden.identity.Principal;
import dev.warden.json.Json;
import dev.warden.store.Database;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.locks.Lock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * The undo journal (DESIGN §4). Before an action changes a path it records the pre-image through a
 * {@link Recorder}; blobs go to a content-addressed store under {@code journalDir/objects}, soft
 * deletes to {@code journalDir/trash/<uuid>/}. When the action succeeds the engine commits the
 * recorder: one {@code undo_entries} row holds the items and the fingerprint each touched path had
 * right after the action. {@link #undo} restores an entry in reverse order, but only while every
 * touched path still has that fingerprint, so an undo never overwrites a later change.
 */
public final class Journal {
    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

    /** A journal for one call; its records become an undo entry only when {@link Recorder#commit} is called. */
    public interface Recorder extends ChangeJournal, AutoCloseable {
        /** Stores what was recorded as one undo entry and returns its id; empty when nothing was recorded. */
        Optional<String> commit();

        /**
         * Like {@link #commit} but leaves the storing to the caller, who writes the entry together
         * with its audit record (see {@code AuditLog.append(entry, undo)}).
         */
        Optional<Sealed> seal();

        /**
         * Drops what was recorded. Called when the action did not run or failed. Whatever the journal
         * itself changed (a soft delete moved into the trash) is moved back, since the action's failure
         * means the caller gets no undo id to do it with. Pre-images and notes of creations are only
         * dropped: an action that fails after changing a file must leave it as it found it (the fs
         * actions write by atomic rename, so a failure leaves the old file in place).
         */
        void abandon();

        /**
         * Ends the call: drops what was neither committed nor abandoned and releases the paths the
         * call claimed. The engine calls it last, whatever happened.
         */
        @Override
        void close();
    }

    /** An undo entry ready to be stored: the row of {@code undo_entries}, with {@code items} as JSON text. */
    public record Sealed(String id, String createdAt, String principalId, String action, String items) {}

    private final Database db;
    private final Path journalDir;
    private final Clock clock;
    private final PathJail jail;
    private final BlobStore blobs;
    private final PathLocks locks = new PathLocks(Duration.ofSeconds(30));
    private final SecureRandom random = new SecureRandom();

    public Journal(Database db, Path journalDir, Clock clock) {
        this(db, journalDir, clock, null);
    }

    /**
     * With a jail, undo also refuses to write to a path that is no longer inside the roots (the
     * roots may have been narrowed since the entry was recorded).
     */
    public Journal(Database db, Path journalDir, Clock clock, PathJail jail) {
        this.db = db;
        this.journalDir = journalDir.toAbsolutePath().normalize();
        this.clock = clock;
        this.jail = jail;
        this.blobs = new BlobStore(this.journalDir.resolve("objects"));
        try {
            Files.createDirectories(this.journalDir.resolve("trash"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the journal dir " + journalDir, e);
        }
    }

    public Recorder begin(Principal principal, String actionId) {
        return new CallRecorder(principal, actionId);
    }

    /** Restores everything recorded under {@code undoId}. Returns {@code {undoId, restored: [{path, action}]}}. */
    public JsonNode undo(String undoId) {
        var entry = load(undoId);
        if (entry.undoneAt() != null) {
            throw new ActionException(ErrorKind.CONFLICT, "undo_already_applied",
                    "Undo entry " + undoId + " was already applied at " + entry.undoneAt() + ".",
                    "Nothing to do; call fs.stat or fs.read to check the current state.",
                    Json.object().put("undoId", undoId).put("undoneAt", entry.undoneAt()));
        }
        if (!claim(undoId)) {
            throw new ActionException(ErrorKind.CONFLICT, "undo_already_applied",
                    "Undo entry " + undoId + " is being or was just applied by another call.",
                    "Nothing to do; call fs.stat or fs.read to check the current state.");
        }
        try {
            var restored = new Restorer(blobs, jail).apply(entry.items(), entry.expect());
            var result = Json.object().put("undoId", undoId);
            var list = result.putArray("restored");
            restored.forEach(r -> list.add(Json.object().put("path", r.path().toString()).put("action", r.action())));
            return result;
        } catch (RuntimeException e) {
            unclaim(undoId);
            throw e;
        }
    }

    /** Where soft-deleted things are kept; exposed so an operator can inspect or purge it. */
    public Path trashDir() {
        return journalDir.resolve("trash");
    }

    private record Entry(List<Change> items, LinkedHashMap<Path, String> expect, String undoneAt) {}

    private Entry load(String undoId) {
        try (var c = db.connection();
             var st = c.prepareStatement("SELECT items, undone_at FROM undo_entries WHERE id = ?")) {
            st.setString(1, undoId);
            try (var rs = st.executeQuery()) {
                if (!rs.next()) {
                    throw new ActionException(ErrorKind.NOT_FOUND, "undo_not_found",
                            "There is no undo entry " + undoId + ".",
                            "Use the undoId from the result of the call you want to take back; the audit log lists them.");
                }
                var doc = Json.parse(rs.getString(1));
                var items = new ArrayList<Change>();
                doc.path("items").forEach(n -> items.add(Change.fromJson(n)));
                var expect = new LinkedHashMap<Path, String>();
                doc.path("expect").forEach(n -> expect.put(Path.of(n.path("path").asString()), n.path("state").asString()));
                return new Entry(items, expect, rs.getString(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read undo entry " + undoId, e);
        }
    }

    private boolean claim(String undoId) {
        return update("UPDATE undo_entries SET undone_at = ? WHERE id = ? AND undone_at IS NULL",
                clock.instant().toString(), undoId) == 1;
    }

    private void unclaim(String undoId) {
        update("UPDATE undo_entries SET undone_at = NULL WHERE id = ?", undoId);
    }

    private int update(String sql, String... params) {
        try (var c = db.connection(); var st = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) st.setString(i + 1, params[i]);
            return st.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot update the undo journal", e);
        }
    }

    private String newId() {
        var id = new StringBuilder("u_");
        for (int i = 0; i < 12; i++) id.append(BASE32[random.nextInt(32)]);
        return id.toString();
    }

    private final class CallRecorder implements Recorder {
        private final Principal principal;
        private final String actionId;
        private final List<Change> items = new ArrayList<>();
        private final Set<Path> preserved = new HashSet<>();
        private final Set<Path> claimed = new HashSet<>();
        private final List<Lock> held = new ArrayList<>();

        CallRecorder(Principal principal, String actionId) {
            this.principal = principal;
            this.actionId = actionId;
        }

        @Override
        public synchronized void claim(Path path) {
            var p = path.toAbsolutePath().normalize();
            if (claimed.add(p)) held.add(locks.acquire(p));
        }

        @Override
        public synchronized void preserve(Path path) {
            var p = path.toAbsolutePath().normalize();
            claim(p);
            // The first pre-image is the one undo must return to; later ones would be intermediate states.
            if (!preserved.add(p)) return;
            try {
                if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                    items.add(new Change.Preserved(p, Change.Preserved.ABSENT, null, null, null));
                    return;
                }
                var attrs = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (attrs.isSymbolicLink()) {
                    items.add(new Change.Preserved(p, Change.Preserved.LINK, null, null, Files.readSymbolicLink(p).toString()));
                } else if (attrs.isDirectory()) {
                    items.add(new Change.Preserved(p, Change.Preserved.DIR, null, mode(p), null));
                } else {
                    items.add(new Change.Preserved(p, Change.Preserved.FILE, blobs.put(p), mode(p), null));
                }
            } catch (IOException e) {
                throw new ActionException(ErrorKind.INTERNAL, "journal_failed",
                        "Warden could not keep a copy of " + p + " for undo: " + e.getMessage(),
                        "Nothing was changed; check the journal directory's free space and retry.", null, e);
            } catch (UncheckedIOException e) {
                throw new ActionException(ErrorKind.INTERNAL, "journal_failed",
                        "Warden could not keep a copy of " + p + " for undo: " + e.getCause().getMessage(),
                        "Nothing was changed; check the journal directory's free space and retry.", null, e);
            }
        }

        @Override
        public synchronized void created(Path path) {
            claim(path);
            items.add(new Change.Created(path.toAbsolutePath().normalize()));
        }

        @Override
        public synchronized void moved(Path from, Path to) {
            claim(from);
            claim(to);
            items.add(new Change.Moved(from.toAbsolutePath().normalize(), to.toAbsolutePath().normalize()));
        }

        @Override
        public synchronized Path trash(Path path) {
            var p = path.toAbsolutePath().normalize();
            claim(p);
            var dest = trashDir().resolve(UUID.randomUUID().toString()).resolve(p.getFileName().toString());
            try {
                Files.createDirectories(dest.getParent());
                FileTree.move(p, dest);
            } catch (IOException e) {
                throw new ActionException(ErrorKind.INTERNAL, "trash_failed",
                        "Warden could not move " + p + " to its trash: " + e.getMessage(),
                        "Check that the path is writable (fs.stat shows its permissions) and retry.", null, e);
            }
            items.add(new Change.Trashed(p, dest));
            return dest;
        }

        @Override
        public JsonNode undo(String undoId) {
            return Journal.this.undo(undoId);
        }

        @Override
        public synchronized Optional<String> commit() {
            return seal().map(entry -> {
                try (var c = db.connection(); var st = c.prepareStatement(
                        "INSERT INTO undo_entries (id, created_at, principal_id, action, items) VALUES (?, ?, ?, ?, ?)")) {
                    st.setString(1, entry.id());
                    st.setString(2, entry.createdAt());
                    st.setString(3, entry.principalId());
                    st.setString(4, entry.action());
                    st.setString(5, entry.items());
                    st.executeUpdate();
                } catch (SQLException e) {
                    throw new IllegalStateException("cannot store the undo entry for " + actionId, e);
                }
                return entry.id();
            });
        }

        @Override
        public synchronized Optional<Sealed> seal() {
            if (items.isEmpty()) return Optional.empty();
            var doc = Json.object().put("version", 1);
            var list = doc.putArray("items");
            items.forEach(i -> list.add(i.toJson()));
            var expect = doc.putArray("expect");
            var seen = new HashSet<Path>();
            for (var item : items) {
                for (var p : item.paths()) {
                    if (seen.add(p)) expect.add(Json.object().put("path", p.toString()).put("state", PathState.of(p)));
                }
            }
            var sealed = new Sealed(newId(), clock.instant().toString(), principal.id(), actionId, Json.write(doc));
            items.clear();
            return Optional.of(sealed);
        }

        @Override
        public synchronized void abandon() {
            for (int i = items.size() - 1; i >= 0; i--) {
                if (items.get(i) instanceof Change.Trashed(Path path, Path trash)
                        && !Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                    try {
                        FileTree.move(trash, path);
                        Files.deleteIfExists(trash.getParent());
                    } catch (IOException e) {
                        throw new UncheckedIOException("could not move " + trash + " back to " + path, e);
                    }
                }
            }
            items.clear();
            preserved.clear();
        }

        @Override
        public synchronized void close() {
            try {
                if (!items.isEmpty()) abandon();
            } finally {
                for (int i = held.size() - 1; i >= 0; i--) held.get(i).unlock();
                held.clear();
                claimed.clear();
            }
        }
    }

    static String mode(Path path) throws IOException {
        var attrs = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        return PosixFilePermissions.toString(attrs.permissions());
    }
}
