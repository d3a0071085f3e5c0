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
 * so a slow password hash would add latency and no strength). Lookups are cached for a couple of
 * seconds: a revocation through the CLI on the same database takes effect within that window.
 */
public final class TokenService {
    public static final String PREFIX = "wdn_";
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
    private final Cache<String, Optional<TokenInfo>> byHash;
    private final ConcurrentHashMap<String, Instant> lastUsedWritten = new ConcurrentHashMap<>();

    public TokenService(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
        this.byHash = Caffeine.newBuilder().expireAfterWrite(CACHE_TTL).maximumSize(10_000).build();
    }

    public Created create(String name, String user, String project, Role role, Duration ttl, List<String> actions) {
        var secret = PREFIX + randomString(40);
        var id = "tok_" + randomString(12);
        var now = clock.instant();
        var expires = ttl == null ? null : now.plus(ttl);
        try (var c = db.connection(); var ps = c.prepareStatement("""
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
            if (lookup(hash(fixedSecret)).isEmpty()) {
                try (var c = db.connection(); var ps = c.prepareStatement("""
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
        return Optional.of(create("admin (first start)", "admin", "default", Role.ADMIN, null, List.of()).secret());
    }

    /** The principal a bearer secret stands for, if it is a known, unexpired, unrevoked token. */
    public Optional<Principal> authenticate(String secret) {
        if (secret == null || secret.isBlank()) return Optional.empty();
        var info = byHash.get(hash(secret), this::lookup);
        var now = clock.instant();
        if (info.isEmpty() || !info.get().activeAt(now)) return Optional.empty();
        var t = info.get();
        touch(t.id(), now);
        return Optional.of(new Principal(t.id(), t.user(), t.role(), t.project(), Principal.Kind.TOKEN, t.actions()));
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
        try (var c = db.connection(); var ps = c.prepareStatement(
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

    private Optional<TokenInfo> lookup(String tokenHash) {
        try (var c = db.connection(); var ps = c.prepareStatement("SELECT * FROM api_tokens WHERE token_hash = ?")) {
            ps.setString(1, tokenHash);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read tokens: " + e.getMessage(), e);
        }
    }

    // Recording every use would put a write on every request; once a minute per token is enough to answer "is it still used".
    private void touch(String id, Instant now) {
        var previous = lastUsedWritten.get(id);
        if (previous != null && previous.plus(LAST_USED_RESOLUTION).isAfter(now)) return;
        lastUsedWritten.put(id, now);
        Thread.ofVirtual().start(() -> {
            try (var c = db.connection(); var ps = c.prepareStatement("UPDATE api_tokens SET last_used_at = ? WHERE id = ?")) {
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

    static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
