package dev.warden.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenServiceTest {
    @TempDir
    Path temp;

    Database db;

    @BeforeEach
    void open() {
        db = Database.openSqlite(temp);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void theFirstStartCreatesOneAdminTokenAndStoresOnlyItsHash() throws Exception {
        var tokens = new TokenService(db, Clock.systemUTC());
        var secret = tokens.ensureAdmin(null).orElseThrow();
        assertThat(secret).startsWith("wdn_").hasSizeGreaterThan(40);
        assertThat(tokens.ensureAdmin(null)).isEmpty();
        assertThat(tokens.authenticate(secret)).get().extracting(Principal::role).isEqualTo(Role.ADMIN);
        db.close();
        try (var files = Files.list(temp)) {
            for (var f : files.toList()) {
                assertThat(new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1))
                        .as("%s holds no secret", f).doesNotContain(secret);
            }
        }
        db = Database.openSqlite(temp);
    }

    @Test
    void aFixedAdminTokenFromTheEnvironmentBecomesValidOnce() {
        var tokens = new TokenService(db, Clock.systemUTC());
        assertThat(tokens.ensureAdmin("fixed-admin-secret-value")).isEmpty();
        assertThat(tokens.ensureAdmin("fixed-admin-secret-value")).isEmpty();
        assertThat(tokens.list()).hasSize(1);
        assertThat(tokens.authenticate("fixed-admin-secret-value")).isPresent();
        assertThat(tokens.authenticate("fixed-admin-secret-valuX")).isEmpty();
    }

    @Test
    void tokensCarryRoleProjectAndActionPatternsAndExpire() {
        var now = Instant.parse("2026-11-25T10:00:00Z");
        new ProjectService(db, Clock.systemUTC()).create("web");
        Members.add(new UserService(db, Clock.systemUTC()), new ProjectService(db, Clock.systemUTC()), "web", "alice", Role.OPERATOR);
        var early = new TokenService(db, Clock.fixed(now, ZoneOffset.UTC));
        var created = early.create("ci", "alice", "web", Role.OPERATOR, Duration.ofHours(1), List.of("fs.*"));
        var principal = early.authenticate(created.secret()).orElseThrow();
        assertThat(principal.name()).isEqualTo("alice");
        assertThat(principal.project()).isEqualTo("web");
        assertThat(principal.mayCall("fs.read")).isTrue();
        assertThat(principal.mayCall("shell.exec")).isFalse();

        var late = new TokenService(db, Clock.fixed(now.plus(Duration.ofHours(2)), ZoneOffset.UTC));
        assertThat(late.authenticate(created.secret())).isEmpty();
    }

    @Test
    void aRevokedTokenStopsWorking() {
        Members.add(new UserService(db, Clock.systemUTC()), new ProjectService(db, Clock.systemUTC()), "default", "bob", Role.VIEWER);
        var tokens = new TokenService(db, Clock.systemUTC());
        var created = tokens.create("t", "bob", "default", Role.VIEWER, null, List.of());
        assertThat(tokens.authenticate(created.secret())).isPresent();
        assertThat(tokens.revoke(created.info().id())).isTrue();
        assertThat(tokens.authenticate(created.secret())).isEmpty();
        assertThat(tokens.revoke(created.info().id())).isFalse();
        assertThat(tokens.list()).singleElement().satisfies(t -> assertThat(t.revokedAt()).isNotNull());
    }

    @Test
    void garbageIsNotAToken() {
        var tokens = new TokenService(db, Clock.systemUTC());
        assertThat(tokens.authenticate(null)).isEmpty();
        assertThat(tokens.authenticate("")).isEmpty();
        assertThat(tokens.authenticate("wdn_" + "x".repeat(40))).isEmpty();
    }
}
