package dev.warden.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fifty agents write the same file at once; the file and the undo journal must both stay coherent. */
class ConcurrentWriteTest {
    static final int WRITERS = 50;
    static final String INITIAL = "initial content\n";

    @TempDir
    Path temp;

    E2eFixture w;

    @BeforeEach
    void start() {
        w = new E2eFixture(temp, 1024 * 1024);
        // A writer waits up to 30 s for the path lock and is then refused (409 path_busy, a clean
        // answer). With fifty writers each syncing to disk several times while holding it, the last
        // ones can wait that long on a slow disk: the client must outwait the server, not time out with it.
        w.requestTimeout = Duration.ofSeconds(90);
    }

    @AfterEach
    void stop() {
        w.close();
    }

    /** Content unique to writer {@code i}, long enough that an interleaved write could not pass for one of them. */
    static String content(int i) {
        return ("writer " + i + " line\n").repeat(2_000);
    }

    @Test
    void concurrentWritesToOneFileLeaveOneWholeContentAndAnUndoChainBackToTheStart() throws Exception {
        var file = Files.writeString(w.root.resolve("shared.txt"), INITIAL);
        var start = new CountDownLatch(1);
        var tasks = new ArrayList<Callable<E2eFixture.Answer>>();
        for (int i = 0; i < WRITERS; i++) {
            var body = Json.object().put("path", "shared.txt").put("content", content(i));
            tasks.add(() -> {
                start.await();
                return w.post("/v1/actions/fs.write", w.operatorToken, body);
            });
        }
        var answers = new ArrayList<E2eFixture.Answer>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var futures = tasks.stream().map(pool::submit).toList();
            start.countDown();
            for (var f : futures) answers.add(f.get(120, TimeUnit.SECONDS));
        }

        // Every answer is a success or a clean problem; a success names its undo entry.
        var undoByContent = new HashMap<String, String>();
        for (int i = 0; i < WRITERS; i++) {
            var a = answers.get(i);
            if (a.status() == 200) {
                assertThat(a.body().path("undoId").asString("")).as(a.text()).startsWith("u_");
                undoByContent.put(content(i), a.body().path("undoId").asString());
            } else {
                a.assertCleanProblem();
            }
        }
        assertThat(undoByContent).as("at least one write succeeded").isNotEmpty();

        // The file holds exactly one writer's content: no interleaving, no truncation.
        var finalContent = Files.readString(file);
        assertThat(undoByContent).containsKey(finalContent);
        try (var stray = Files.list(w.root)) {
            assertThat(stray.toList()).as("no temporary files left behind").containsExactly(file);
        }

        // Undo, newest change first: each undo must take the file back to exactly what that write replaced,
        // which is the content of the write before it, until the initial content is back.
        var undone = new HashSet<String>();
        var current = finalContent;
        var steps = new ArrayList<String>();
        while (!current.equals(INITIAL)) {
            var undoId = undoByContent.get(current);
            assertThat(undoId).as("the content on disk after %s was written by a successful write", steps).isNotNull();
            assertThat(undone.add(current)).as("each write is undone once").isTrue();
            var undo = w.post("/v1/undo/" + undoId, w.operatorToken, "");
            steps.add(undoId + "->" + undo.status());
            assertThat(undo.status()).as("undo %s after %s: %s", undoId, steps, undo.text()).isEqualTo(200);
            current = Files.readString(file);
            assertThat(current.equals(INITIAL) || undoByContent.containsKey(current))
                    .as("after undo %s the file holds a whole earlier version", undoId).isTrue();
        }
        assertThat(undone).as("every successful write was undone on the way back").hasSize(undoByContent.size());
        assertThat(Files.readString(file)).isEqualTo(INITIAL);
    }

    @Test
    void concurrentEditsOfOneFileEachApplyOnceOrFailCleanly() throws Exception {
        var file = Files.writeString(w.root.resolve("counter.txt"), "count: 0\n");
        var start = new CountDownLatch(1);
        List<E2eFixture.Answer> answers = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var futures = new ArrayList<java.util.concurrent.Future<E2eFixture.Answer>>();
            for (int i = 0; i < WRITERS; i++) {
                var body = Json.object().put("path", "counter.txt").put("oldText", "count: 0\n").put("newText", "count: " + (i + 1) + "\n");
                futures.add(pool.submit(() -> {
                    start.await();
                    return w.post("/v1/actions/fs.edit", w.operatorToken, body);
                }));
            }
            start.countDown();
            for (var f : futures) answers.add(f.get(120, TimeUnit.SECONDS));
        }
        var successes = answers.stream().filter(a -> a.status() == 200).toList();
        for (var a : answers) {
            if (a.status() != 200) a.assertProblem(409, "edit_text_not_found");
        }
        // Only one edit can have found "count: 0"; a second success means two edits read the same old text.
        assertThat(successes).as("edits that found the old text").hasSize(1);
        assertThat(Files.readString(file)).matches("count: \\d+\n").isNotEqualTo("count: 0\n");
    }
}
