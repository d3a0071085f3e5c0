package dev.warden.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.store.Database;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A token's role is capped by its user's role in its project, now: at creation and at every authentication. */
class EffectiveRoleTest {
    @TempDir
    Path temp;

    Database db;
    UserService users;
    ProjectService projects;
    TokenService tokens;

    @BeforeEach
    void open() {
        db = Database.openSqlite(temp);
        users = new UserService(db, Clock.systemUTC());
        projects = new ProjectService(db, Clock.systemUTC());
        tokens = new TokenService(db, Clock.systemUTC());
    }

    @AfterEach
    void close() {
        db.close();
    }

    private static void assertRefused(Runnable call, String code) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(IdentityException.class, e -> {
            assertThat(e.code()).isEqualTo(code);
            assertThat(e.hint()).isNotBlank();
        });
    }

    @Test
    void theDefaultProjectExistsFromTheStart() {
        assertThat(projects.list()).extracting(ProjectService.Project::name).containsExactly("default");
        assertThat(projects.state("default")).isEqualTo(ProjectState.ACTIVE);
    }

    @Test
    void aTokenNeedsAnEnabledUserWhoIsAMemberWithAtLeastItsRole() {
        assertRefused(() -> tokens.create("t", "ghost", "default", Role.VIEWER, null, List.of()), "user_not_found");
        users.create("olivia", false, null);
        assertRefused(() -> tokens.create("t", "olivia", "nowhere", Role.VIEWER, null, List.of()), "project_not_found");
        assertRefused(() -> tokens.create("t", "olivia", "default", Role.VIEWER, null, List.of()), "not_a_member");
        projects.putMember("default", "olivia", Role.OPERATOR);
        assertRefused(() -> tokens.create("t", "olivia", "default", Role.ADMIN, null, List.of()), "role_exceeds_membership");
        assertRefused(() -> tokens.create("t", "olivia", "default", Role.VIEWER, null, List.of("fs.*; rm")), "invalid_action_pattern");
        assertThat(tokens.create("t", "olivia", "default", Role.OPERATOR, null, List.of("fs.*")).info().role()).isEqualTo(Role.OPERATOR);
        assertThat(tokens.create("t", "olivia", "default", Role.VIEWER, null, List.of()).info().role()).isEqualTo(Role.VIEWER);
        users.disable("olivia");
        assertRefused(() -> tokens.create("t", "olivia", "default", Role.VIEWER, null, List.of()), "user_disabled");
        assertThat(tokens.list()).hasSize(2);
    }

    @Test
    void aSystemAdminMayHoldAdminInAnyProjectWithoutBeingAMember() {
        users.create("root", true, null);
        projects.create("web");
        var token = tokens.create("t", "root", "web", Role.ADMIN, null, List.of()).secret();
        assertThat(tokens.authenticate(token)).get().satisfies(p -> {
            assertThat(p.role()).isEqualTo(Role.ADMIN);
            assertThat(p.project()).isEqualTo("web");
        });
    }

    @Test
    void demotingAUserDemotesTheirTokensAndPromotingThemDoesNotRaiseATokenAboveItsOwnRole() {
        users.create("ada", false, null);
        projects.putMember("default", "ada", Role.ADMIN);
        var admin = tokens.create("a", "ada", "default", Role.ADMIN, null, List.of()).secret();
        var operator = tokens.create("o", "ada", "default", Role.OPERATOR, null, List.of()).secret();
        assertThat(tokens.authenticate(admin).orElseThrow().role()).isEqualTo(Role.ADMIN);

        projects.putMember("default", "ada", Role.VIEWER);
        tokens.forgetCached();
        assertThat(tokens.authenticate(admin).orElseThrow().role()).isEqualTo(Role.VIEWER);
        assertThat(tokens.authenticate(operator).orElseThrow().role()).isEqualTo(Role.VIEWER);
        assertThat(tokens.list()).extracting(TokenService.TokenInfo::role).as("the tokens keep their own role")
                .containsExactly(Role.ADMIN, Role.OPERATOR);

        projects.putMember("default", "ada", Role.ADMIN);
        tokens.forgetCached();
        assertThat(tokens.authenticate(operator).orElseThrow().role()).isEqualTo(Role.OPERATOR);
    }

    @Test
    void removingAMemberOrDisablingAUserStopsTheirTokens() {
        users.create("max", false, null);
        users.create("mia", false, null);
        projects.putMember("default", "max", Role.OPERATOR);
        projects.putMember("default", "mia", Role.OPERATOR);
        var max = tokens.create("m", "max", "default", Role.OPERATOR, null, List.of()).secret();
        var mia = tokens.create("m", "mia", "default", Role.OPERATOR, null, List.of()).secret();

        assertThat(projects.removeMember("default", "max")).isTrue();
        users.disable("mia");
        tokens.forgetCached();
        assertThat(tokens.authenticate(max)).isEmpty();
        assertThat(tokens.authenticate(mia)).isEmpty();
    }

    @Test
    void aChangeByAnotherProcessReachesAuthenticationWithinTheCacheWindow() throws Exception {
        users.create("max", false, null);
        projects.putMember("default", "max", Role.OPERATOR);
        var token = tokens.create("m", "max", "default", Role.OPERATOR, null, List.of()).secret();
        assertThat(tokens.authenticate(token)).isPresent();
        // Another process (the CLI) on the same database: its own services, no shared cache.
        new ProjectService(db, Clock.systemUTC()).removeMember("default", "max");
        var deadline = System.nanoTime() + 3_000_000_000L;
        while (tokens.authenticate(token).isPresent() && System.nanoTime() < deadline) Thread.sleep(100);
        assertThat(tokens.authenticate(token)).isEmpty();
    }

    @Test
    void theFirstStartAdminActsForASystemAdminCalledAdmin() {
        var secret = tokens.ensureAdmin(null).orElseThrow();
        assertThat(users.get("admin").systemAdmin()).isTrue();
        assertThat(tokens.authenticate(secret).orElseThrow().role()).isEqualTo(Role.ADMIN);
        tokens.ensureAdmin("fixed-secret-for-ci");
        assertThat(tokens.authenticate("fixed-secret-for-ci").orElseThrow().name()).isEqualTo("admin");
    }

    @Test
    void tokensFromBeforeUsersExistedKeepWorkingAfterTheMigration() throws Exception {
        var old = temp.resolve("old");
        java.nio.file.Files.createDirectories(old);
        var url = "jdbc:sqlite:" + old.resolve("warden.db");
        Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration").target("6").load().migrate();
        try (var c = java.sql.DriverManager.getConnection(url); var st = c.createStatement()) {
            st.executeUpdate("""
                    INSERT INTO api_tokens (id, token_hash, name, user_name, project, role, actions, created_at) VALUES
                      ('tok_a', '%s', 'admin', 'admin', 'default', 'admin', '', '2026-01-01T00:00:00Z'),
                      ('tok_o', '%s', 'op', 'olivia', 'web', 'operator', '', '2026-01-01T00:00:00Z'),
                      ('tok_v', '%s', 'v', 'olivia', 'web', 'viewer', '', '2026-01-01T00:00:00Z')"""
                    .formatted(TokenService.hash("old-admin"), TokenService.hash("old-op"), TokenService.hash("old-viewer")));
        }
        try (var migrated = Database.openSqlite(old)) {
            var t = new TokenService(migrated, Clock.systemUTC());
            assertThat(t.authenticate("old-admin").orElseThrow().role()).isEqualTo(Role.ADMIN);
            assertThat(t.authenticate("old-op").orElseThrow().role()).isEqualTo(Role.OPERATOR);
            assertThat(t.authenticate("old-viewer").orElseThrow().role()).isEqualTo(Role.VIEWER);
            assertThat(new UserService(migrated, Clock.systemUTC()).get("admin").systemAdmin()).isTrue();
            assertThat(new UserService(migrated, Clock.systemUTC()).get("olivia").systemAdmin()).isFalse();
            var p = new ProjectService(migrated, Clock.systemUTC());
            assertThat(p.list()).extracting(ProjectService.Project::name).containsExactly("default", "web");
            assertThat(p.member("web", "olivia").orElseThrow().role()).isEqualTo(Role.OPERATOR);
        }
    }
}
