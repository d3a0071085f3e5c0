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

class WriteEditActionTest {
    @TempDir Path tmp;
    FsFixture fx;
    WriteAction write;
    EditAction edit;

    @BeforeEach
    void setUp() {
        fx = new FsFixture(tmp);
        write = new WriteAction(fx.jail);
        edit = new EditAction(fx.jail);
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private static tools.jackson.databind.JsonNode write(String path, String content) {
        return Json.object().put("path", path).put("content", content);
    }

    private static tools.jackson.databind.JsonNode edit(String path, String oldText, String newText) {
        return Json.object().put("path", path).put("oldText", oldText).put("newText", newText);
    }

    @Test
    void createsAFileAndUndoRemovesIt() throws IOException {
        var r = fx.run(write, write("new.txt", "hello"));
        var file = fx.root.resolve("new.txt");
        assertThat(file).hasContent("hello");
        assertThat(r.output().path("created").asBoolean()).isTrue();
        assertThat(r.output().path("bytesWritten").asInt()).isEqualTo(5);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).startsWith("rw-");
        try (var files = Files.list(fx.root)) {
            assertThat(files).containsExactly(file); // no temporary file left behind
        }
        fx.undo(r.undoId().orElseThrow());
        assertThat(file).doesNotExist();
    }

    @Test
    void overwriteKeepsPermissionsAndUndoRestoresExactBytes() throws IOException {
        var file = fx.root.resolve("run.sh");
        byte[] original = "#!/bin/sh\r\necho ü\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Files.write(file, original);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-x---"));
        var r = fx.run(write, write("run.sh", "replaced"));
        assertThat(r.output().path("created").asBoolean()).isFalse();
        assertThat(file).hasContent("replaced");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rwxr-x---");
        fx.undo(r.undoId().orElseThrow());
        assertThat(Files.readAllBytes(file)).isEqualTo(original);
    }

    @Test
    void createOnlyRefusesAnExistingFile() throws IOException {
        Files.writeString(fx.root.resolve("a"), "keep");
        var in = Json.object().put("path", "a").put("content", "x").put("createOnly", true);
        var e = fx.assessRefusal(write, in);
        assertThat(e.code()).isEqualTo("already_exists");
        assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT);
        assertThat(fx.root.resolve("a")).hasContent("keep");
        var fresh = Json.object().put("path", "b").put("content", "x").put("createOnly", true);
        assertThat(fx.run(write, fresh).output().path("created").asBoolean()).isTrue();
    }

    @Test
    void writeRefusals() throws IOException {
        assertThat(fx.assessRefusal(write, write("missing/dir/f", "x")).code()).isEqualTo("parent_not_found");
        assertThat(fx.assessRefusal(write, write("missing/dir/f", "x")).hint()).contains("fs.mkdir");
        Files.createDirectories(fx.root.resolve("d"));
        assertThat(fx.assessRefusal(write, write("d", "x")).code()).isEqualTo("is_a_directory");
        assertThat(fx.assessRefusal(write, write(fx.outside + "/secret.txt", "x")).code()).isEqualTo("path_outside_roots");
        Files.createSymbolicLink(fx.root.resolve("out"), fx.outside);
        assertThat(fx.assessRefusal(write, write("out/new.txt", "x")).code()).isEqualTo("path_outside_roots");
        assertThat(fx.outside.resolve("secret.txt")).hasContent("secret");
        assertThat(fx.outside.resolve("new.txt")).doesNotExist();
    }

    @Test
    void writeThroughASymlinkInsideReplacesTheTarget() throws IOException {
        Files.writeString(fx.root.resolve("real.txt"), "old");
        Files.createSymbolicLink(fx.root.resolve("alias.txt"), fx.root.resolve("real.txt"));
        fx.run(write, write("alias.txt", "new"));
        assertThat(fx.root.resolve("real.txt")).hasContent("new");
        assertThat(Files.isSymbolicLink(fx.root.resolve("alias.txt"))).isTrue();
    }

    @Test
    void simulateShowsADiffAndChangesNothing() throws IOException {
        Files.writeString(fx.root.resolve("a.txt"), "one\ntwo\nthree\n");
        var out = fx.simulate(write, write("a.txt", "one\n2\nthree\n"));
        assertThat(out.path("wouldCreate").asBoolean()).isFalse();
        assertThat(out.path("diff").asString()).contains("-two\n+2\n").contains("@@ -1,3 +1,3 @@");
        assertThat(fx.root.resolve("a.txt")).hasContent("one\ntwo\nthree\n");
        assertThat(fx.simulate(write, write("b.txt", "x")).path("wouldCreate").asBoolean()).isTrue();
        assertThat(fx.root.resolve("b.txt")).doesNotExist();
    }

    @Test
    void editReplacesExactlyAndUndoRestores() throws IOException {
        var file = fx.root.resolve("c.java");
        Files.writeString(file, "class A {\n    int x = 1;\n}\n");
        var r = fx.run(edit, edit("c.java", "int x = 1;", "int x = 2;"));
        assertThat(file).hasContent("class A {\n    int x = 2;\n}\n");
        assertThat(r.output().path("replacements").asInt()).isEqualTo(1);
        assertThat(r.output().path("diff").asString()).contains("-    int x = 1;").contains("+    int x = 2;");
        fx.undo(r.undoId().orElseThrow());
        assertThat(file).hasContent("class A {\n    int x = 1;\n}\n");
    }

    @Test
    void editCountMismatchReportsTheActualCount() throws IOException {
        Files.writeString(fx.root.resolve("f"), "a\nfoo\nb\nfoo\n");
        var e = fx.refusal(edit, edit("f", "foo", "bar"));
        assertThat(e.code()).isEqualTo("edit_count_mismatch");
        assertThat(e.details().path("actual").asInt()).isEqualTo(2);
        assertThat(e.details().path("lines").toString()).isEqualTo("[2,4]");
        assertThat(e.hint()).contains("expectedCount=2");
        assertThat(fx.root.resolve("f")).hasContent("a\nfoo\nb\nfoo\n");
        var all = edit("f", "foo", "bar");
        ((tools.jackson.databind.node.ObjectNode) all).put("expectedCount", 2);
        assertThat(fx.run(edit, all).output().path("replacements").asInt()).isEqualTo(2);
        assertThat(fx.root.resolve("f")).hasContent("a\nbar\nb\nbar\n");
    }

    @Test
    void editTextNotFoundShowsTheClosestMatch() throws IOException {
        Files.writeString(fx.root.resolve("f.py"), "import os\n\ndef main():\n    print('hello world')\n    return 0\n");
        var e = fx.refusal(edit, edit("f.py", "def main():\n    print(\"hello world\")", "x"));
        assertThat(e.code()).isEqualTo("edit_text_not_found");
        var closest = e.details().path("closestMatch");
        assertThat(closest.path("line").asInt()).isEqualTo(3);
        assertThat(closest.path("text").asString()).isEqualTo("def main():\n    print('hello world')");
        assertThat(closest.path("similarity").asDouble()).isBetween(0.5, 1.0);
        assertThat(e.hint()).contains("line 3").contains("fs.read");
    }

    @Test
    void editRefusals() throws IOException {
        assertThat(fx.refusal(edit, edit("nope", "a", "b")).code()).isEqualTo("not_found");
        Files.write(fx.root.resolve("bin"), new byte[] {0, 1, 2, 'a'});
        assertThat(fx.refusal(edit, edit("bin", "a", "b")).code()).isEqualTo("binary_file");
        Files.createSymbolicLink(fx.root.resolve("s"), fx.outside.resolve("secret.txt"));
        assertThat(fx.assessRefusal(edit, edit("s", "secret", "gone")).code()).isEqualTo("path_outside_roots");
        assertThat(fx.outside.resolve("secret.txt")).hasContent("secret");
    }

    @Test
    void editSimulateGivesTheDiffWithoutWriting() throws IOException {
        Files.writeString(fx.root.resolve("f"), "alpha\nbeta\n");
        var out = fx.simulate(edit, edit("f", "beta", "gamma"));
        assertThat(out.path("diff").asString()).contains("-beta\n+gamma\n");
        assertThat(fx.root.resolve("f")).hasContent("alpha\nbeta\n");
    }
}
