package dev.warden.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Undo never overwrites a change made after the action it takes back. */
class UndoConflictTest {
    @TempDir
    Path temp;

    E2eFixture w;

    @BeforeEach
    void start() {
        w = new E2eFixture(temp, 64 * 1024);
    }

    @AfterEach
    void stop() {
        w.close();
    }

    @Test
    void aFileChangedByHandAfterAWriteIsNotUndone() throws Exception {
        var file = Files.writeString(w.root.resolve("notes.txt"), "before\n");
        var write = w.post("/v1/actions/fs.write", w.operatorToken, "{\"path\":\"notes.txt\",\"content\":\"by the agent\\n\"}");
        assertThat(write.status()).as(write.text()).isEqualTo(200);
        var undoId = write.body().path("undoId").asString();

        Files.writeString(file, "by hand\n");

        var undo = w.post("/v1/undo/" + undoId, w.operatorToken, "");
        undo.assertProblem(409, "undo_conflict");
        assertThat(undo.body().path("detail").asString()).contains("notes.txt");
        assertThat(Files.readString(file)).isEqualTo("by hand\n");

        // Still refused on a second try, and still nothing changed.
        w.post("/v1/undo/" + undoId, w.operatorToken, "").assertProblem(409, "undo_conflict");
        assertThat(Files.readString(file)).isEqualTo("by hand\n");

        // Once the hand change is reverted, the undo applies.
        Files.writeString(file, "by the agent\n");
        var applied = w.post("/v1/undo/" + undoId, w.operatorToken, "");
        assertThat(applied.status()).as(applied.text()).isEqualTo(200);
        assertThat(Files.readString(file)).isEqualTo("before\n");
    }

    @Test
    void aCreatedFileDeletedByHandOrADeletedFileRecreatedIsAConflict() throws Exception {
        var created = w.post("/v1/actions/fs.write", w.operatorToken, "{\"path\":\"new.txt\",\"content\":\"fresh\"}");
        var createdUndo = created.body().path("undoId").asString();
        Files.delete(w.root.resolve("new.txt"));
        Files.writeString(w.root.resolve("new.txt"), "someone else's\n");
        w.post("/v1/undo/" + createdUndo, w.operatorToken, "").assertProblem(409, "undo_conflict");
        assertThat(w.root.resolve("new.txt")).hasContent("someone else's\n");

        Files.writeString(w.root.resolve("gone.txt"), "old");
        var held = w.post("/v1/actions/fs.delete", E2eFixture.ADMIN, "{\"path\":\"gone.txt\"}");
        held.assertProblem(428, "confirmation_required");
        var deleted = w.post("/v1/actions/fs.delete?confirm=" + held.body().path("confirmToken").asString(), E2eFixture.ADMIN,
                "{\"path\":\"gone.txt\"}");
        assertThat(deleted.status()).as(deleted.text()).isEqualTo(200);
        Files.writeString(w.root.resolve("gone.txt"), "replacement");
        w.post("/v1/undo/" + deleted.body().path("undoId").asString(), E2eFixture.ADMIN, "").assertProblem(409, "undo_conflict");
        assertThat(w.root.resolve("gone.txt")).hasContent("replacement");
    }

    @Test
    void aChangedDirectoryTreeBlocksTheUndoOfAMove() throws Exception {
        Files.createDirectories(w.root.resolve("src"));
        Files.writeString(w.root.resolve("src/a.txt"), "a");
        var move = w.post("/v1/actions/fs.move", w.operatorToken, "{\"from\":\"src/a.txt\",\"to\":\"b.txt\"}");
        assertThat(move.status()).as(move.text()).isEqualTo(200);
        Files.writeString(w.root.resolve("b.txt"), "edited after the move");
        w.post("/v1/undo/" + move.body().path("undoId").asString(), w.operatorToken, "").assertProblem(409, "undo_conflict");
        assertThat(w.root.resolve("b.txt")).hasContent("edited after the move");
        assertThat(w.root.resolve("src/a.txt")).doesNotExist();
    }
}
