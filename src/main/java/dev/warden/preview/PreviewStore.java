package dev.warden.preview;

import dev.warden.action.ActionException;
import dev.warden.action.ErrorKind;
import dev.warden.json.Json;
import dev.warden.sandbox.FileChange;
import dev.warden.store.Database;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Previews in the database, their overlay directories under {@code DIR/previews/<id>}. A preview is
 * {@code running} while its command runs, {@code pending} until it is committed, discarded or
 * expires; every transition is one conditional update, so a commit racing a discard or the expiry
 * cannot both win. Expiry is applied whenever the store is used (there is no timer): an overdue
 * pending preview becomes {@code expired} and its directory is removed.
 */
public final class PreviewStore {
    /** A command that was running this long ago without finishing belongs to a Warden that died. */
    private static final Duration ORPHANED = Duration.ofDays(1);

    private final Database db;
    private final Path dir;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    /** A preview being made: its id and the directory its overlays go in. */
    public record Pending(String id, Path dir) {}

    public PreviewStore(Database db, Path dir, Clock clock) {
        this.db = db;
        this.dir = dir.toAbsolutePath().normalize();
        this.clock = clock;
    }

    /** Where previews keep their overlays; must be outside the roots. */
    public Path directory() {
        return dir;
    }

    /** Starts a preview: a new id, its row ({@code running}) and its empty directory. */
    public Pending open() {
        sweep();
        var bytes = new byte[10];
        random.nextBytes(bytes);
        var id = "pv_" + HexFormat.of().formatHex(bytes);
        var path = dir.resolve(id);
        try {
            Files.createDirectories(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the preview directory " + path, e);
        }
        update("INSERT INTO previews (id, status, created_at, dir) VALUES (?, 'running', ?, ?)",
                id, clock.instant().toString(), path.toString());
        return new Pending(id, path);
    }

    /** Stores what the command changed; the preview can then be committed until {@code ttl} has passed. */
    public Preview save(Pending pending, List<FileChange> changes, Duration ttl) {
        var list = Json.array();
        for (var c : changes) {
            var node = list.addObject().put("path", c.path().toString()).put("kind", c.kind().id())
                    .put("type", c.type().id()).put("base", c.baseState());
            if (c.source() != null) node.put("source", c.source().toString());
        }
        update("UPDATE previews SET status = 'pending', expires_at = ?, changes = ? WHERE id = ? AND status = 'running'",
                clock.instant().plus(ttl).toString(), Json.write(list), pending.id());
        return find(pending.id()).orElseThrow();
    }

    /** Forgets a preview whose command could not run or was stopped: its row and its directory. */
    public void drop(Pending pending) {
        update("DELETE FROM previews WHERE id = ? AND status = 'running'", pending.id());
        deleteTree(pending.dir());
    }

    /** The preview, with an overdue pending one marked expired first. */
    public Optional<Preview> find(String id) {
        sweep();
        try (var c = db.connection(); var ps = c.prepareStatement(
                "SELECT id, status, created_at, expires_at, changes, dir FROM previews WHERE id = ?")) {
            ps.setString(1, id);
            try (var rs = ps.executeQuery()) {
                if (!rs.next()) return Optional.empty();
                var changes = new ArrayList<FileChange>();
                var text = rs.getString(5);
                if (text != null) Json.parse(text).forEach(n -> changes.add(change(n)));
                var expires = rs.getString(4);
                return Optional.of(new Preview(rs.getString(1), Preview.Status.parse(rs.getString(2)),
                        Instant.parse(rs.getString(3)), expires == null ? null : Instant.parse(expires), changes,
                        Path.of(rs.getString(6))));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read preview " + id, e);
        }
    }

    /** The preview if it can still be committed or discarded; otherwise the error that says why not. */
    public Preview pending(String id) {
        var preview = find(id).orElseThrow(() -> new ActionException(ErrorKind.NOT_FOUND, "preview_not_found",
                "There is no preview " + id + ".",
                "Use the previewId from the answer of a shell.exec call with sandbox 'preview'."));
        if (preview.status() != Preview.Status.PENDING) throw notPending(preview);
        return preview;
    }

    /** Takes a pending preview for a commit: true for exactly one caller, and only before it expires. */
    public Preview claim(String id) {
        var preview = pending(id);
        if (update("UPDATE previews SET status = 'committing' WHERE id = ? AND status = 'pending' AND expires_at > ?",
                id, clock.instant().toString()) != 1) {
            throw notPending(find(id).orElse(preview));
        }
        return preview;
    }

    /** The commit succeeded: the preview is done and its overlays are removed. */
    public void committed(String id) {
        finish(id, "committing", "committed");
    }

    /** The commit failed: the preview can be committed again (or discarded). */
    public void release(String id) {
        update("UPDATE previews SET status = 'pending' WHERE id = ? AND status = 'committing'", id);
    }

    /** Drops a pending preview's changes; nothing real was ever touched. */
    public Preview discard(String id) {
        var preview = pending(id);
        if (!finish(id, "pending", "discarded")) throw notPending(find(id).orElse(preview));
        return find(id).orElseThrow();
    }

    /** Expires overdue previews and removes their directories; returns how many expired. */
    public int sweep() {
        var now = clock.instant();
        var due = new ArrayList<String[]>();
        try (var c = db.connection(); var ps = c.prepareStatement("""
                SELECT id, dir FROM previews
                WHERE (status = 'pending' AND expires_at <= ?) OR (status = 'running' AND created_at <= ?)""")) {
            ps.setString(1, now.toString());
            ps.setString(2, now.minus(ORPHANED).toString());
            try (var rs = ps.executeQuery()) {
                while (rs.next()) due.add(new String[] {rs.getString(1), rs.getString(2)});
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot look for expired previews", e);
        }
        int expired = 0;
        for (var row : due) {
            if (update("UPDATE previews SET status = 'expired', finished_at = ? WHERE id = ? AND status IN ('pending', 'running')",
                    now.toString(), row[0]) == 1) {
                deleteTree(Path.of(row[1]));
                expired++;
            }
        }
        return expired;
    }

    private boolean finish(String id, String from, String to) {
        var dirOf = find(id).map(Preview::dir);
        var changed = update("UPDATE previews SET status = ?, finished_at = ? WHERE id = ? AND status = ?",
                to, clock.instant().toString(), id, from) == 1;
        if (changed) dirOf.ifPresent(PreviewStore::deleteTree);
        return changed;
    }

    private static ActionException notPending(Preview preview) {
        var hint = switch (preview.status()) {
            case COMMITTED -> "It was committed; its result carried the undoId that takes it back.";
            case DISCARDED -> "It was discarded. Run the command again with sandbox 'preview' for a new one.";
            case EXPIRED -> "Previews expire (see the policy's sandbox.previewTtlMinutes). Run the command again for a new one.";
            case COMMITTING -> "Another call is committing it right now.";
            case RUNNING -> "Its command is still running.";
            case PENDING -> "Retry.";
        };
        return new ActionException(ErrorKind.CONFLICT, "preview_" + preview.status().id(),
                "Preview " + preview.id() + " is " + preview.status().id() + ".", hint,
                Json.object().put("previewId", preview.id()).put("status", preview.status().id()));
    }

    private static FileChange change(tools.jackson.databind.JsonNode n) {
        var source = n.get("source");
        return new FileChange(Path.of(n.path("path").asString()),
                FileChange.Kind.valueOf(n.path("kind").asString().toUpperCase(java.util.Locale.ROOT)),
                FileChange.Type.valueOf(n.path("type").asString().toUpperCase(java.util.Locale.ROOT)),
                source == null ? null : Path.of(source.asString()), n.path("base").asString());
    }

    private int update(String sql, String... params) {
        try (Connection c = db.connection(); var ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) ps.setString(i + 1, params[i]);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot update the previews", e);
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) return;
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the preview directory " + root, e);
        }
    }
}
