package dev.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.json.Json;
import dev.warden.store.Database;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;

/** Drives the real command line in-process against a temporary data dir. */
class CliTest {
    @TempDir
    Path temp;

    Path data;
    Path root;

    record Run(int exit, String out, String err) {
        JsonNode json() {
            return Json.parse(out);
        }

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
        // The data-dir options belong to the (sub)command, so they go after it.
        all.addAll(List.of("--data-dir", data.toString(), "--root", root.toString()));
        var out = new StringWriter();
        var err = new StringWriter();
        var cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(all.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    Run wardenNoRoot(String... args) {
        var all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--data-dir", data.toString()));
        var out = new StringWriter();
        var err = new StringWriter();
        var cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return new Run(cli.execute(all.toArray(String[]::new)), out.toString(), err.toString());
    }

    @Test
    void runExecutesThroughTheEngineAndUndoRestores() throws Exception {
        var write = warden("run", "fs.write", "path=hello.txt", "content=hi there");
        assertThat(write.exit()).as(write.err()).isZero();
        assertThat(Files.readString(root.resolve("hello.txt"))).isEqualTo("hi there");
        var undoId = write.json().get("undoId").asString();

        var list = warden("run", "fs.list", "--json", "{\"path\":\".\"}", "depth:=1");
        assertThat(list.exit()).isZero();
        assertThat(list.out()).contains("hello.txt");

        var undo = warden("undo", undoId);
        assertThat(undo.exit()).as(undo.out() + undo.err()).isZero();
        assertThat(root.resolve("hello.txt")).doesNotExist();
    }

    @Test
    void runReportsRefusalsWithExitCodes() throws Exception {
        var outside = warden("run", "fs.read", "path=" + temp.resolve("nope.txt"));
        assertThat(outside.exit()).isEqualTo(3);
        assertThat(outside.json().get("code").asString()).isEqualTo("path_outside_roots");

        var invalid = warden("run", "fs.read", "pth=x");
        assertThat(invalid.exit()).isEqualTo(2);
        assertThat(invalid.json().get("errors").toString()).contains("$.pth");

        var unknown = warden("run", "fs.raed", "path=x");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.json().get("hint").asString()).contains("fs.read");

        var badPair = warden("run", "fs.read", "justaword");
        assertThat(badPair.exit()).isEqualTo(2);
        assertThat(badPair.err()).contains("key=value");
    }

    @Test
    void confirmationIsHeldWithoutATerminalAndRunsWithTheToken() throws Exception {
        Files.writeString(root.resolve("x.txt"), "x");
        var held = warden("run", "fs.delete", "path=x.txt");
        assertThat(held.exit()).isEqualTo(4);
        assertThat(root.resolve("x.txt")).exists();
        var token = held.json().get("confirmToken").asString();
        var done = warden("run", "fs.delete", "path=x.txt", "--confirm", token);
        assertThat(done.exit()).as(done.out()).isZero();
        assertThat(root.resolve("x.txt")).doesNotExist();
    }

    @Test
    void approvalsAreListedApprovedAndShownFromTheCommandLine() throws Exception {
        Files.writeString(data.resolve("policy.yaml"), """
                version: 1
                rules:
                  - name: mkdir-needs-approval
                    when: 'action == "fs.mkdir"'
                    effect: approve
                    reason: New directories need an admin's approval
                """);
        // A request from another person, made as a server would make it.
        String id;
        var config = new dev.warden.config.WardenConfig("127.0.0.1", 0, data, List.of(root), data.resolve("policy.yaml"), null,
                1_048_576, java.time.Duration.ofMinutes(5));
        try (var w = dev.warden.app.Warden.open(config, java.time.Clock.systemUTC())) {
            var olivia = new dev.warden.identity.Principal("tok_o", "olivia", dev.warden.identity.Role.OPERATOR, "default",
                    dev.warden.identity.Principal.Kind.TOKEN, List.of());
            dev.warden.identity.Members.enrol(w.database(), w.users(), w.projects(), olivia);
            var outcome = w.engine().submit(dev.warden.engine.Intent.execute("fs.mkdir", Json.parse("{\"path\":\"asked\"}"),
                    olivia, dev.warden.engine.Origin.REST));
            id = ((dev.warden.engine.Outcome.PendingApproval) outcome).approvalId();
        }

        var list = warden("approvals", "list");
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.json().valueStream().map(a -> a.path("id").asString())).containsExactly(id);
        assertThat(list.json().get(0).path("requester").asString()).isEqualTo("olivia");

        var approved = warden("approvals", "approve", id, "--comment", "ok");
        assertThat(approved.exit()).as(approved.err()).isZero();
        assertThat(approved.json().path("status").asString()).isEqualTo("executed");
        assertThat(root.resolve("asked")).isDirectory();
        assertThat(warden("approvals", "show", id).json().path("result").path("status").asString()).isEqualTo("done");
        assertThat(warden("approvals", "list").json()).isEmpty();

        // The local admin's own request: held (exit 5), and not theirs to approve.
        var mine = warden("run", "fs.mkdir", "path=mine");
        assertThat(mine.exit()).isEqualTo(5);
        var mineId = mine.json().path("approvalId").asString();
        assertThat(mine.json().path("hint").asString()).contains("approvals approve " + mineId);
        var self = warden("approvals", "approve", mineId);
        assertThat(self.exit()).isEqualTo(3);
        assertThat(Json.parse(self.err()).path("code").asString()).isEqualTo("self_approval");
        assertThat(root.resolve("mine")).doesNotExist();

        var unknown = warden("approvals", "deny", "apr_missing");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(Json.parse(unknown.err()).path("code").asString()).isEqualTo("approval_not_found");
    }

    @Test
    void doctorReportsReadinessAndTheSandboxCapabilities() {
        var text = warden("doctor");
        assertThat(text.exit()).as(text.err()).isZero();
        assertThat(text.out()).contains("ok   database").contains("ok   auditWriter").contains("Sandbox on this machine");
        var json = warden("doctor", "--json");
        assertThat(json.exit()).isZero();
        assertThat(json.json().path("readiness").path("status").asString()).isEqualTo("ready");
        assertThat(json.json().path("sandbox").isObject()).isTrue();
    }

    @Test
    void auditVerifyPassesOnAnIntactChainAndNamesTheEditedRecord() throws Exception {
        for (int i = 0; i < 5; i++) warden("run", "fs.stat", "path=.");
        var ok = wardenNoRoot("audit", "verify");
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("5");

        try (var db = Database.openSqlite(data); var c = db.connection(); var st = c.createStatement()) {
            st.executeUpdate("UPDATE audit_log SET action = 'fs.delete' WHERE seq = 3");
        }
        var broken = wardenNoRoot("audit", "verify");
        assertThat(broken.exit()).isEqualTo(1);
        assertThat(broken.err()).contains("record 3").contains("edited");

        var export = wardenNoRoot("audit", "export");
        assertThat(export.exit()).isZero();
        var lines = export.out().strip().split("\n");
        assertThat(lines).hasSize(5);
        assertThat(Json.parse(lines[0]).get("input").isObject()).isTrue();
    }

    @Test
    void tokenCreatePrintsTheSecretAloneOnTheLastLineAndRevokeWorks() {
        assertThat(warden("user", "create", "alice").exit()).isZero();
        assertThat(warden("project", "add-member", "default", "alice", "--role", "viewer").exit()).isZero();
        var created = warden("token", "create", "--user", "alice", "--role", "viewer", "--expires", "24h", "--actions", "fs.*");
        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(created.lastLine()).startsWith("wdn_").doesNotContain(" ");
        var list = warden("token", "list");
        assertThat(list.out()).contains("alice").contains("viewer").doesNotContain(created.lastLine());
        var id = list.out().lines().filter(l -> l.contains("alice")).findFirst().orElseThrow().split("\\s+")[0];
        assertThat(warden("token", "revoke", id).exit()).isZero();
        assertThat(warden("token", "list").out()).contains("revoked");
        assertThat(warden("token", "revoke", id).exit()).isEqualTo(1);
        assertThat(warden("token", "create", "--role", "emperor").exit()).isEqualTo(2);
        assertThat(warden("token", "create", "--expires", "soon").exit()).isEqualTo(2);
    }

    @Test
    void actionsListsTheCatalog() {
        var list = warden("actions");
        assertThat(list.out()).contains("fs.read").contains("shell.exec");
        var one = warden("actions", "fs.edit");
        assertThat(one.json().get("inputSchema").get("properties").has("oldText")).isTrue();
        assertThat(warden("actions", "fs.edti").exit()).isEqualTo(2);
    }

    @Test
    void policyValidateReportsEveryProblemWithItsLine() throws Exception {
        var good = Files.writeString(temp.resolve("good.yaml"), dev.warden.policy.Policy.defaultYaml());
        var ok = warden("policy", "validate", good.toString());
        assertThat(ok.exit()).as(ok.err()).isZero();

        var bad = Files.writeString(temp.resolve("bad.yaml"), String.join("\n",
                "version: 1",
                "roles:",
                "  operator: medium",
                "  wizard: high",
                "rules:",
                "  - name: broken",
                "    when: 'action.startsWith('",
                "    effect: deny",
                "  - name: odd",
                "    when: 'true'",
                "    effect: maybe",
                ""));
        var report = warden("policy", "validate", bad.toString());
        assertThat(report.exit()).isEqualTo(1);
        assertThat(report.err()).contains("bad.yaml:4:").contains("wizard");
        assertThat(report.err()).contains("bad.yaml:7:");
        assertThat(report.err()).contains("bad.yaml:11:").contains("maybe");
        assertThat(report.err()).contains("3 problems");
        assertThat(warden("policy", "validate", temp.resolve("missing.yaml").toString()).exit()).isEqualTo(2);
    }

    @Test
    void serveCreatesTheFirstAdminTokenOnceAndPrintsItsRoots() throws Exception {
        var first = warden("serve", "--port", "0", "--exit-when-ready");
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).contains("Created the first admin token").contains("Root:     " + root.toRealPath())
                .contains("Warden listening on http://127.0.0.1:");
        var secret = first.out().lines().map(String::strip).filter(l -> l.startsWith("wdn_")).findFirst().orElseThrow();
        assertThat(data.resolve("policy.yaml")).exists();

        var second = warden("serve", "--port", "0", "--exit-when-ready");
        assertThat(second.exit()).isZero();
        assertThat(second.out()).doesNotContain("Created the first admin token").doesNotContain(secret);
    }

    @Test
    void serveWarnsWhenARootHoldsTheDataDir() throws Exception {
        var quiet = warden("serve", "--port", "0", "--exit-when-ready");
        assertThat(quiet.err()).doesNotContain("Warning:");

        data = Files.createDirectories(root.resolve(".warden"));
        var warned = warden("serve", "--port", "0", "--exit-when-ready");
        assertThat(warned.exit()).as(warned.err()).isZero();
        assertThat(warned.err()).contains("Warning:  an allowed root contains " + data.toRealPath())
                .contains("path_protected");
        assertThat(warned.err()).contains("Warning:  an allowed root contains " + data.toRealPath().resolve("policy.yaml"));
    }

    @Test
    void everyCommandHasHelp() {
        for (var cmd : List.of("serve", "run", "actions", "audit", "undo", "user", "project", "token", "policy")) {
            var out = new StringWriter();
            var cli = Main.commandLine();
            cli.setOut(new PrintWriter(out, true));
            assertThat(cli.execute(cmd, "--help")).as(cmd).isZero();
            assertThat(out.toString()).as(cmd).contains("Usage");
        }
    }
}
