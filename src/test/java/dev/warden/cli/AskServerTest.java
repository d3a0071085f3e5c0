package dev.warden.cli;

import static dev.warden.llm.LlmPeer.text;
import static dev.warden.llm.LlmPeer.toolCall;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.api.rest.RestServer;
import dev.warden.app.Warden;
import dev.warden.audit.AuditQuery;
import dev.warden.audit.AuditRecord;
import dev.warden.config.LlmConfig;
import dev.warden.config.MonitorConfig;
import dev.warden.config.WardenConfig;
import dev.warden.identity.Members;
import dev.warden.identity.Role;
import dev.warden.llm.LlmPeer;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code warden ask --server} and {@code warden chat --server} end to end: the command line, run
 * through its entry point with typed answers, against a real Warden REST server on a free port
 * whose model is a peer speaking OpenAI Chat Completions from a script. The client has no data dir
 * of its own: everything runs on the server, as the token's user (Olivia, an operator).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AskServerTest {
    @TempDir
    Path temp;
    Path root;
    LlmPeer peer;
    Warden warden;
    RestServer server;
    String token;

    @BeforeEach
    void start() throws Exception {
        root = Files.createDirectories(temp.resolve("root"));
        var data = Files.createDirectories(temp.resolve("data"));
        peer = new LlmPeer();
        var llm = new LlmConfig(List.of(new LlmConfig.Provider("peer", LlmConfig.Kind.OPENAI, URI.create(peer.baseUrl()), "m1",
                "k1", Duration.ofSeconds(10))));
        warden = Warden.open(new WardenConfig("127.0.0.1", 0, data, List.of(root), data.resolve("policy.yaml"), null,
                WardenConfig.DEFAULT_MAX_BODY_BYTES, WardenConfig.DEFAULT_CONFIRMATION_TTL, WardenConfig.DEFAULT_APPROVAL_TTL,
                MonitorConfig.defaults(), llm), Clock.systemUTC());
        Members.add(warden.users(), warden.projects(), "default", "olivia", Role.OPERATOR);
        token = warden.tokens().create("cli", "olivia", "default", Role.OPERATOR, null, List.of()).secret();
        server = new RestServer(warden.restDependencies(), "127.0.0.1", 0, WardenConfig.DEFAULT_MAX_BODY_BYTES).start();
    }

    @AfterEach
    void stop() {
        server.close();
        warden.close();
        peer.close();
    }

    String url() {
        return "http://127.0.0.1:" + server.port();
    }

    /** The whole command line, from a terminal on which {@code typed} is what the person types. */
    static AskCommandTest.Run warden(String typed, String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        var terminal = new Terminal(new BufferedReader(new StringReader(typed)), true, false);
        int exit = Main.execute(terminal, new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new AskCommandTest.Run(exit, out.toString(), err.toString());
    }

    AskCommandTest.Run onServer(String typed, String command, String... args) {
        var all = new ArrayList<>(List.of(command, "--server", url(), "--token", token));
        all.addAll(List.of(args));
        return warden(typed, all.toArray(String[]::new));
    }

    /** {@code ask} on the server with standard output and error on one screen, in the order the person sees them. */
    AskCommandTest.Run askOnOneScreen(String typed, String task) {
        var screen = new StringWriter();
        var terminal = new Terminal(new BufferedReader(new StringReader(typed)), true, false);
        int exit = Main.execute(terminal, new PrintWriter(screen, true), new PrintWriter(screen, true),
                "ask", "--server", url(), "--token", token, task);
        return new AskCommandTest.Run(exit, screen.toString(), screen.toString());
    }

    List<AuditRecord> agentRecords() {
        return new AuditQuery(warden.database()).latest(100).stream().filter(r -> r.origin().equals("agent")).toList();
    }

    @Test
    void askReadsProposesAWriteAndWritesItOnYes() throws Exception {
        Files.writeString(root.resolve("todo.txt"), "buy milk\n");
        peer.then(toolCall("c1", "fs_read", "{\"path\": \"todo.txt\"}"),
                toolCall("c2", "fs_write", "{\"path\": \"todo.txt\", \"content\": \"buy milk\\nbuy bread\\n\"}"),
                text("Added bread to your list."));

        var run = onServer("y\n", "ask", "add bread to my todo list");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(Files.readString(root.resolve("todo.txt"))).isEqualTo("buy milk\nbuy bread\n");
        assertThat(run.out()).containsSubsequence("step 1 fs.read: done", "Plan:", "2. fs.write [", "path=todo.txt",
                "step 2 fs.write: done (undo: ./warden undo ");
        assertThat(run.err()).contains("Run these steps? [y/N]").contains("[done: 1 step, peer/m1, ");
        assertThat(run.lastLine()).isEqualTo("Added bread to your list.");
        assertThat(run.out().split("Added bread", -1)).hasSize(2);
        assertThat(peer.calls()).isEqualTo(3);

        // Both steps ran on the server as Olivia, through the engine, as the agent.
        var steps = agentRecords().stream().filter(r -> r.mode().equals("execute")).toList();
        assertThat(steps).extracting(AuditRecord::action).containsExactlyInAnyOrder("fs.read", "fs.write");
        assertThat(steps).allSatisfy(r -> assertThat(r.principalName()).isEqualTo("olivia"));
    }

    @Test
    void aConfirmationTheServerAsksForIsAnsweredAtTheTerminal() throws Exception {
        Files.writeString(root.resolve("old.log"), "old\n");
        peer.then(toolCall("c1", "fs_delete", "{\"path\": \"old.log\"}"), text("Deleted old.log; undo restores it."));

        // An operator may not delete at all; an admin may, once she confirms the high-risk step.
        Members.add(warden.users(), warden.projects(), "default", "ada", Role.ADMIN);
        token = warden.tokens().create("cli", "ada", "default", Role.ADMIN, null, List.of()).secret();

        // Yes to the plan, then yes to the policy's confirmation.
        var run = onServer("y\nyes\n", "ask", "delete old.log");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(root.resolve("old.log")).doesNotExist();
        // The dry run is shown under the plan's step and again under the confirmation.
        assertThat(run.out()).containsSubsequence("1. fs.delete [", "Would move ", "old.log to the trash; undo would restore it.",
                "fs.delete needs confirmation: ", "Would move ", "fs.delete: done (undo: ");
        assertThat(run.err()).containsSubsequence("Run these steps? [y/N]", "Proceed? [y/N]");
        assertThat(run.lastLine()).isEqualTo("Deleted old.log; undo restores it.");
    }

    @Test
    void chatKeepsTwoTurnsInOneSessionOnTheServerAndListsIt() throws Exception {
        Files.writeString(root.resolve("notes.txt"), "hello\n");
        peer.then(toolCall("c1", "fs_read", "{\"path\": \"notes.txt\"}"), text("It says hello."), text("You're welcome."),
                new LlmPeer.Fail(401, null));

        var run = onServer("what is in notes.txt?\nthanks\n/sessions\nare you there?\n/quit\n", "chat");

        assertThat(run.exit()).as(run.err()).isZero();
        // The second request to the model carries the first turn: one conversation on the server.
        assertThat(peer.received().get(2).body().toString()).contains("what is in notes.txt?").contains("It says hello.")
                .contains("thanks");
        var olivia = warden.tokens().authenticate(token).orElseThrow();
        var sessions = warden.chats().list(olivia);
        assertThat(sessions).singleElement().satisfies(s -> {
            assertThat(s.title()).isEqualTo("what is in notes.txt?");
            assertThat(s.autonomous()).isFalse();
        });
        var id = sessions.getFirst().id();
        // /sessions is the server's list of Olivia's sessions.
        assertThat(run.out()).containsSubsequence("step 1 fs.read: done", "It says hello.", "You're welcome.",
                "ID", "WAITS FOR", "TITLE", id, " - ", "what is in notes.txt?");
        // A failed turn is reported and the conversation goes on to the next line.
        assertThat(run.err()).contains("error: llm_unavailable: ")
                .contains("Saved; resume with ./warden chat --session " + id + " --server " + url());
        assertThat(peer.calls()).isEqualTo(4);
    }

    @Test
    void chatResumesASessionShowingWhatItWaitsForAndRunsThePlanOnYes() throws Exception {
        peer.then(toolCall("c1", "fs_mkdir", "{\"path\": \"kept\"}"), text("Made it."));

        // The input ends while the plan waits: nothing runs, and the session on the server keeps waiting.
        var first = onServer("make a dir called kept\n", "chat");
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).contains("1. fs.mkdir [low] path=kept");
        assertThat(root.resolve("kept")).doesNotExist();
        var id = warden.chats().list(warden.tokens().authenticate(token).orElseThrow()).getFirst().id();

        var listed = onServer("/sessions\n/quit\n", "chat");
        assertThat(listed.out()).containsSubsequence(id, "plan", "make a dir called kept");

        var resumed = onServer("y\n/quit\n", "chat", "--session", id);
        assertThat(resumed.exit()).as(resumed.err()).isZero();
        assertThat(resumed.err()).containsSubsequence("Resumed " + id + "; it waits for your answer to a plan.", "Run these steps? [y/N]");
        assertThat(root.resolve("kept")).isDirectory();
        assertThat(resumed.out()).contains("step 1 fs.mkdir: done").endsWith("Made it.\n");
        assertThat(peer.calls()).isEqualTo(2);
    }

    @Test
    void chatRefusesToResumeAnotherUsersSessionOrOneThatDoesNotExist() {
        var olivia = warden.tokens().authenticate(token).orElseThrow();
        var hers = warden.chats().start(olivia, false, "private").id();
        Members.add(warden.users(), warden.projects(), "default", "victor", Role.VIEWER);
        var victor = warden.tokens().create("cli", "victor", "default", Role.VIEWER, null, List.of()).secret();

        for (var id : List.of(hers, "chat_nope")) {
            var run = warden("hello\n", "chat", "--server", url(), "--token", victor, "--session", id);
            assertThat(run.exit()).as(run.err()).isEqualTo(2);
            assertThat(run.err()).contains("refused finding chat session " + id + ": 404 chat_not_found: There is no chat session " + id)
                    .contains("GET /v1/chat/sessions lists your sessions");
        }
        assertThat(warden("/sessions\n/quit\n", "chat", "--server", url(), "--token", victor).out()).isEqualTo("No sessions yet.\n");
        assertThat(peer.calls()).isZero();
    }

    @Test
    void aPlanShowsTheDiffOfAnEditBeforeTheQuestionAndTheEditRunsOnYes() throws Exception {
        Files.writeString(root.resolve("app.conf"), "port = 8080\nhost = localhost\nlog = info\n");
        peer.then(toolCall("c1", "fs_edit", "{\"path\": \"app.conf\", \"oldText\": \"log = info\", \"newText\": \"log = debug\"}"),
                text("Logging is now at debug."));

        var run = askOnOneScreen("y\n", "turn on debug logging");

        assertThat(run.exit()).as(run.out()).isZero();
        assertThat(run.out()).containsSubsequence("1. fs.edit [", "--- a/", "app.conf", "+++ b/", "@@ -1,3 +1,3 @@",
                "        port = 8080", "        host = localhost", "       -log = info", "       +log = debug",
                "Run these steps? [y/N]", "fs.edit: done");
        assertThat(Files.readString(root.resolve("app.conf"))).isEqualTo("port = 8080\nhost = localhost\nlog = debug\n");
    }

    @Test
    void aStepHeldForApprovalPointsAtTheServersApprovalNotThisMachines() throws Exception {
        Files.writeString(warden.policyFile().path(), """
                version: 1
                default: allow
                rules:
                  - name: mkdir-needs-approval
                    when: 'action == "fs.mkdir"'
                    effect: approve
                    reason: New directories need an admin's approval
                """);
        assertThat(warden.policyFile().reloadIfChanged().applied()).isTrue();
        peer.then(toolCall("c1", "fs_mkdir", "{\"path\": \"reports\"}"), text("It waits for an admin's approval."));

        var run = onServer("y\n", "ask", "make a reports dir");

        assertThat(run.exit()).as(run.err()).isZero();
        // The id in the line is the one in the server's URL.
        assertThat(run.out()).containsPattern("fs\\.mkdir waits for approval (\\S+): New directories need an admin's approval \\(GET "
                + Pattern.quote(url()) + "/v1/approvals/\\1\\)").doesNotContain("./warden approvals");
        assertThat(root.resolve("reports")).doesNotExist();
    }

    @Test
    void aTokenTheServerDoesNotKnowIsReportedWithItsHint() {
        var run = warden("", "ask", "--server", url(), "--token", "not-a-token", "hello");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("refused starting a chat session: 401 invalid_token: The bearer token is unknown")
                .contains("./warden token create");
        assertThat(peer.calls()).isZero();
    }
}
