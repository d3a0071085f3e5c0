package dev.warden.identity;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.warden.store.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Projects, their lifecycle state and their members. The engine reads states through
 * {@link ProjectStates}, cached for a couple of seconds: a change made by the CLI on the same data
 * dir reaches a running server within that window, one made here at once.
 */
public final class ProjectService implements ProjectStates {
    public static final String DEFAULT = "default";
    private static final Duration CACHE_TTL = Duration.ofSeconds(2);

    public record Project(String name, ProjectState state, Instant createdAt) {}

    public record Member(String project, String user, Role role, Instant addedAt) {}

    private final Database db;
    private final Clock clock;
    private final Cache<String, ProjectState> states;

    public ProjectService(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
        this.states = Caffeine.newBuilder().expireAfterWrite(CACHE_TTL).maximumSize(10_000).build();
    }

    public Project create(String name) {
        Names.project(name);
        var now = clock.instant();
        try (var c = db.writeConnection(); var ps = c.prepareStatement(
                "INSERT INTO projects (name, state, created_at) VALUES (?, 'active', ?) ON CONFLICT (name) DO NOTHING")) {
            ps.setString(1, name);
            ps.setString(2, now.toString());
            if (ps.executeUpdate() == 0) {
                throw new IdentityException(IdentityException.Kind.CONFLICT, "project_exists", "There is already a project " + name + ".",
                        "Pick another name; ./warden project list shows the projects.");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store project: " + e.getMessage(), e);
        }
        states.invalidate(name);
        return new Project(name, ProjectState.ACTIVE, now);
    }

    public Optional<Project> find(String name) {
        try (var c = db.connection(); var ps = c.prepareStatement("SELECT * FROM projects WHERE name = ?")) {
            ps.setString(1, name);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(readProject(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read projects: " + e.getMessage(), e);
        }
    }

    public Project get(String name) {
        return find(name).orElseThrow(() -> notFound(name));
    }

    public List<Project> list() {
        try (var c = db.connection(); var ps = c.prepareStatement("SELECT * FROM projects ORDER BY name");
             var rs = ps.executeQuery()) {
            var out = new ArrayList<Project>();
            while (rs.next()) out.add(readProject(rs));
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot list projects: " + e.getMessage(), e);
        }
    }

    public Project setState(String name, ProjectState state) {
        var before = get(name);
        try (var c = db.writeConnection(); var ps = c.prepareStatement("UPDATE projects SET state = ? WHERE name = ?")) {
            ps.setString(1, state.id());
            ps.setString(2, name);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot change project: " + e.getMessage(), e);
        }
        states.invalidate(name);
        return new Project(name, state, before.createdAt());
    }

    /**
     * The project's state for the engine. A project with no row has no lifecycle to enforce: every
     * principal that reaches the engine comes from a token whose project exists, or is Warden's own.
     */
    @Override
    public ProjectState state(String project) {
        return states.get(project, p -> find(p).map(Project::state).orElse(ProjectState.ACTIVE));
    }

    /** Adds {@code user} to the project as {@code role}, or changes the role of a member. */
    public Member putMember(String project, String user, Role role) {
        get(project);
        var now = clock.instant();
        try (var c = db.writeConnection()) {
            try (var check = c.prepareStatement("SELECT 1 FROM users WHERE name = ?")) {
                check.setString(1, user);
                try (var rs = check.executeQuery()) {
                    if (!rs.next()) throw UserService.notFound(user);
                }
            }
            try (var ps = c.prepareStatement("""
                    INSERT INTO memberships (project, user_name, role, added_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (project, user_name) DO UPDATE SET role = excluded.role""")) {
                ps.setString(1, project);
                ps.setString(2, user);
                ps.setString(3, role.id());
                ps.setString(4, now.toString());
                ps.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store membership: " + e.getMessage(), e);
        }
        return member(project, user).orElseThrow();
    }

    /** Removes {@code user} from the project; false if they were not a member. */
    public boolean removeMember(String project, String user) {
        get(project);
        try (var c = db.writeConnection(); var ps = c.prepareStatement("DELETE FROM memberships WHERE project = ? AND user_name = ?")) {
            ps.setString(1, project);
            ps.setString(2, user);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot remove membership: " + e.getMessage(), e);
        }
    }

    public Optional<Member> member(String project, String user) {
        try (var c = db.connection(); var ps = c.prepareStatement(
                "SELECT * FROM memberships WHERE project = ? AND user_name = ?")) {
            ps.setString(1, project);
            ps.setString(2, user);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(readMember(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read memberships: " + e.getMessage(), e);
        }
    }

    public List<Member> members(String project) {
        get(project);
        try (var c = db.connection(); var ps = c.prepareStatement(
                "SELECT * FROM memberships WHERE project = ? ORDER BY user_name")) {
            ps.setString(1, project);
            try (var rs = ps.executeQuery()) {
                var out = new ArrayList<Member>();
                while (rs.next()) out.add(readMember(rs));
                return out;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read memberships: " + e.getMessage(), e);
        }
    }

    static IdentityException notFound(String name) {
        return new IdentityException(IdentityException.Kind.NOT_FOUND, "project_not_found", "There is no project " + name + ".",
                "Create it with ./warden project create " + name + " or POST /v1/admin/projects.");
    }

    private static Project readProject(ResultSet rs) throws SQLException {
        return new Project(rs.getString("name"), ProjectState.parse(rs.getString("state")), Instant.parse(rs.getString("created_at")));
    }

    private static Member readMember(ResultSet rs) throws SQLException {
        return new Member(rs.getString("project"), rs.getString("user_name"), Role.parse(rs.getString("role")),
                Instant.parse(rs.getString("added_at")));
    }
}
