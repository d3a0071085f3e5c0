package dev.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.app.Warden;
import dev.warden.audit.AuditQuery;
import dev.warden.config.WardenConfig;
import dev.warden.engine.Intent;
import dev.warden.engine.Origin;
import dev.warden.engine.Outcome;
import dev.warden.identity.Members;
import dev.warden.identity.Principal;
import dev.warden.identity.Role;
import dev.warden.json.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The governance commands an operator runs at the machine: deny with a comment, rotate the secrets key, manage webhooks. */
class GovernanceCliTest {
    @TempDir
    Path temp;

    Path data;
    Path root;

    record Run(int exit, String out, String err) {
        String lastLine() {
            var lines = out.strip().split("\n");
            return lines[lines.length - 1];
        }
    }

    @BeforeEach
    void dirs() throws Exception {
        data = Files.createDirectories(temp.resolve("data"));
        root = Files.createDirectories(temp.resolve("root"));
    }

    Run warden(String... args) {
        var all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--data-dir", data.toString(), "--root", root.toString()));
        var out = new StringWriter();
        var err = new StringWriter();
        var cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return new Run(cli.execute(all.toArray(String[]::new)), out.toString(), err.toString());
    }

    private Warden open() {
        return Warden.open(new WardenConfig("127.0.0.1", 0, data, List.of(root), data.resolve("policy.yaml"), null,
                1_048_576, Duration.ofMinutes(5)), Clock.systemUTC());
    }

    private String storedCiphertext(Warden w) throws SQLException {
        try (var c = w.database().connection(); var ps = c.prepareStatement("SELECT secret_ciphertext FROM webhooks WHERE project = 'default'");
             var rs = ps.executeQuery()) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    @Test
    void approvalsDenyRecordsTheCommentOnTheRequestAndInTheAuditTrail() throws Exception {
        Files.writeString(data.resolve("policy.yaml"), """
                version: 1
                rules:
                  - name: mkdir-needs-approval
                    when: 'action == "fs.mkdir"'
                    effect: approve
                    reason: New directories need an admin's approval
                """);
        String id;
        try (var w = open()) {
            var olivia = Members.enrol(w.database(), w.users(), w.projects(),
                    new Principal("tok_o", "olivia", Role.OPERATOR, "default", Principal.Kind.TOKEN, List.of()));
            id = ((Outcome.PendingApproval) w.engine().submit(Intent.execute("fs.mkdir", Json.parse("{\"path\":\"asked\"}"),
                    olivia, Origin.REST))).approvalId();
        }

        var denied = warden("approvals", "deny", id, "--comment", "not before the release");
        assertThat(denied.exit()).as(denied.err()).isZero();
        var answer = Json.parse(denied.out());
        assertThat(answer.path("status").asString()).isEqualTo("denied");
        assertThat(answer.path("votes").get(0).path("verdict").asString()).isEqualTo("deny");
        assertThat(answer.path("votes").get(0).path("comment").asString()).isEqualTo("not before the release");
        assertThat(root.resolve("asked")).doesNotExist();

        var shown = Json.parse(warden("approvals", "show", id).out());
        assertThat(shown.path("votes").get(0).path("comment").asString()).isEqualTo("not before the release");
        try (var w = open()) {
            var record = new AuditQuery(w.database()).latest(1).getFirst();
            assertThat(record.action()).isEqualTo("approval.deny");
            assertThat(record.origin()).isEqualTo("cli");
            assertThat(record.outcome()).isEqualTo("denied");
            assertThat(record.input().path("approvalId").asString()).isEqualTo(id);
            assertThat(record.input().path("comment").asString()).isEqualTo("not before the release");
        }
        // Denial is final: a later approval is refused.
        var late = warden("approvals", "approve", id);
        assertThat(late.exit()).isNotZero();
        assertThat(Json.parse(late.err()).path("code").asString()).isEqualTo("approval_not_pending");
    }

    @Test
    void webhookSetShowsTheSecretOnceShowAndRemoveWork() throws Exception {
        var set = warden("webhook", "set", "default", "http://127.0.0.1:9/hook");
        assertThat(set.exit()).as(set.err()).isZero();
        var secret = set.lastLine();
        assertThat(secret).startsWith("whsec_");
        assertThat(set.out()).contains("http://127.0.0.1:9/hook");

        var show = warden("webhook", "show", "default");
        assertThat(show.exit()).isZero();
        assertThat(show.out().strip()).isEqualTo("http://127.0.0.1:9/hook");
        assertThat(show.out()).doesNotContain(secret);
        try (var w = open()) {
            var sealed = storedCiphertext(w);
            assertThat(sealed).doesNotContain(secret);
            assertThat(w.secrets().open(sealed, "webhook:default")).isEqualTo(secret);
        }

        assertThat(warden("webhook", "set", "default", "ftp://example.org/x").exit()).isEqualTo(2);
        assertThat(warden("webhook", "show", "default").out().strip()).isEqualTo("http://127.0.0.1:9/hook");
        assertThat(warden("webhook", "show", "ops").exit()).isEqualTo(2);

        assertThat(warden("webhook", "remove", "default").exit()).isZero();
        var gone = warden("webhook", "show", "default");
        assertThat(gone.exit()).isEqualTo(2);
        assertThat(gone.err()).contains("has no webhook");
        assertThat(warden("webhook", "remove", "default").exit()).isEqualTo(2);
    }

    @Test
    void secretsRotateAddsAKeyAndReSealsStoredSecretsThatStillOpen() throws Exception {
        var secret = warden("webhook", "set", "default", "http://127.0.0.1:9/hook").lastLine();
        String before;
        try (var w = open()) {
            before = storedCiphertext(w);
            assertThat(w.secrets().keys()).isEqualTo(1);
        }

        var rotated = warden("secrets", "rotate");
        assertThat(rotated.exit()).as(rotated.err()).isZero();
        assertThat(rotated.out()).contains("now has 2 keys").contains("1 stored secret(s) re-encrypted");
        assertThat(Json.parse(Files.readString(data.resolve("secrets.keyset.json"))).path("key").size()).isEqualTo(2);

        try (var w = open()) {
            var after = storedCiphertext(w);
            assertThat(after).isNotEqualTo(before);
            assertThat(w.secrets().open(after, "webhook:default")).isEqualTo(secret);
            // The old ciphertext still opens: old keys stay for decryption.
            assertThat(w.secrets().open(before, "webhook:default")).isEqualTo(secret);
        }
        assertThat(warden("secrets", "rotate").out()).contains("now has 3 keys");
    }
}
