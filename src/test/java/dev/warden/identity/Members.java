package dev.warden.identity;

import dev.warden.store.Database;
import java.sql.SQLException;
import java.time.Instant;

/** For fixtures: makes {@code user} (created if new) a member of a project, so tokens can be made for them. */
public final class Members {
    private Members() {}

    public static void add(UserService users, ProjectService projects, String project, String user, Role role) {
        if (users.find(user).isEmpty()) users.create(user, false, null);
        projects.putMember(project, user, role);
    }

    /**
     * Stores a token under {@code p}'s own id, with its user and membership (and project, if new), so a
     * principal a test names by hand stands when Warden reads it again (an approved request does).
     */
    public static Principal enrol(Database db, UserService users, ProjectService projects, Principal p) {
        if (projects.find(p.project()).isEmpty()) projects.create(p.project());
        add(users, projects, p.project(), p.name(), p.role());
        try (var c = db.writeConnection(); var ps = c.prepareStatement("""
                INSERT OR IGNORE INTO api_tokens (id, token_hash, name, user_name, project, role, actions, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")) {
            ps.setString(1, p.id());
            ps.setString(2, "fixture-" + p.id());
            ps.setString(3, "fixture");
            ps.setString(4, p.name());
            ps.setString(5, p.project());
            ps.setString(6, p.role().id());
            ps.setString(7, String.join(",", p.actionPatterns()));
            ps.setString(8, Instant.now().toString());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return p;
    }
}
