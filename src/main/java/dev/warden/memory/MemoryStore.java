package dev.warden.memory;

import dev.warden.store.Database;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Facts kept per (user, project) in the database. Every method takes the owner: there is no way to
 * read or change another user's facts through this class, which is what keeps one user's memory out
 * of another's sessions.
 */
public final class MemoryStore {
    /** Long enough for a preference or a path with its reason; short enough to stay cheap in every prompt. */
    public static final int MAX_CHARS = 500;
    /** Per user and project: every fact is paid for in every turn of every session. */
    public static final int MAX_FACTS = 200;

    /** A fact as it was stored, and whether the same text was already there. */
    public record Remembered(Fact fact, boolean existing) {}

    /** Why a fact was not stored. */
    public static final class Full extends RuntimeException {
        public Full(String message) {
            super(message);
        }
    }

    private final Database db;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public MemoryStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** Stores {@code text} (already trimmed and within {@link #MAX_CHARS}); the same text twice is one fact. */
    public Remembered remember(String user, String project, String text, String createdBy) {
        try (var c = db.writeConnection()) {
            var existing = findByText(c, user, project, text);
            if (existing.isPresent()) return new Remembered(existing.get(), true);
            if (count(c, user, project) >= MAX_FACTS) {
                throw new Full("You already have " + MAX_FACTS + " facts in project " + project + ".");
            }
            var fact = new Fact(newId(), text, clock.instant(), createdBy);
            try (var ps = c.prepareStatement("""
                    INSERT INTO memory_facts (id, user_name, project, text, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)""")) {
                ps.setString(1, fact.id());
                ps.setString(2, user);
                ps.setString(3, project);
                ps.setString(4, text);
                ps.setString(5, fact.createdAt().toString());
                ps.setString(6, createdBy);
                ps.executeUpdate();
            }
            return new Remembered(fact, false);
        } catch (SQLException e) {
            throw new IllegalStateException("memory store: " + e.getMessage(), e);
        }
    }

    /** Removes the owner's fact {@code id}; empty when the owner has no such fact. */
    public Optional<Fact> forget(String user, String project, String id) {
        try (var c = db.writeConnection()) {
            Optional<Fact> found;
            try (var ps = c.prepareStatement(
                    "SELECT id, text, created_at, created_by FROM memory_facts WHERE id = ? AND user_name = ? AND project = ?")) {
                ps.setString(1, id);
                ps.setString(2, user);
                ps.setString(3, project);
                try (var rs = ps.executeQuery()) {
                    found = rs.next() ? Optional.of(fact(rs)) : Optional.empty();
                }
            }
            if (found.isPresent()) {
                try (var ps = c.prepareStatement("DELETE FROM memory_facts WHERE id = ? AND user_name = ? AND project = ?")) {
                    ps.setString(1, id);
                    ps.setString(2, user);
                    ps.setString(3, project);
                    ps.executeUpdate();
                }
            }
            return found;
        } catch (SQLException e) {
            throw new IllegalStateException("memory store: " + e.getMessage(), e);
        }
    }

    /** The owner's facts, oldest first, optionally only those containing {@code contains} (any case). */
    public List<Fact> list(String user, String project, String contains, int limit) {
        var sql = "SELECT id, text, created_at, created_by FROM memory_facts WHERE user_name = ? AND project = ?"
                + (contains == null ? "" : " AND instr(lower(text), ?) > 0") + " ORDER BY created_at, id LIMIT ?";
        try (var c = db.connection(); var ps = c.prepareStatement(sql)) {
            int i = 1;
            ps.setString(i++, user);
            ps.setString(i++, project);
            if (contains != null) ps.setString(i++, contains.toLowerCase(Locale.ROOT));
            ps.setInt(i, limit);
            var facts = new ArrayList<Fact>();
            try (var rs = ps.executeQuery()) {
                while (rs.next()) facts.add(fact(rs));
            }
            return facts;
        } catch (SQLException e) {
            throw new IllegalStateException("memory store: " + e.getMessage(), e);
        }
    }

    /** How many facts the owner has. */
    public int count(String user, String project) {
        try (var c = db.connection()) {
            return count(c, user, project);
        } catch (SQLException e) {
            throw new IllegalStateException("memory store: " + e.getMessage(), e);
        }
    }

    private static int count(Connection c, String user, String project) throws SQLException {
        try (var ps = c.prepareStatement("SELECT COUNT(*) FROM memory_facts WHERE user_name = ? AND project = ?")) {
            ps.setString(1, user);
            ps.setString(2, project);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static Optional<Fact> findByText(Connection c, String user, String project, String text) throws SQLException {
        try (var ps = c.prepareStatement(
                "SELECT id, text, created_at, created_by FROM memory_facts WHERE user_name = ? AND project = ? AND text = ?")) {
            ps.setString(1, user);
            ps.setString(2, project);
            ps.setString(3, text);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(fact(rs)) : Optional.empty();
            }
        }
    }

    private static Fact fact(ResultSet rs) throws SQLException {
        return new Fact(rs.getString(1), rs.getString(2), Instant.parse(rs.getString(3)), rs.getString(4));
    }

    private String newId() {
        var bytes = new byte[8];
        random.nextBytes(bytes);
        return "mem_" + HexFormat.of().formatHex(bytes);
    }
}
