package dev.warden.cli;

import static dev.warden.llm.LlmPeer.text;
import static dev.warden.llm.LlmPeer.toolCall;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.llm.LlmPeer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code warden chat}: the REPL in-process, with a scripted model peer and typed lines. */
@Timeout(60)
class ChatCommandTest {
    @TempDir
    Path temp;
    Path data;
    Path root;
    LlmPeer peer;

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

    AskCommandTest.Run chat(String typed, String... args) {
        var all = new ArrayList<>(List.of("chat"));
        all.addAll(List.of(args));
        return AskCommandTest.warden(data, root, typed, true, all.toArray(String[]::new));
    }

    @Test
    void twoTurnsInOneSessionThenTheSessionsAndQuit() throws Exception {
        Files.writeString(root.resolve("notes.txt"), "hello\n");
        peer.then(toolCall("c1", "fs_read", "{\"path\": \"notes.txt\"}"), text("It says hello."), text("You're welcome."));

        var run = chat("what is in notes.txt?\nthanks\n/sessions\n/quit\nnever sent\n");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).containsSubsequence("step 1 fs.read: done", "It says hello.", "You're welcome.", "WAITS FOR",
                "what is in notes.txt?");
        // Both turns went to one conversation: the second request carries the first turn.
        assertThat(peer.calls()).isEqualTo(3);
        assertThat(peer.received().get(2).body().toString()).contains("what is in notes.txt?").contains("It says hello.")
                .contains("thanks");
        assertThat(run.out()).doesNotContain("never sent");
        assertThat(run.err()).contains("Saved; resume with ./warden chat --session chat_");
    }

    @Test
    void aSessionLeftWaitingIsResumedAndItsPlanRunsOnYes() throws Exception {
        peer.then(toolCall("c1", "fs_mkdir", "{\"path\": \"kept\"}"), text("Made it."));

        // The input ends while the plan waits: nothing runs, and the session keeps waiting.
        var first = chat("make a dir called kept\n");
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).contains("1. fs.mkdir [low] path=kept");
        assertThat(root.resolve("kept")).doesNotExist();
        var matcher = Pattern.compile("--session (chat_[0-9a-f]+)").matcher(first.err());
        assertThat(matcher.find()).isTrue();
        var id = matcher.group(1);

        var resumed = chat("y\n/quit\n", "--session", id);
        assertThat(resumed.exit()).as(resumed.err()).isZero();
        assertThat(resumed.err()).contains("Resumed " + id + "; it waits for your answer to a plan.").contains("Run these steps? [y/N]");
        assertThat(root.resolve("kept")).isDirectory();
        assertThat(resumed.out()).contains("step 1 fs.mkdir: done").endsWith("Made it.\n");

        var unknown = chat("/quit\n", "--session", "chat_nope");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("no chat session chat_nope");
    }
}
