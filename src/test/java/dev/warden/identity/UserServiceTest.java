package dev.warden.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.store.Database;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserServiceTest {
    @TempDir
    Path temp;

    Database db;
    UserService users;

    @BeforeEach
    void open() {
        db = Database.openSqlite(temp);
        users = new UserService(db, Clock.systemUTC());
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void passwordsAreStoredAsArgon2idAndVerified() {
        var ada = users.create("ada", false, "correct horse battery staple");
        assertThat(ada.hasPassword()).isTrue();
        var stored = users.passwordHash("ada").orElseThrow();
        assertThat(stored).startsWith("$argon2id$").doesNotContain("correct horse");

        assertThat(users.verifyPassword("ada", "correct horse battery staple")).isTrue();
        assertThat(users.verifyPassword("ada", "correct horse battery stapl")).isFalse();
        assertThat(users.verifyPassword("ada", null)).isFalse();
        assertThat(users.verifyPassword("nobody", "correct horse battery staple")).isFalse();
    }

    @Test
    void twoUsersWithOnePasswordGetDifferentHashes() {
        users.create("ada", false, "same");
        users.create("bob", false, "same");
        assertThat(users.passwordHash("ada")).isNotEqualTo(users.passwordHash("bob"));
    }

    @Test
    void aUserWithoutAPasswordCannotLogInWithAny() {
        var bob = users.create("bob", true, null);
        assertThat(bob.hasPassword()).isFalse();
        assertThat(bob.systemAdmin()).isTrue();
        assertThat(users.passwordHash("bob")).isEmpty();
        assertThat(users.verifyPassword("bob", "")).isFalse();
        assertThat(users.verifyPassword("bob", "anything")).isFalse();
    }

    @Test
    void aDisabledUserCannotLogInAndStaysListed() {
        users.create("eve", false, "pw");
        assertThat(users.disable("eve")).isTrue();
        assertThat(users.disable("eve")).as("already disabled").isFalse();
        assertThat(users.verifyPassword("eve", "pw")).isFalse();
        assertThat(users.list()).singleElement().satisfies(u -> {
            assertThat(u.name()).isEqualTo("eve");
            assertThat(u.enabled()).isFalse();
        });
    }

    @Test
    void namesAreUniqueAndPlain() {
        users.create("ada", false, null);
        assertThatThrownBy(() -> users.create("ada", true, null))
                .isInstanceOfSatisfying(IdentityException.class, e -> assertThat(e.code()).isEqualTo("user_exists"));
        for (var bad : new String[] {"", "a b", "../x", "local:root", "-x", "x".repeat(65)}) {
            assertThatThrownBy(() -> users.create(bad, false, null)).as(bad)
                    .isInstanceOfSatisfying(IdentityException.class, e -> assertThat(e.code()).isEqualTo("invalid_name"));
        }
        assertThatThrownBy(() -> users.create("empty", false, ""))
                .isInstanceOfSatisfying(IdentityException.class, e -> assertThat(e.code()).isEqualTo("invalid_password"));
        assertThatThrownBy(() -> users.disable("ghost"))
                .isInstanceOfSatisfying(IdentityException.class, e -> assertThat(e.code()).isEqualTo("user_not_found"));
    }
}
