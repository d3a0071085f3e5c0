package dev.warden.identity;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.warden.store.Database;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * API tokens: random secrets shown once, stored only as SHA-256 (they carry 190+ bits of entropy,
 * so a slow password hash would add latency and no strength). A token belongs to a user and a
 * project; its role may not exceed the user's role there (system admins may hold admin anywhere).
 *
 * <p>The role a token acts with is decided at every authentication: the lower of the token's role
 * and its user's current role in the project, so demoting a user demotes their tokens, and removing
 * them from the project or disabling them makes the tokens stop working. Lookups are cached for a
 * couple of seconds: a change through the CLI on the same database takes effect within that window.
 */
public final class TokenService {
    public static final String PREFIX = "wdn_";
    /** The user the first-start admin token belongs to. */
    public static final String BOOTSTRAP_ADMIN = "admin";
    private static final Duration CACHE_TTL = Duration.ofSeconds(2);
    private static final Duration LAST_USED_RESOLUTION = Duration.ofMinutes(1);
    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    /** A token as listed: never its secret. */
    public record TokenInfo(String id, String name, String user, String project, Role role, List<String> actions,
                            Instant createdAt, Instant expiresAt, Instant revokedAt, Instant lastUsedAt) {
        public boolean activeAt(Instant now) {
            return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
        }
    }

    /** A token just created: the only time the secret exists outside the caller. */
    public record Created(TokenInfo info, String secret) {}

    private final Database db;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    /** A token with what its user may do in its project now; {@code ceiling} null: nothing (disabled, not a member). */
    private record Resolved(TokenInfo info, Role ceiling) {}

    private final Cache<String, Optional<Resolved>> byHash;
    private final ConcurrentHashMap<String, Instant> lastUsedWritten = new ConcurrentHashMap<>();

    public TokenService(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
        this.byHash = Caffeine.newBuilder().expireAfterWrite(CACHE_TTL).maximumSize(10_000).build();
    }

    /**
     * Creates a token for {@code user} in {@code project}. Refused unless the user exists, is enabled
     * and holds at least {@code role} in the project (a system admin holds admin in every project).
     */
    public Created create(String name, String user, String project, Role role, Duration ttl, List<String> actions) {
        actions.forEach(TokenService::checkPattern);
        if (ttl != null && (ttl.isNegative() || ttl.isZero())) {
            throw new IdentityException(IdentityException.Kind.BAD_INPUT, "invalid_expiry", "A token's lifetime must be positive.",
                    "Give a lifetime such as 30m, 24h or 7d, or none for a token that does not expire.");
        }
        var ceiling = ceiling(user, project);
        if (role.ordinal() > ceiling.ordinal()) {
            throw new IdentityException(IdentityException.Kind.REFUSED, "role_exceeds_membership",
                    user + " is " + article(ceiling) + " in project " + project + ", so their token cannot be " + article(role) + ".",
                    "Create the token with --role " + ceiling.id() + " or lower, or give " + user + " a higher role in "
                            + project + " first (project add-member).");
        }
        return insert(name, user, project, role, ttl, actions);
    }

    private Created insert(String name, String user, String project, Role role, Duration ttl, List<String> actions) {
        var secret = PREFIX + randomString(40);
        var id = "tok_" + randomString(12);
        var now = clock.instant();
        var expires = ttl == null ? null : now.plus(ttl);
        try (var c = db.writeConnection(); var ps = c.prepareStatement("""
                INSERT INTO api_tokens (id, token_hash, name, user_name, project, role, actions, created_at, expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            ps.setString(1, id);
            ps.setString(2, hash(secret));
            ps.setString(3, name);
            ps.setString(4, user);
            ps.setString(5, project);
            ps.setString(6, role.id());
            ps.setString(7, String.join(",", actions));
            ps.setString(8, now.toString());
            ps.setString(9, expires == null ? null : expires.toString());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store token: " + e.getMessage(), e);
        }
        return new Created(new TokenInfo(id, name, user, project, role, List.copyOf(actions), now, expires, null, null), secret);
    }

    /**
     * Makes sure there is an admin token. With {@code fixedSecret} (from {@code WARDEN_ADMIN_TOKEN}),
     * that value becomes a valid admin token. Otherwise, when no active admin token exists, one is
     * created and its secret returned so the caller can print it once.
     */
    public Optional<String> ensureAdmin(String fixedSecret) {
        if (fixedSecret != null) {
            if (lookup("token_hash", hash(fixedSecret)).isEmpty()) {
                ensureBootstrapAdmin();
                try (var c = db.writeConnection(); var ps = c.prepareStatement("""
                        INSERT INTO api_tokens (id, token_hash, name, user_name, project, role, actions, created_at)
                        VALUES (?, ?, 'admin (from WARDEN_ADMIN_TOKEN)', 'admin', 'default', 'admin', '', ?)""")) {
                    ps.setString(1, "tok_" + randomString(12));
                    ps.setString(2, hash(fixedSecret));
                    ps.setString(3, clock.instant().toString());
                    ps.executeUpdate();
                } catch (SQLException e) {
                    throw new IllegalStateException("cannot store admin token: " + e.getMessage(), e);
                }
            }
            return Optional.empty();
        }
        var now = clock.instant();
        boolean hasAdmin = list().stream().anyMatch(t -> t.role() == Role.ADMIN && t.activeAt(now));
        if (hasAdmin) return Optional.empty();
        ensureBootstrapAdmin();
        return Optional.of(insert("admin (first start)", BOOTSTRAP_ADMIN, ProjectService.DEFAULT, Role.ADMIN, null, List.of()).secret());
    }

    /**
     * The user the first-start (or {@code WARDEN_ADMIN_TOKEN}) token acts for is a system admin, so
     * that token can create the other users and projects. A disabled {@code admin} stays disabled.
     */
    private void ensureBootstrapAdmin() {
        try (var c = db.writeConnection(); var ps = c.prepareStatement("""
                INSERT INTO users (name, system_admin, created_at) VALUES (?, 1, ?)
                ON CONFLICT (name) DO UPDATE SET system_admin = 1""")) {
            ps.setString(1, BOOTSTRAP_ADMIN);
            ps.setString(2, clock.instant().toString());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store the admin user: " + e.getMessage(), e);
        }
    }

    /** The principal a bearer secret stands for, if it is a known, unexpired, unrevoked token. */
    public Optional<Principal> authenticate(String secret) {
        if (secret == null || secret.isBlank()) return Optional.empty();
        var found = byHash.get(hash(secret), h -> lookup("token_hash", h));
        var now = clock.instant();
        if (found.isEmpty() || !found.get().info().activeAt(now) || found.get().ceiling() == null) return Optional.empty();
        var t = found.get().info();
        var effective = t.role().ordinal() <= found.get().ceiling().ordinal() ? t.role() : found.get().ceiling();
        touch(t.id(), now);
        return Optional.of(new Principal(t.id(), t.user(), effective, t.project(), Principal.Kind.TOKEN, t.actions()));
    }

    /**
     * {@code p} as it stands now, read from the database (never the cache): a token's principal with
     * the role its token and membership give today. Refuses, with a code naming why, a token that was
     * revoked, expired or deleted, and a user who was disabled or removed from the project. The local
     * admin and Warden itself stand as they are. Used when an approved request runs, perhaps hours
     * after it was made.
     */
    public Principal current(Principal p) {
        return switch (p.kind()) {
            case LOCAL, SYSTEM -> p;
            case USER -> new Principal(p.id(), p.name(), lower(p.role(), ceiling(p.name(), p.project())), p.project(), p.kind(),
                    p.actionPatterns());
            case TOKEN -> currentToken(p);
        };
    }

    private Principal currentToken(Principal p) {
        var found = lookup("id", p.id());
        if (found.isEmpty()) {
            throw new IdentityException(IdentityException.Kind.REFUSED, "requester_token_unknown",
                    "The token " + p.id() + " that made the request no longer exists.", "The requester must send the request again.");
        }
        var t = found.get().info();
        if (t.revokedAt() != null) {
            throw new IdentityException(IdentityException.Kind.REFUSED, "requester_token_revoked",
                    "The token " + t.id() + " that made the request was revoked at " + t.revokedAt() + ".",
                    "The requester must send the request again with a valid token.");
        }
        if (!t.activeAt(clock.instant())) {
            throw new IdentityException(IdentityException.Kind.REFUSED, "requester_token_expired",
                    "The token " + t.id() + " that made the request expired at " + t.expiresAt() + ".",
                    "The requester must send the request again with a valid token.");
        }
        if (found.get().ceiling() == null) {
            throw new IdentityException(IdentityException.Kind.REFUSED, "requester_not_member",
                    t.user() + ", who made the request, is no longer an enabled member of project " + t.project() + ".",
                    "Add them to the project again (./warden project add-member) and have them send the request again.");
        }
        return new Principal(t.id(), t.user(), lower(t.role(), found.get().ceiling()), t.project(), Principal.Kind.TOKEN, t.actions());
    }

    private static Role lower(Role a, Role b) {
        return a.ordinal() <= b.ordinal() ? a : b;
    }

    /** Drops cached lookups, so a change to users or memberships made in this process counts at once. */
    public void forgetCached() {
        byHash.invalidateAll();
    }

    public Optional<TokenInfo> find(String id) {
        try (var c = db.connection(); var ps = c.prepareStatement("SELECT * FROM api_tokens WHERE id = ?")) {
            ps.setString(1, id);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read tokens: " + e.getMessage(), e);
        }
    }

    public List<TokenInfo> list() {
        try (var c = db.connection(); var ps = c.prepareStatement("SELECT * FROM api_tokens ORDER BY created_at, id");
             var rs = ps.executeQuery()) {
            var out = new ArrayList<TokenInfo>();
            while (rs.next()) out.add(read(rs));
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot list tokens: " + e.getMessage(), e);
        }
    }

    /** Revokes a token by id; false if there is no such active token. */
    public boolean revoke(String id) {
        try (var c = db.writeConnection(); var ps = c.prepareStatement(
                "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
            ps.setString(1, clock.instant().toString());
            ps.setString(2, id);
            boolean changed = ps.executeUpdate() == 1;
            byHash.invalidateAll();
            return changed;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot revoke token: " + e.getMessage(), e);
        }
    }

    /** {@code column} is {@code token_hash} or {@code id}, never caller input. */
    private Optional<Resolved> lookup(String column, String value) {
        try (var c = db.connection(); var ps = c.prepareStatement("""
                SELECT t.*, u.system_admin, u.disabled_at, m.role AS member_role, p.name AS known_project
                FROM api_tokens t
                LEFT JOIN users u ON u.name = t.user_name
                LEFT JOIN memberships m ON m.user_name = t.user_name AND m.project = t.project
                LEFT JOIN projects p ON p.name = t.project
                WHERE t.""" + column + " = ?")) {
            ps.setString(1, value);
            try (var rs = ps.executeQuery()) {
                if (!rs.next()) return Optional.empty();
                var info = read(rs);
                return Optional.of(new Resolved(info, ceilingOf(rs.getObject("system_admin") != null, rs.getInt("system_admin") == 1,
                        rs.getString("disabled_at") != null, rs.getString("known_project") != null, rs.getString("member_role"))));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read tokens: " + e.getMessage(), e);
        }
    }

    /** The highest role {@code user} may hold in {@code project} now; refuses when they may hold none. */
    Role ceiling(String user, String project) {
        try (var c = db.connection(); var ps = c.prepareStatement("""
                SELECT u.system_admin, u.disabled_at, m.role AS member_role, (SELECT 1 FROM projects WHERE name = ?) AS known_project
                FROM users u LEFT JOIN memberships m ON m.user_name = u.name AND m.project = ?
                WHERE u.name = ?""")) {
            ps.setString(1, project);
            ps.setString(2, project);
            ps.setString(3, user);
            try (var rs = ps.executeQuery()) {
                if (!rs.next()) throw UserService.notFound(user);
                if (rs.getString("known_project") == null) throw ProjectService.notFound(project);
                if (rs.getString("disabled_at") != null) {
                    throw new IdentityException(IdentityException.Kind.REFUSED, "user_disabled", user + " is disabled.",
                            "A disabled user holds no tokens; create a new user if they need access again.");
                }
                var ceiling = ceilingOf(true, rs.getInt("system_admin") == 1, false, true, rs.getString("member_role"));
                if (ceiling == null) {
                    throw new IdentityException(IdentityException.Kind.REFUSED, "not_a_member", user + " is not a member of project " + project + ".",
                            "Add them first: ./warden project add-member " + project + " " + user + " --role ROLE.");
                }
                return ceiling;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read users: " + e.getMessage(), e);
        }
    }

    private static Role ceilingOf(boolean userExists, boolean systemAdmin, boolean disabled, boolean projectExists, String memberRole) {
        if (!userExists || disabled || !projectExists) return null;
        if (systemAdmin) return Role.ADMIN;
        return memberRole == null ? null : Role.parse(memberRole);
    }

    private static String article(Role role) {
        return (role == Role.VIEWER ? "a " : "an ") + role.id();
    }

    private static void checkPattern(String pattern) {
        if (!pattern.matches("\\*|[a-z][a-z0-9_]*(\\.[a-z0-9_]+)*(\\.?\\*)?")) {
            throw new IdentityException(IdentityException.Kind.BAD_INPUT, "invalid_action_pattern",
                    "'" + pattern + "' is not an action pattern.",
                    "Use action ids or globs ending in *, such as fs.read, fs.* or *.");
        }
    }

    // Recording every use would put a write on every request; once a minute per token is enough to answer "is it still used".
    private void touch(String id, Instant now) {
        var previous = lastUsedWritten.get(id);
        if (previous != null && previous.plus(LAST_USED_RESOLUTION).isAfter(now)) return;
        lastUsedWritten.put(id, now);
        Thread.ofVirtual().start(() -> {
            try (var c = db.writeConnection(); var ps = c.prepareStatement("UPDATE api_tokens SET last_used_at = ? WHERE id = ?")) {
                ps.setString(1, now.toString());
                ps.setString(2, id);
                ps.executeUpdate();
            } catch (SQLException ignored) {
                // Best effort: a busy database must not fail the request that used the token.
            }
        });
    }

    private static TokenInfo read(ResultSet rs) throws SQLException {
        var actions = rs.getString("actions");
        return new TokenInfo(rs.getString("id"), rs.getString("name"), rs.getString("user_name"), rs.getString("project"),
                Role.parse(rs.getString("role")),
                actions == null || actions.isBlank() ? List.of() : Arrays.asList(actions.split(",")),
                instant(rs.getString("created_at")), instant(rs.getString("expires_at")),
                instant(rs.getString("revoked_at")), instant(rs.getString("last_used_at")));
    }

    private static Instant instant(String text) {
        return text == null ? null : Instant.parse(text);
    }

    private String randomString(int length) {
        var chars = new char[length];
        for (int i = 0; i < length; i++) chars[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        return new String(chars);
    }

    /** A token's lifetime as people write it: 30s, 30m, 24h, 7d. */
    public static Duration parseLifetime(String text) {
        var t = text.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            if (t.length() < 2) throw new NumberFormatException();
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            if (n <= 0) throw new IllegalArgumentException("a token's lifetime must be positive, was " + text);
            return switch (t.charAt(t.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> throw new NumberFormatException();
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a token's lifetime looks like 30m, 24h or 7d, was '" + text + "'");
        }
    }

    static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
