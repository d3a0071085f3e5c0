package dev.warden.actions.journal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.action.ErrorKind;
import dev.warden.actions.fs.EditAction;
import dev.warden.actions.fs.FsFixture;
import dev.warden.actions.fs.WriteAction;
import dev.warden.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UndoActionTest {
    @TempDir Path tmp;
    FsFixture fx;
    UndoAction undo = new UndoAction();

    @BeforeEach
    void setUp() {
        fx = new FsFixture(tmp);
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    @Test
    void undoesAnEditThroughTheActionAndReportsWhatItRestored() throws IOException {
        var file = fx.root.resolve("conf.ini");
        Files.writeString(file, "debug=false\n");
        var edit = fx.run(new EditAction(fx.jail),
                Json.object().put("path", "conf.ini").put("oldText", "false").put("newText", "true"));
        var id = edit.undoId().orElseThrow();

        var r = fx.run(undo, Json.object().put("undoId", id));

        assertThat(file).hasContent("debug=false\n");
        assertThat(r.output().path("undoId").asString()).isEqualTo(id);
        var restored = r.output().path("restored").get(0);
        assertThat(restored.path("path").asString()).isEqualTo(file.toString());
        assertThat(restored.path("action").asString()).isEqualTo("restored");
        assertThat(r.undoId()).isEmpty();
    }

    @Test
    void refusals() throws IOException {
        var missing = fx.refusal(undo, Json.object().put("undoId", "u_zzzzzzzzzzzz"));
        assertThat(missing.code()).isEqualTo("undo_not_found");
        assertThat(missing.kind()).isEqualTo(ErrorKind.NOT_FOUND);

        var w = fx.run(new WriteAction(fx.jail), Json.object().put("path", "f").put("content", "v1"));
        var id = w.undoId().orElseThrow();
        fx.run(new WriteAction(fx.jail), Json.object().put("path", "f").put("content", "v2"));
        var conflict = fx.refusal(undo, Json.object().put("undoId", id));
        assertThat(conflict.code()).isEqualTo("undo_conflict");
        assertThat(conflict.kind()).isEqualTo(ErrorKind.CONFLICT);
        assertThat(fx.root.resolve("f")).hasContent("v2");

        Files.writeString(fx.root.resolve("f"), "v1");
        fx.run(undo, Json.object().put("undoId", id));
        assertThat(fx.root.resolve("f")).doesNotExist();
        assertThat(fx.refusal(undo, Json.object().put("undoId", id)).code()).isEqualTo("undo_already_applied");
    }
}
