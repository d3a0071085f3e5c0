package dev.warden.cli;

import static dev.warden.llm.LlmPeer.text;
import static dev.warden.llm.LlmPeer.toolCall;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.llm.LlmPeer;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code warden ask} in-process on a temporary data dir whose config points at a model peer speaking
 * the OpenAI Chat Completions wire format from a script; the person's answers are typed on a
 * captured standard input.
 */
@Timeout(60)
class AskCommandTest {
    @TempDir
    Path temp;
    Path data;
    Path root;
    LlmPeer peer;

    record Run(int exit, String out, String err) {
        String lastLine() {
            var lines = out.strip().split("\n");
            return lines[lines.length - 1];
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        data = Files.createDirectories(temp.resolve("data"));
        root = Files.createDirectories(temp.resolve("root"));
        peer = new LlmPeer();
        Files.writeString(data.resolve("warden.yaml"), """
                llm:
                  providers:
                    - {name: peer, kind: openai, baseUrl: '%s', model: m1, apiKey: k1, timeoutSeconds: 10}
                """.formatted(peer.baseUrl()));
    }

    @AfterEach
    void tearDown() {
        peer.close();
    }

    /** Runs the command line with {@code typed} on standard input, from a terminal when {@code interactive}. */
    static Run warden(Path data, Path root, String typed, boolean interactive, String... args) {
        var all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--data-dir", data.toString(), "--root", root.toString()));
        var out = new StringWriter();
        var err = new StringWriter();
        var terminal = new Terminal(new BufferedReader(new StringReader(typed)), interactive, false);
        int exit = Main.execute(terminal, new PrintWriter(out, true), new PrintWriter(err, true), all.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    Run ask(String typed, boolean interactive, String... args) {
        var all = new ArrayList<>(List.of("ask"));
        all.addAll(List.of(args));
        return warden(data, root, typed, interactive, all.toArray(String[]::new));
    }

    @Test
    void aTaskReadsShowsThePlanRunsItOnYesAndEndsWithTheAnswer() throws Exception {
        Files.writeString(root.resolve("todo.txt"), "buy milk\n");
        peer.then(toolCall("c1", "fs_read", "{\"path\": \"todo.txt\"}"),
                toolCall("c2", "fs_write", "{\"path\": \"todo.txt\", \"content\": \"buy milk\\nbuy bread\\n\"}"),
                text("Added bread to your list."));

        var run = ask("y\n", true, "add bread to my todo list", "--progress");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(Files.readString(root.resolve("todo.txt"))).isEqualTo("buy milk\nbuy bread\n");
        assertThat(run.out()).contains("step 1 fs.read: done").contains("Plan:").contains("2. fs.write [")
                .contains("path=todo.txt").contains("step 2 fs.write: done (undo: ./warden undo ");
        assertThat(run.err()).contains("Run these steps? [y/N]").contains("[step 1 fs.read running ");
        // The final answer once, and last.
        assertThat(run.lastLine()).isEqualTo("Added bread to your list.");
        assertThat(run.out().split("Added bread", -1)).hasSize(2);
        // The plan came before the write ran: the model was asked twice before the yes, once after.
        assertThat(peer.calls()).isEqualTo(3);
    }

    @Test
    void aLongDiffIsCutUnderItsStepAndSaysHowMuchWasLeftOut() throws Exception {
        var content = new StringBuilder();
        for (int i = 1; i <= 30; i++) content.append("line ").append(i).append("\\n");
        peer.then(toolCall("c1", "fs_write", "{\"path\": \"long.txt\", \"content\": \"" + content + "\"}"), text("Left it."));

        var run = ask("n\n", true, "write thirty lines");

        assertThat(run.exit()).as(run.err()).isZero();
        // A new file: the diff is its header, one hunk line and a + line each; 20 lines are shown.
        int shown = ChatRenderer.PREVIEW_LINES - 3;
        assertThat(run.out()).containsSubsequence("1. fs.write [", "+++ b/", "@@ -0,0 +1,30 @@", "+line 1\n", "+line " + shown + "\n",
                "... 13 more lines of the diff not shown (33 in all)", "Left it.");
        assertThat(run.out()).doesNotContain("+line " + (shown + 1) + "\n");
        assertThat(root.resolve("long.txt")).doesNotExist();
    }

    @Test
    void yesDeclinesAWriteAndSaysSo() throws Exception {
        Files.writeString(root.resolve("todo.txt"), "buy milk\n");
        peer.then(toolCall("c1", "fs_write", "{\"path\": \"todo.txt\", \"content\": \"gone\"}"),
                text("I did not change anything, as you did not agree."));

        var run = ask("y\n", true, "empty my todo list", "--yes");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(Files.readString(root.resolve("todo.txt"))).isEqualTo("buy milk\n");
        assertThat(run.out()).contains("Declined the plan (1 step), nothing ran: --yes says yes to nothing above read.")
                .contains("1. fs.write [");
        // Nothing was read from the terminal, and no prompt was shown.
        assertThat(run.err()).doesNotContain("[y/N]");
        assertThat(run.lastLine()).isEqualTo("I did not change anything, as you did not agree.");
        assertThat(peer.received().get(1).body().toString()).contains("declined_by_user");
    }

    @Test
    void withoutATerminalNothingAboveReadRunsEither() throws Exception {
        peer.then(toolCall("c1", "fs_mkdir", "{\"path\": \"made\"}"), text("Left it."));
        var run = ask("y\n", false, "make a dir");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(root.resolve("made")).doesNotExist();
        assertThat(run.out()).contains("nothing ran: no terminal to ask on.");
    }

    @Test
    void aModelThatKeepsProposingIsStoppedAfterABoundedNumberOfAnswers() {
        peer.otherwise(toolCall("c", "fs_mkdir", "{\"path\": \"again\"}"));
        var run = ask("", false, "make a dir", "--yes");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("error: stopped after " + Dialogue.MAX_ANSWERS + " answers");
        assertThat(peer.calls()).isEqualTo(Dialogue.MAX_ANSWERS + 1);
        assertThat(root.resolve("again")).doesNotExist();
    }

    @Test
    void aConfirmationAnsweredNoLeavesTheFile() throws Exception {
        Files.writeString(root.resolve("x.txt"), "keep me");
        peer.then(toolCall("c1", "fs_delete", "{\"path\": \"x.txt\"}"), text("Kept x.txt."));

        // Yes to the plan; then the policy asks to confirm the delete, and the answer is no.
        var run = ask("y\nn\n", true, "delete x.txt");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(root.resolve("x.txt")).exists();
        assertThat(run.out()).contains("fs.delete needs confirmation: High-risk").doesNotContain("step 1 fs.delete");
        assertThat(run.err()).contains("Run these steps? [y/N]").contains("Proceed? [y/N]");
        assertThat(run.lastLine()).isEqualTo("Kept x.txt.");
        assertThat(peer.received().get(1).body().toString()).contains("declined_by_user");
    }

    @Test
    void aMissingFieldIsAskedAndTheAnswerFillsIt() throws Exception {
        peer.then(toolCall("c1", "fs_write", "{\"content\": \"hello\\n\"}"), text("Wrote hello.txt."));

        var run = ask("hello.txt\ny\n", true, "write hello to a file");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("To run fs.write I need path").contains("1. fs.write [").contains("path=hello.txt");
        assertThat(run.err()).contains("Answer (empty to skip): ").contains("Run these steps? [y/N]");
        assertThat(Files.readString(root.resolve("hello.txt"))).isEqualTo("hello\n");
        assertThat(run.lastLine()).isEqualTo("Wrote hello.txt.");
    }

    @Test
    void whenNoModelAnswersItFailsWithWhatStillWorks() {
        peer.otherwise(new LlmPeer.Fail(401, null));
        var run = ask("", true, "hello");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("error: llm_unavailable: ").contains("hint: Actions still work without the model: ./warden run");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void jsonPrintsEachEventAsALine() throws Exception {
        peer.then(toolCall("c1", "fs_list", "{\"path\": \".\"}"), text("Nothing much here."));
        var run = ask("", false, "what is here?", "--json");
        assertThat(run.exit()).as(run.err()).isZero();
        var types = run.out().lines().map(l -> dev.warden.json.Json.parse(l).path("type").asString()).toList();
        assertThat(types).containsExactly("step_started", "step_finished", "text", "done");
    }

    @Test
    void aServerThatBreaksTheStreamIsReportedWithWhatArrived() throws Exception {
        try (var server = new ChatReplayPeer()) {
            var text = "event: text\ndata: {\"type\": \"text\", \"text\": \"Half an answer.\"}\n\n";
            server.then(ChatReplayPeer.Answer.created("chat_1"), ChatReplayPeer.Answer.events(": keepalive\n\n" + text),
                    ChatReplayPeer.Answer.created("chat_2"), ChatReplayPeer.Answer.events("event: text\ndata: <html>oops</html>\n\n"));

            var cut = ask("", true, "hello", "--server", server.url(), "--token", "t");
            assertThat(cut.exit()).isEqualTo(1);
            assertThat(cut.err()).contains("error: the stream from " + server.url() + " ended before the turn did");
            // What did arrive is shown, though the turn never said it was the answer.
            assertThat(cut.out()).isEqualTo("Half an answer.\n");

            var garbage = ask("", true, "hello", "--server", server.url(), "--token", "t");
            assertThat(garbage.exit()).isEqualTo(1);
            assertThat(garbage.err()).contains("broke: an event that is not JSON: <html>oops</html>");
            assertThat(server.paths()).containsExactly("POST /v1/chat/sessions", "POST /v1/chat/sessions/chat_1/messages",
                    "POST /v1/chat/sessions", "POST /v1/chat/sessions/chat_2/messages");
        }
    }

    @Test
    void aServerThatIsNotWardenIsToldApartFromARefusal() throws Exception {
        var page = "<html>\n<body>" + "Sign in to continue. ".repeat(40) + "</body></html>";
        try (var server = new ChatReplayPeer()) {
            server.then(new ChatReplayPeer.Answer(200, "text/html", page), new ChatReplayPeer.Answer(404, "text/html", page),
                    ChatReplayPeer.Answer.created("chat_1"), new ChatReplayPeer.Answer(200, "application/json", "{\"events\": []}"));

            var login = ask("", true, "hello", "--server", server.url(), "--token", "t");
            assertThat(login.exit()).isEqualTo(1);
            assertThat(login.err()).contains("answered starting a chat session with text/html, not Warden's chat API (is "
                    + server.url() + " a Warden server?): <html> <body>Sign in").contains("...").hasSizeLessThan(400);

            var missing = ask("", true, "hello", "--server", server.url(), "--token", "t");
            assertThat(missing.err()).contains("refused starting a chat session: 404 <html> <body>Sign in")
                    .contains("a Warden server?)").hasSizeLessThan(400);

            // A body instead of a stream: the Accept header was not honoured on the way.
            var json = ask("", true, "hello", "--server", server.url(), "--token", "t");
            assertThat(json.err()).contains("answered sending a message with application/json, not Warden's chat API");
        }
        assertThat(peer.calls()).isZero();
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertThat(ask("", true, "hello", "--token", "t").exit()).isEqualTo(2);
        assertThat(ask("", true).exit()).isEqualTo(2);
        assertThat(peer.calls()).isZero();
    }
}
