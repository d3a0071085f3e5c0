package dev.warden.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.cli.Main;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The identity commands on the data dir while a server runs on it: what they change, the server soon enforces. */
class IdentityCliTest {
    @TempDir
    Path temp;

    E2eFixture w;

    record Run(int exit, String out, String err) {
        String lastLine() {
            var lines = out.strip().split("\n");
            return lines[lines.length - 1];
        }
    }

    @BeforeEach
    void start() throws Exception {
        w = new E2eFixture(temp, 64 * 1024);
        Files.writeString(w.root.resolve("a.txt"), "alpha\n");
    }

    @AfterEach
    void stop() {
        w.close();
    }

    private Run cli(String... args) {
        return cliWithStdin(null, args);
    }

    private Run cliWithStdin(String stdin, String... args) {
        var all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--data-dir", w.dataDir.toString(), "--root", w.root.toString()));
        var out = new StringWriter();
        var err = new StringWriter();
        var cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        InputStream before = System.in;
        if (stdin != null) System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        try {
            return new Run(cli.execute(all.toArray(String[]::new)), out.toString(), err.toString());
        } finally {
            System.setIn(before);
        }
    }

    private static void within(Duration limit, IntSupplier status, int expected) throws InterruptedException {
        var deadline = System.nanoTime() + limit.toNanos();
        int last;
        do {
            last = status.getAsInt();
            if (last == expected) return;
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        assertThat(last).as("status within " + limit).isEqualTo(expected);
    }

    @Test
    void usersProjectsMembersAndTokensMadeAtTheTerminalWorkOnTheRunningServer() throws Exception {
        var user = cliWithStdin("s3cret pass\n", "user", "create", "carol", "--password-stdin");
        assertThat(user.exit()).as(user.err()).isZero();
        assertThat(w.warden.users().verifyPassword("carol", "s3cret pass")).as("the trailing newline is not part of it").isTrue();
        assertThat(cli("user", "create", "root2", "--admin").exit()).isZero();
        assertThat(w.warden.users().get("root2").systemAdmin()).isTrue();
        assertThat(cli("project", "create", "web").exit()).isZero();
        assertThat(cli("project", "add-member", "web", "carol", "--role", "operator").exit()).isZero();
        assertThat(cli("project", "members", "web").out()).contains("carol").contains("operator");

        var created = cli("token", "create", "--user", "carol", "--project", "web", "--role", "operator",
                "--expires", "24h", "--actions", "fs.*");
        assertThat(created.exit()).as(created.err()).isZero();
        var secret = created.lastLine();
        assertThat(secret).startsWith("wdn_").doesNotContain(" ");
        assertThat(w.post("/v1/actions/fs.write", secret, "{\"path\":\"b.txt\",\"content\":\"b\"}").status()).isEqualTo(200);

        // Locking the project at the terminal reaches the server once its 2 s cache expires; the
        // deadlines here are far beyond that only so that a loaded machine cannot miss them.
        assertThat(cli("project", "set-state", "web", "locked").exit()).isZero();
        within(Duration.ofSeconds(15), () -> w.post("/v1/actions/fs.write", secret, "{\"path\":\"c.txt\",\"content\":\"c\"}").status(), 403);
        w.post("/v1/actions/fs.write", secret, "{\"path\":\"c.txt\",\"content\":\"c\"}").assertProblem(403, "project_locked");
        assertThat(w.post("/v1/actions/fs.read", secret, "{\"path\":\"a.txt\"}").status()).isEqualTo(200);
        assertThat(cli("project", "list").out()).containsPattern("web\\s+locked");

        var list = cli("token", "list", "--project", "web");
        assertThat(list.out()).contains("carol").doesNotContain(secret).doesNotContain("olivia");
        var id = list.out().lines().filter(l -> l.contains("carol")).findFirst().orElseThrow().split("\\s+")[0];
        assertThat(cli("token", "revoke", id).exit()).isZero();
        within(Duration.ofSeconds(15), () -> w.post("/v1/actions/fs.read", secret, "{\"path\":\"a.txt\"}").status(), 401);

        // Each change is audited as the local admin, from the CLI.
        var records = w.get("/v1/audit?limit=1000", E2eFixture.ADMIN).body().path("records");
        assertThat(records.valueStream().filter(r -> r.path("origin").asString().equals("cli"))
                .map(r -> r.path("action").asString())).containsSubsequence("admin.user.create", "admin.project.create",
                "admin.member.put", "admin.token.create", "admin.project.state", "admin.token.revoke");
    }

    @Test
    void refusalsAtTheTerminalSayWhyAndExitNonZero() {
        cli("user", "create", "carol");
        var again = cli("user", "create", "carol");
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains("user_exists").contains("hint:");
        assertThat(cli("project", "add-member", "default", "ghost", "--role", "viewer").err()).contains("user_not_found");
        assertThat(cli("project", "add-member", "default", "carol", "--role", "emperor").exit()).isEqualTo(2);
        var notMember = cli("token", "create", "--user", "carol", "--role", "viewer");
        assertThat(notMember.exit()).isEqualTo(1);
        assertThat(notMember.err()).contains("not_a_member");
        cli("project", "add-member", "default", "carol", "--role", "viewer");
        var tooHigh = cli("token", "create", "--user", "carol", "--role", "operator");
        assertThat(tooHigh.exit()).isEqualTo(1);
        assertThat(tooHigh.err()).contains("role_exceeds_membership");
        assertThat(tooHigh.out()).doesNotContain("wdn_");
        assertThat(cli("project", "set-state", "default", "frozen").exit()).isEqualTo(2);
        assertThat(cliWithStdin("", "user", "create", "eve", "--password-stdin").exit()).as("an empty stdin is no password").isEqualTo(2);
        assertThat(cli("user", "disable", "carol").exit()).isZero();
        assertThat(cli("user", "list").out()).containsPattern("carol\\s+-\\s+no\\s+disabled");
    }
}
