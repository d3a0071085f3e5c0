package dev.warden.identity;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;
import dev.warden.store.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Users: a name, whether they are a system admin, an optional password (Argon2id) and whether they
 * are disabled. Users are never deleted, only disabled, so the audit trail's names keep their meaning.
 */
public final class UserService {
    /**
     * OWASP's Argon2id baseline: 19 MiB, 2 passes, one lane; a 32-byte hash over a 16-byte salt. The
     * function holds its 19 MiB of block memory for as long as it lives (the library keeps each one
     * it makes), so it is made when a password is first hashed, not when a server starts that may
     * never see one.
     */
    private static final class Argon2Id {
        static final Argon2Function FUNCTION = Argon2Function.getInstance(19 * 1024, 2, 1, 32, Argon2.ID);
    }
    private static final int SALT_BYTES = 16;

    /** A user as listed: never the password hash. */
    public record User(String name, boolean systemAdmin, boolean hasPassword, Instant createdAt, Instant disabledAt) {
        public boolean enabled() {
            return disabledAt == null;
        }
    }

    private final Database db;
    private final Clock clock;

    public UserService(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** Creates a user; {@code password} may be null (no password login for them). */
    public User create(String name, boolean systemAdmin, String password) {
        Names.user(name);
        if (password != null && password.isEmpty()) {
            throw new IdentityException(IdentityException.Kind.BAD_INPUT, "invalid_password", "The password is empty.",
                    "Give a password, or none at all.");
        }
        var hash = password == null ? null : Password.hash(password).addRandomSalt(SALT_BYTES).with(Argon2Id.FUNCTION).getResult();
        var now = clock.instant();
        try (var c = db.writeConnection(); var ps = c.prepareStatement(
                "INSERT INTO users (name, system_admin, password_hash, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO NOTHING")) {
            ps.setString(1, name);
            ps.setInt(2, systemAdmin ? 1 : 0);
            ps.setString(3, hash);
            ps.setString(4, now.toString());
            if (ps.executeUpdate() == 0) {
                throw new IdentityException(IdentityException.Kind.CONFLICT, "user_exists", "There is already a user " + name + ".",
                        "Pick another name; ./warden user list shows the users.");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store user: " + e.getMessage(), e);
        }
        return new User(name, systemAdmin, hash != null, now, null);
    }

    public Optional<User> find(String name) {
        try (var c = db.connection(); var ps = c.prepareStatement("SELECT * FROM users WHERE name = ?")) {
            ps.setString(1, name);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read users: " + e.getMessage(), e);
        }
    }

    public User get(String name) {
        return find(name).orElseThrow(() -> notFound(name));
    }

    public List<User> list() {
        try (var c = db.connection(); var ps = c.prepareStatement("SELECT * FROM users ORDER BY name");
             var rs = ps.executeQuery()) {
            var out = new ArrayList<User>();
            while (rs.next()) out.add(read(rs));
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot list users: " + e.getMessage(), e);
        }
    }

    /** Disables a user: every token of theirs stops working. False if they were already disabled. */
    public boolean disable(String name) {
        get(name);
        try (var c = db.writeConnection(); var ps = c.prepareStatement(
                "UPDATE users SET disabled_at = ? WHERE name = ? AND disabled_at IS NULL")) {
            ps.setString(1, clock.instant().toString());
            ps.setString(2, name);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot disable user: " + e.getMessage(), e);
        }
    }

    /**
     * Whether {@code password} is this enabled user's password. False for an unknown or disabled user
     * and for one without a password; the Argon2 work is done either way, so timing does not say which.
     */
    public boolean verifyPassword(String name, String password) {
        String stored = null;
        boolean enabled = false;
        try (var c = db.connection(); var ps = c.prepareStatement("SELECT password_hash, disabled_at FROM users WHERE name = ?")) {
            ps.setString(1, name);
            try (var rs = ps.executeQuery()) {
                if (rs.next()) {
                    stored = rs.getString("password_hash");
                    enabled = rs.getString("disabled_at") == null;
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read users: " + e.getMessage(), e);
        }
        if (password == null) return false;
        if (stored == null) {
            Password.hash(password).addRandomSalt(SALT_BYTES).with(Argon2Id.FUNCTION);
            return false;
        }
        boolean matches = Password.check(password, stored).with(Argon2Function.getInstanceFromHash(stored));
        return matches && enabled;
    }

    /** The stored hash, for tests that check its format (never shown by any front). */
    Optional<String> passwordHash(String name) {
        try (var c = db.connection(); var ps = c.prepareStatement("SELECT password_hash FROM users WHERE name = ?")) {
            ps.setString(1, name);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read users: " + e.getMessage(), e);
        }
    }

    static IdentityException notFound(String name) {
        return new IdentityException(IdentityException.Kind.NOT_FOUND, "user_not_found", "There is no user " + name + ".",
                "Create it with ./warden user create " + name + " or POST /v1/admin/users.");
    }

    private static User read(ResultSet rs) throws SQLException {
        var disabled = rs.getString("disabled_at");
        return new User(rs.getString("name"), rs.getInt("system_admin") == 1, rs.getString("password_hash") != null,
                Instant.parse(rs.getString("created_at")), disabled == null ? null : Instant.parse(disabled));
    }
}
