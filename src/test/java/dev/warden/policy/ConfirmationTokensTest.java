package dev.warden.policy;

import static dev.warden.policy.Requests.principal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.action.ActionException;
import dev.warden.action.ErrorKind;
import dev.warden.identity.Principal;
import dev.warden.identity.Role;
import dev.warden.json.Json;
import dev.warden.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

class ConfirmationTokensTest {
    private static final Instant T0 = Instant.parse("2026-11-05T10:00:00Z");
    private static final Duration TTL = Duration.ofMinutes(5);
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes();

    @TempDir Path dir;
    private Database db;
    private final Principal ann = principal(Role.OPERATOR);
    private final JsonNode input = Json.parse("{\"path\": \"/srv/a\", \"content\": \"x\", \"n\": 1}");

    @BeforeEach
    void open() {
        db = Database.openSqlite(dir);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private ConfirmationTokens tokensAt(Instant now) {
        return tokens(db, now);
    }

    private static ConfirmationTokens tokens(Database db, Instant now) {
        return new ConfirmationTokens(KEY, TTL, db, Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void a_token_confirms_the_intent_it_was_issued_for() {
        var tokens = tokensAt(T0);

        var issued = tokens.issue(ann, "fs.write", input);

        assertThat(issued.expiresAt()).isEqualTo(T0.plus(TTL));
        assertThat(issued.token()).matches("[A-Za-z0-9_-]{92}");
        assertThatCode(() -> tokensAt(T0.plusSeconds(299)).redeem(issued.token(), ann, "fs.write", input)).doesNotThrowAnyException();
    }

    @Test
    void the_same_input_with_keys_in_another_order_matches() {
        var issued = tokensAt(T0).issue(ann, "fs.write", input);

        var reordered = Json.parse("{\"n\": 1, \"content\": \"x\", \"path\": \"/srv/a\"}");

        assertThatCode(() -> tokensAt(T0).redeem(issued.token(), ann, "fs.write", reordered)).doesNotThrowAnyException();
    }

    @Test
    void two_tokens_for_the_same_intent_differ() {
        var tokens = tokensAt(T0);

        assertThat(tokens.issue(ann, "fs.write", input).token()).isNotEqualTo(tokens.issue(ann, "fs.write", input).token());
    }

    @Test
    void a_tampered_token_is_invalid() {
        var token = tokensAt(T0).issue(ann, "fs.write", input).token();
        var bytes = Base64.getUrlDecoder().decode(token);
        var later = bytes.clone();
        later[24] ^= 0x01; // the last byte of the expiry: an attempt to extend it
        var badMac = bytes.clone();
        badMac[bytes.length - 1] ^= (byte) 0x80;

        for (var tampered : List.of(later, badMac)) {
            var text = Base64.getUrlEncoder().withoutPadding().encodeToString(tampered);
            assertRefused(() -> tokensAt(T0).redeem(text, ann, "fs.write", input), "confirmation_invalid", "altered");
        }
    }

    @Test
    void malformed_tokens_and_tokens_of_another_key_are_invalid() {
        var tokens = tokensAt(T0);
        var token = tokens.issue(ann, "fs.write", input).token();

        for (var bad : new String[] {"", "not a token!", "abc", token.substring(0, 60), token + "AAAA"}) {
            assertRefused(() -> tokens.redeem(bad, ann, "fs.write", input), "confirmation_invalid", "malformed");
        }
        assertRefused(() -> tokens.redeem(null, ann, "fs.write", input), "confirmation_invalid", "malformed");
        var otherKey = new ConfirmationTokens("fedcba9876543210fedcba9876543210".getBytes(), TTL, db, Clock.fixed(T0, ZoneOffset.UTC));
        assertRefused(() -> otherKey.redeem(token, ann, "fs.write", input), "confirmation_invalid", "another server");
    }

    @Test
    void an_expired_token_is_refused() {
        var issued = tokensAt(T0).issue(ann, "fs.write", input);

        assertRefused(() -> tokensAt(T0.plus(TTL)).redeem(issued.token(), ann, "fs.write", input),
                "confirmation_expired", "expired at 2026-11-05T10:05:00Z");
        assertRefused(() -> tokensAt(T0.plus(Duration.ofDays(1))).redeem(issued.token(), ann, "fs.write", input),
                "confirmation_expired", "expired");
    }

    @Test
    void a_token_does_not_confirm_a_changed_input() {
        var issued = tokensAt(T0).issue(ann, "fs.write", input);
        var changed = Json.parse("{\"path\": \"/srv/a\", \"content\": \"rm -rf /\", \"n\": 1}");

        assertRefused(() -> tokensAt(T0).redeem(issued.token(), ann, "fs.write", changed), "confirmation_mismatch", "input differs");
        assertRefused(() -> tokensAt(T0).redeem(issued.token(), ann, "fs.write", Json.parse("{\"path\": \"/srv/a\", \"content\": \"x\", \"n\": 1.0}")),
                "confirmation_mismatch", "input differs");
    }

    @Test
    void a_token_does_not_confirm_for_another_principal_or_action() {
        var issued = tokensAt(T0).issue(ann, "fs.write", input);
        var bob = new Principal("user:bob", "bob", Role.OPERATOR, "default", Principal.Kind.USER, List.of());

        assertRefused(() -> tokensAt(T0).redeem(issued.token(), bob, "fs.write", input), "confirmation_mismatch", "another principal");
        assertRefused(() -> tokensAt(T0).redeem(issued.token(), ann, "fs.delete", input), "confirmation_mismatch", "another action, not fs.delete");
        assertThatCode(() -> tokensAt(T0).redeem(issued.token(), ann, "fs.write", input))
                .as("failed attempts do not use the token up").doesNotThrowAnyException();
    }

    @Test
    void a_token_confirms_once() {
        var tokens = tokensAt(T0);
        var issued = tokens.issue(ann, "fs.write", input);
        tokens.redeem(issued.token(), ann, "fs.write", input);

        assertRefused(() -> tokens.redeem(issued.token(), ann, "fs.write", input), "confirmation_used", "already used");
    }

    @Test
    void a_token_confirms_once_across_processes_sharing_the_database() {
        try (var otherProcess = Database.openSqlite(dir)) {
            var first = tokensAt(T0);
            var second = tokens(otherProcess, T0);
            var issued = first.issue(ann, "fs.write", input);

            second.redeem(issued.token(), ann, "fs.write", input);

            assertRefused(() -> first.redeem(issued.token(), ann, "fs.write", input), "confirmation_used", "already used");
        }
    }

    @Test
    void concurrent_redemptions_in_two_processes_let_exactly_one_through() throws Exception {
        try (var otherProcess = Database.openSqlite(dir); var pool = Executors.newFixedThreadPool(8)) {
            var instances = List.of(tokensAt(T0), tokens(otherProcess, T0));
            var issued = instances.get(0).issue(ann, "fs.write", input);
            var start = new CountDownLatch(1);
            var attempts = new ArrayList<Callable<String>>();
            for (int i = 0; i < 8; i++) {
                var tokens = instances.get(i % 2);
                attempts.add(() -> {
                    start.await();
                    try {
                        tokens.redeem(issued.token(), ann, "fs.write", input);
                        return "ok";
                    } catch (ActionException e) {
                        return e.code();
                    }
                });
            }
            var futures = attempts.stream().map(pool::submit).toList();
            start.countDown();
            var results = new ArrayList<String>();
            for (var future : futures) results.add(future.get());

            assertThat(results).containsOnlyOnce("ok");
            assertThat(results).filteredOn(r -> !r.equals("ok")).containsOnly("confirmation_used").hasSize(7);
        }
    }

    @Test
    void used_ids_of_expired_tokens_can_be_forgotten() {
        var issued = tokensAt(T0).issue(ann, "fs.write", input);
        tokensAt(T0).redeem(issued.token(), ann, "fs.write", input);

        assertThat(tokensAt(T0.plus(TTL)).forgetExpired()).isZero();
        assertThat(tokensAt(T0.plus(TTL).plusSeconds(2)).forgetExpired()).isEqualTo(1);
        assertRefused(() -> tokensAt(T0.plus(TTL).plusSeconds(2)).redeem(issued.token(), ann, "fs.write", input),
                "confirmation_expired", "expired");
    }

    @Test
    void the_key_file_is_created_once_with_owner_only_permissions() throws Exception {
        var file = dir.resolve("keys/confirm.key");

        var key = ConfirmationTokens.loadOrCreateKey(file);

        assertThat(key).hasSize(32);
        assertThat(Files.readAllBytes(file)).isEqualTo(key);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(ConfirmationTokens.loadOrCreateKey(file)).isEqualTo(key);
        try (var files = Files.list(file.getParent())) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void a_short_key_file_is_refused() throws Exception {
        var file = dir.resolve("short.key");
        Files.write(file, new byte[] {1, 2, 3});

        assertThatThrownBy(() -> ConfirmationTokens.loadOrCreateKey(file)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("has 3 bytes, expected 32");
        assertThatThrownBy(() -> new ConfirmationTokens(new byte[16], TTL, db, Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertRefused(ThrowingCallable call, String code, String messagePart) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ActionException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.REFUSED);
            assertThat(e.code()).isEqualTo(code);
            assertThat(e.getMessage()).contains(messagePart);
            assertThat(e.hint()).contains("without confirm");
        });
    }
}
