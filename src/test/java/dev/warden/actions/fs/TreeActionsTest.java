package dev.warden.actions.fs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.action.ErrorKind;
import dev.warden.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** fs.move, fs.copy, fs.delete and fs.mkdir, each undone. */
class TreeActionsTest {
    @TempDir Path tmp;
    FsFixture fx;
    MoveAction move;
    CopyAction copy;
    DeleteAction delete;
    MkdirAction mkdir;

    @BeforeEach
    void setUp() {
        fx = new FsFixture(tmp);
        move = new MoveAction(fx.jail);
        copy = new CopyAction(fx.jail);
        delete = new DeleteAction(fx.jail);
        mkdir = new MkdirAction(fx.jail);
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private static JsonNode fromTo(String from, String to) {
        return Json.object().put("from", from).put("to", to);
    }

    private static JsonNode path(String path) {
        return Json.object().put("path", path);
    }

    @Test
    void moveRenamesAndUndoMovesBack() throws IOException {
        Files.writeString(fx.root.resolve("a.txt"), "A");
        var r = fx.run(move, fromTo("a.txt", "b.txt"));
        assertThat(fx.root.resolve("a.txt")).doesNotExist();
        assertThat(fx.root.resolve("b.txt")).hasContent("A");
        assertThat(r.output().path("overwritten").asBoolean()).isFalse();
        fx.undo(r.undoId().orElseThrow());
        assertThat(fx.root.resolve("a.txt")).hasContent("A");
        assertThat(fx.root.resolve("b.txt")).doesNotExist();
    }

    @Test
    void moveRefusesAnExistingTargetUnlessOverwriteAndUndoBringsTheTargetBack() throws IOException {
        Files.writeString(fx.root.resolve("a"), "new");
        Files.writeString(fx.root.resolve("b"), "old");
        var e = fx.assessRefusal(move, fromTo("a", "b"));
        assertThat(e.code()).isEqualTo("already_exists");
        assertThat(e.hint()).contains("overwrite=true");
        var in = Json.object().put("from", "a").put("to", "b").put("overwrite", true);
        var r = fx.run(move, in);
        assertThat(fx.root.resolve("b")).hasContent("new");
        assertThat(r.output().path("overwritten").asBoolean()).isTrue();
        fx.undo(r.undoId().orElseThrow());
        assertThat(fx.root.resolve("a")).hasContent("new");
        assertThat(fx.root.resolve("b")).hasContent("old");
    }

    @Test
    void moveRefusals() throws IOException {
        Files.createDirectories(fx.root.resolve("d"));
        Files.writeString(fx.root.resolve("f"), "x");
        assertThat(fx.assessRefusal(move, fromTo("f", fx.outside + "/f")).code()).isEqualTo("path_outside_roots");
        assertThat(fx.assessRefusal(move, fromTo(fx.outside + "/secret.txt", "s")).code()).isEqualTo("path_outside_roots");
        assertThat(fx.assessRefusal(move, fromTo("nope", "x")).code()).isEqualTo("not_found");
        assertThat(fx.assessRefusal(move, fromTo("d", "d/inner")).code()).isEqualTo("move_into_itself");
        assertThat(fx.assessRefusal(move, fromTo("f", "no/such/dir/f")).code()).isEqualTo("parent_not_found");
        assertThat(fx.assessRefusal(move, fromTo(fx.root.toString(), "elsewhere")).code()).isEqualTo("refused_root");
        Files.createSymbolicLink(fx.root.resolve("out"), fx.outside);
        assertThat(fx.assessRefusal(move, fromTo("f", "out/f")).code()).isEqualTo("path_outside_roots");
        assertThat(fx.root.resolve("f")).hasContent("x");
    }

    @Test
    void copyFileAndTreeAndUndoRemovesTheCopy() throws IOException {
        var src = Files.createDirectories(fx.root.resolve("src/sub"));
        Files.writeString(src.resolve("x.sh"), "echo x");
        Files.setPosixFilePermissions(src.resolve("x.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(fx.root.resolve("src/top.txt"), "top");
        var r = fx.run(copy, fromTo("src", "dst"));
        assertThat(r.output().path("type").asString()).isEqualTo("dir");
        assertThat(r.output().path("files").asInt()).isEqualTo(2);
        assertThat(r.output().path("bytes").asInt()).isEqualTo(9);
        assertThat(fx.root.resolve("dst/sub/x.sh")).hasContent("echo x");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fx.root.resolve("dst/sub/x.sh"))))
                .isEqualTo("rwxr-xr-x");
        fx.undo(r.undoId().orElseThrow());
        assertThat(fx.root.resolve("dst")).doesNotExist();
        assertThat(fx.root.resolve("src/sub/x.sh")).hasContent("echo x");

        var f = fx.run(copy, fromTo("src/top.txt", "top-copy.txt"));
        assertThat(fx.root.resolve("top-copy.txt")).hasContent("top");
        fx.undo(f.undoId().orElseThrow());
        assertThat(fx.root.resolve("top-copy.txt")).doesNotExist();
    }

    @Test
    void copyRefusals() throws IOException {
        Files.writeString(fx.root.resolve("a"), "a");
        Files.writeString(fx.root.resolve("b"), "b");
        assertThat(fx.assessRefusal(copy, fromTo("a", "b")).code()).isEqualTo("already_exists");
        assertThat(fx.assessRefusal(copy, fromTo(fx.outside + "/secret.txt", "c")).code()).isEqualTo("path_outside_roots");
        assertThat(fx.assessRefusal(copy, fromTo("a", fx.outside + "/a")).code()).isEqualTo("path_outside_roots");
        Files.createDirectories(fx.root.resolve("d"));
        assertThat(fx.assessRefusal(copy, fromTo("d", "d/again")).code()).isEqualTo("copy_into_itself");
        assertThat(fx.assessRefusal(copy, fromTo("missing", "c")).code()).isEqualTo("not_found");
    }

    @Test
    void copyChangedSinceCannotBeUndone() throws IOException {
        Files.writeString(fx.root.resolve("a"), "a");
        var r = fx.run(copy, fromTo("a", "b"));
        Files.writeString(fx.root.resolve("b"), "edited later");
        assertThat(fx.refusal(new dev.warden.actions.journal.UndoAction(),
                Json.object().put("undoId", r.undoId().orElseThrow())).code()).isEqualTo("undo_conflict");
        assertThat(fx.root.resolve("b")).hasContent("edited later");
    }

    @Test
    void deleteIsSoftAndUndoRestoresTheTree() throws IOException {
        var dir = Files.createDirectories(fx.root.resolve("proj/a"));
        Files.writeString(dir.resolve("f"), "bytes");
        var e = fx.assessRefusal(delete, path("proj"));
        assertThat(e.code()).isEqualTo("directory_not_empty");
        assertThat(e.hint()).contains("recursive=true");

        var r = fx.run(delete, Json.object().put("path", "proj").put("recursive", true));
        assertThat(fx.root.resolve("proj")).doesNotExist();
        assertThat(r.output().path("type").asString()).isEqualTo("dir");
        fx.undo(r.undoId().orElseThrow());
        assertThat(fx.root.resolve("proj/a/f")).hasContent("bytes");
    }

    @Test
    void deleteAFileAndAnEmptyDirectory() throws IOException {
        Files.writeString(fx.root.resolve("f"), "x");
        Files.createDirectories(fx.root.resolve("empty"));
        var f = fx.run(delete, path("f"));
        var d = fx.run(delete, path("empty"));
        assertThat(fx.root.resolve("f")).doesNotExist();
        assertThat(fx.root.resolve("empty")).doesNotExist();
        fx.undo(d.undoId().orElseThrow());
        fx.undo(f.undoId().orElseThrow());
        assertThat(fx.root.resolve("f")).hasContent("x");
        assertThat(fx.root.resolve("empty")).isEmptyDirectory();
    }

    @Test
    void deletingASymlinkRemovesTheLinkNotItsTarget() throws IOException {
        Files.writeString(fx.root.resolve("target"), "keep me");
        Files.createSymbolicLink(fx.root.resolve("link"), fx.root.resolve("target"));
        var r = fx.run(delete, path("link"));
        assertThat(r.output().path("type").asString()).isEqualTo("symlink");
        assertThat(Files.exists(fx.root.resolve("link"), java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(fx.root.resolve("target")).hasContent("keep me");
        fx.undo(r.undoId().orElseThrow());
        assertThat(Files.isSymbolicLink(fx.root.resolve("link"))).isTrue();
    }

    @Test
    void deleteRefusals() throws IOException {
        var e = fx.assessRefusal(delete, Json.object().put("path", fx.root.toString()).put("recursive", true));
        assertThat(e.code()).isEqualTo("refused_root");
        assertThat(e.kind()).isEqualTo(ErrorKind.REFUSED);
        assertThat(fx.assessRefusal(delete, path("..")).code()).isEqualTo("path_outside_roots");
        assertThat(fx.assessRefusal(delete, path(fx.outside + "/secret.txt")).code()).isEqualTo("path_outside_roots");
        Files.createSymbolicLink(fx.root.resolve("out"), fx.outside);
        assertThat(fx.assessRefusal(delete, path("out/secret.txt")).code()).isEqualTo("path_outside_roots");
        assertThat(fx.assessRefusal(delete, path("nope")).code()).isEqualTo("not_found");
        assertThat(fx.outside.resolve("secret.txt")).hasContent("secret");
    }

    @Test
    void deleteSimulateTouchesNothing() throws IOException {
        Files.writeString(fx.root.resolve("f"), "x");
        var out = fx.simulate(delete, path("f"));
        assertThat(out.path("deleted").asBoolean()).isFalse();
        assertThat(fx.root.resolve("f")).hasContent("x");
    }

    @Test
    void mkdirWithParentsAndUndoRemovesTheTopmostCreated() throws IOException {
        Files.createDirectories(fx.root.resolve("existing"));
        var e = fx.assessRefusal(mkdir, path("existing/a/b"));
        assertThat(e.code()).isEqualTo("parent_not_found");
        assertThat(e.hint()).contains("parents=true");
        var r = fx.run(mkdir, Json.object().put("path", "existing/a/b").put("parents", true));
        assertThat(r.output().path("created").asBoolean()).isTrue();
        assertThat(fx.root.resolve("existing/a/b")).isDirectory();
        fx.undo(r.undoId().orElseThrow());
        assertThat(fx.root.resolve("existing/a")).doesNotExist();
        assertThat(fx.root.resolve("existing")).isDirectory();
    }

    @Test
    void mkdirOfAnExistingDirectoryIsANoOpWithoutUndo() throws IOException {
        Files.createDirectories(fx.root.resolve("d"));
        var r = fx.run(mkdir, path("d"));
        assertThat(r.output().path("created").asBoolean()).isFalse();
        assertThat(r.undoId()).isEmpty();
    }

    @Test
    void mkdirRefusals() throws IOException {
        Files.writeString(fx.root.resolve("file"), "x");
        assertThat(fx.assessRefusal(mkdir, path("file")).code()).isEqualTo("already_exists");
        assertThat(fx.assessRefusal(mkdir, path(fx.outside + "/d")).code()).isEqualTo("path_outside_roots");
        Files.createSymbolicLink(fx.root.resolve("out"), fx.outside);
        assertThat(fx.assessRefusal(mkdir, Json.object().put("path", "out/x/y").put("parents", true)).code())
                .isEqualTo("path_outside_roots");
        assertThat(fx.outside.resolve("x")).doesNotExist();
    }
}
