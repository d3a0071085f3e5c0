package dev.warden.agent;

import dev.warden.identity.Principal;
import dev.warden.json.Json;
import dev.warden.store.Database;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Chat sessions that persist: started, found again by their owner, and saved after every message.
 * A session belongs to a user in a project; anyone else asking for it is told it does not exist.
 * Recently used sessions stay in memory so two messages to one session see one state.
 */
public final class Chats {
    /** A session as listed: no history, just what it is. */
    public record Summary(String id, String title, boolean autonomous, Instant createdAt, Instant updatedAt, String waitingFor) {}

    private static final int LIVE = 256;

    private final Agent agent;
    private final Database db;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, ChatSession> live = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ChatSession> eldest) {
            return size() > LIVE;
        }
    };

    public Chats(Agent agent, Database db, Clock clock) {
        this.agent = agent;
        this.db = db;
        this.clock = clock;
    }

    public ChatSession start(Principal principal, boolean autonomous, String title) {
        var bytes = new byte[10];
        random.nextBytes(bytes);
        var session = agent.open("chat_" + HexFormat.of().formatHex(bytes), principal, autonomous);
        var now = clock.instant().toString();
        try (var c = db.writeConnection(); var ps = c.prepareStatement("""
                INSERT INTO chat_sessions (id, user_name, project, principal_id, title, autonomous, created_at, updated_at, state)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            ps.setString(1, session.id());
            ps.setString(2, principal.name());
            ps.setString(3, principal.project());
            ps.setString(4, principal.id());
            ps.setString(5, title == null || title.isBlank() ? "Chat" : title.strip());
            ps.setInt(6, autonomous ? 1 : 0);
            ps.setString(7, now);
            ps.setString(8, now);
            ps.setString(9, Json.write(SessionCodec.write(session)));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("chat store: " + e.getMessage(), e);
        }
        synchronized (live) {
            live.put(session.id(), session);
        }
        return session;
    }

    /**
     * The session {@code id} of this principal's user in its project, acting as {@code principal}
     * now (a session outlives the token it was started with); empty for anyone else's.
     */
    public Optional<ChatSession> find(String id, Principal principal) {
        synchronized (live) {
            var session = live.get(id);
            if (session != null) {
                var owner = session.principal();
                // One object per live session, whichever token asks: two copies would each save over the other.
                return owner.name().equals(principal.name()) && owner.project().equals(principal.project())
                        ? Optional.of(session) : Optional.empty();
            }
        }
        try (var c = db.connection(); var ps = c.prepareStatement(
                "SELECT autonomous, state FROM chat_sessions WHERE id = ? AND user_name = ? AND project = ?")) {
            ps.setString(1, id);
            ps.setString(2, principal.name());
            ps.setString(3, principal.project());
            try (var rs = ps.executeQuery()) {
                if (!rs.next()) return Optional.empty();
                var session = agent.open(id, principal, rs.getInt(1) == 1);
                SessionCodec.read(Json.parse(rs.getString(2)), session);
                synchronized (live) {
                    live.put(id, session);
                }
                return Optional.of(session);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("chat store: " + e.getMessage(), e);
        }
    }

    /** Sends one message as the session's principal and saves the session, whatever the turn's end. */
    public void send(ChatSession session, String text, Consumer<AgentEvent> events) {
        send(session, session.principal(), text, events);
    }

    /** Sends one message as {@code principal} (the session's user) and saves the session, whatever the turn's end. */
    public void send(ChatSession session, Principal principal, String text, Consumer<AgentEvent> events) {
        send(session, principal, text, events, false);
    }

    /** The same; with {@code textDeltas} the model's text also arrives piece by piece (see {@link Agent}). */
    public void send(ChatSession session, Principal principal, String text, Consumer<AgentEvent> events, boolean textDeltas) {
        try {
            agent.send(session, principal, text, events, textDeltas);
        } finally {
            save(session);
        }
    }

    public List<Summary> list(Principal principal) {
        try (var c = db.connection(); var ps = c.prepareStatement("""
                SELECT id, title, autonomous, created_at, updated_at, state FROM chat_sessions
                WHERE user_name = ? AND project = ? ORDER BY updated_at DESC LIMIT 100""")) {
            ps.setString(1, principal.name());
            ps.setString(2, principal.project());
            var list = new ArrayList<Summary>();
            try (var rs = ps.executeQuery()) {
                while (rs.next()) list.add(summary(rs));
            }
            return list;
        } catch (SQLException e) {
            throw new IllegalStateException("chat store: " + e.getMessage(), e);
        }
    }

    /** Session {@code id} as listed, if it is this principal's user's in its project; empty for anyone else's. */
    public Optional<Summary> summary(String id, Principal principal) {
        try (var c = db.connection(); var ps = c.prepareStatement("""
                SELECT id, title, autonomous, created_at, updated_at, state FROM chat_sessions
                WHERE id = ? AND user_name = ? AND project = ?""")) {
            ps.setString(1, id);
            ps.setString(2, principal.name());
            ps.setString(3, principal.project());
            try (var rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(summary(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("chat store: " + e.getMessage(), e);
        }
    }

    private static Summary summary(java.sql.ResultSet rs) throws SQLException {
        var waiting = Json.parse(rs.getString(6)).path("waiting").path("kind").asString(null);
        return new Summary(rs.getString(1), rs.getString(2), rs.getInt(3) == 1, Instant.parse(rs.getString(4)),
                Instant.parse(rs.getString(5)), waiting);
    }

    private void save(ChatSession session) {
        String state;
        session.lock.lock();
        try {
            state = Json.write(SessionCodec.write(session));
        } finally {
            session.lock.unlock();
        }
        try (var c = db.writeConnection(); var ps = c.prepareStatement("UPDATE chat_sessions SET state = ?, updated_at = ? WHERE id = ?")) {
            ps.setString(1, state);
            ps.setString(2, clock.instant().toString());
            ps.setString(3, session.id());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("chat store: " + e.getMessage(), e);
        }
    }
}
