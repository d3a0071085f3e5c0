package dev.warden.actions.fs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.action.ErrorKind;
import dev.warden.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** fs.list, fs.stat and fs.search. */
class InspectActionsTest {
    @TempDir Path tmp;
    FsFixture fx;
    ListAction list;
    StatAction stat;
    SearchAction search;

    @BeforeEach
    void setUp() throws IOException {
        fx = new FsFixture(tmp);
        list = new ListAction(fx.jail);
        stat = new StatAction(fx.jail);
        search = new SearchAction(fx.jail);
        Files.createDirectories(fx.root.resolve("src/main/java"));
        Files.writeString(fx.root.resolve("src/main/java/App.java"), "class App {\n  // TODO fix\n}\n");
        Files.writeString(fx.root.resolve("src/Top.java"), "class Top {}\n");
        Files.writeString(fx.root.resolve("README.md"), "# readme\nTODO: write\n");
        Files.write(fx.root.resolve("blob.bin"), new byte[] {'T', 'O', 'D', 'O', 0, 1});
        Files.createSymbolicLink(fx.root.resolve("escape"), fx.outside);
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private static List<String> names(JsonNode entries, String field) {
        var out = new ArrayList<String>();
        entries.forEach(e -> out.add(e.path(field).asString()));
        return out;
    }

    @Test
    void listsDirectEntriesSortedWithTypes() {
        var out = fx.run(list, Json.object().put("path", fx.root.toString())).output();
        assertThat(names(out.path("entries"), "name")).containsExactly("README.md", "blob.bin", "escape", "src");
        assertThat(names(out.path("entries"), "type")).containsExactly("file", "file", "symlink", "dir");
        assertThat(out.path("truncated").asBoolean()).isFalse();
        assertThat(out.has("nextCursor")).isFalse();
        assertThat(out.path("entries").get(0).path("size").asInt()).isEqualTo(21);
    }

    @Test
    void depthAndGlobIncludingTopLevelForDoubleStar() {
        var in = Json.object().put("path", ".").put("depth", 5).put("glob", "**/*.java");
        var out = fx.run(list, in).output();
        assertThat(names(out.path("entries"), "name")).containsExactly("Top.java", "App.java");
        var top = Json.object().put("path", "src").put("depth", 3).put("glob", "**/*.java");
        assertThat(names(fx.run(list, top).output().path("entries"), "name")).containsExactly("Top.java", "App.java");
        var direct = Json.object().put("path", "src").put("glob", "*.java");
        assertThat(names(fx.run(list, direct).output().path("entries"), "name")).containsExactly("Top.java");
    }

    @Test
    void pagesWithAnOpaqueCursor() {
        var seen = new ArrayList<String>();
        String cursor = null;
        int pages = 0;
        do {
            var in = Json.object().put("path", ".").put("depth", 10).put("limit", 2);
            if (cursor != null) in.put("cursor", cursor);
            var out = fx.run(list, in).output();
            seen.addAll(names(out.path("entries"), "name"));
            cursor = out.has("nextCursor") ? out.path("nextCursor").asString() : null;
            assertThat(out.path("truncated").asBoolean()).isEqualTo(cursor != null);
            pages++;
        } while (cursor != null && pages < 10);
        assertThat(seen).containsExactly("README.md", "blob.bin", "escape", "src", "Top.java", "main", "java", "App.java");
        assertThat(pages).isEqualTo(4);
    }

    @Test
    void doesNotFollowSymlinksOutOfTheRoots() {
        var out = fx.run(list, Json.object().put("path", ".").put("depth", 10)).output();
        assertThat(out.toString()).doesNotContain("secret.txt");
        assertThat(fx.assessRefusal(list, Json.object().put("path", "escape")).code()).isEqualTo("path_outside_roots");
    }

    @Test
    void listRefusals() {
        assertThat(fx.assessRefusal(list, Json.object().put("path", "README.md")).code()).isEqualTo("not_a_directory");
        assertThat(fx.assessRefusal(list, Json.object().put("path", "nope")).code()).isEqualTo("not_found");
        assertThat(fx.assessRefusal(list, Json.object().put("path", ".").put("cursor", "!!not base64!!")).code())
                .isEqualTo("invalid_cursor");
        var glob = fx.assessRefusal(list, Json.object().put("path", ".").put("glob", "src/[a-"));
        assertThat(glob.code()).isEqualTo("invalid_glob");
        assertThat(glob.kind()).isEqualTo(ErrorKind.BAD_INPUT);
    }

    @Test
    void statOfAFile() throws IOException {
        Files.setPosixFilePermissions(fx.root.resolve("README.md"), PosixFilePermissions.fromString("rw-r-----"));
        var out = fx.run(stat, Json.object().put("path", "README.md")).output();
        assertThat(out.path("exists").asBoolean()).isTrue();
        assertThat(out.path("type").asString()).isEqualTo("file");
        assertThat(out.path("size").asInt()).isEqualTo(21);
        assertThat(out.path("permissions").asString()).isEqualTo("rw-r-----");
        assertThat(out.path("owner").asString()).isNotBlank();
        assertThat(out.path("isSymlink").asBoolean()).isFalse();
        assertThat(out.path("modified").asString()).endsWith("Z");
        assertThat(out.has("sha256")).as("only when asked").isFalse();
    }

    @Test
    void statGivesTheSha256OfAFileWhenAskedAndNotOfADirectory() throws Exception {
        var expected = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(fx.root.resolve("README.md"))));
        var out = fx.run(stat, Json.object().put("path", "README.md").put("sha256", true)).output();
        assertThat(out.path("sha256").asString()).isEqualTo(expected);
        var dir = fx.run(stat, Json.object().put("path", ".").put("sha256", true)).output();
        assertThat(dir.has("sha256")).isFalse();
    }

    @Test
    void statOfAMissingPathIsAnAnswerNotAnError() {
        var out = fx.run(stat, Json.object().put("path", "not/here")).output();
        assertThat(out.path("exists").asBoolean()).isFalse();
        assertThat(out.path("path").asString()).isEqualTo(fx.root.resolve("not/here").toString());
    }

    @Test
    void statOfASymlinkInsideShowsItsTarget() throws IOException {
        Files.createSymbolicLink(fx.root.resolve("docs"), Path.of("src"));
        var out = fx.run(stat, Json.object().put("path", "docs")).output();
        assertThat(out.path("isSymlink").asBoolean()).isTrue();
        assertThat(out.path("target").asString()).isEqualTo("src");
        assertThat(out.path("type").asString()).isEqualTo("dir");
        assertThat(out.path("resolvedPath").asString()).isEqualTo(fx.root.resolve("src").toString());
    }

    @Test
    void statRefusesOutsideAndEscapingLinks() {
        assertThat(fx.assessRefusal(stat, Json.object().put("path", "escape")).code()).isEqualTo("path_outside_roots");
        assertThat(fx.assessRefusal(stat, Json.object().put("path", "/etc/passwd")).code()).isEqualTo("path_outside_roots");
    }

    @Test
    void searchByContentSkipsBinaryAndGivesLines() {
        var out = fx.run(search, Json.object().put("path", ".").put("content", "TODO")).output();
        var matches = out.path("matches");
        assertThat(matches.size()).isEqualTo(2);
        var paths = names(matches, "path");
        assertThat(paths).containsExactlyInAnyOrder(fx.root.resolve("README.md").toString(),
                fx.root.resolve("src/main/java/App.java").toString());
        for (var m : matches) {
            if (m.path("path").asString().endsWith("App.java")) {
                assertThat(m.path("line").asInt()).isEqualTo(2);
                assertThat(m.path("text").asString()).isEqualTo("// TODO fix");
            }
        }
        assertThat(out.path("truncated").asBoolean()).isFalse();
        assertThat(out.path("filesSkipped").asInt()).isEqualTo(1);
        assertThat(out.toString()).doesNotContain("secret");
    }

    @Test
    void searchByNameAndBothAndTheResultCap() {
        var byName = fx.run(search, Json.object().put("path", ".").put("name", "*.java")).output();
        assertThat(byName.path("matches").size()).isEqualTo(2);
        var both = fx.run(search, Json.object().put("path", ".").put("name", "*.java").put("content", "TODO")).output();
        assertThat(both.path("matches").size()).isEqualTo(1);
        var capped = fx.run(search, Json.object().put("path", ".").put("name", "*").put("maxResults", 1)).output();
        assertThat(capped.path("matches").size()).isEqualTo(1);
        assertThat(capped.path("truncated").asBoolean()).isTrue();
    }

    @Test
    void invalidRegexIsBadInputWithTheError() {
        var e = fx.assessRefusal(search, Json.object().put("path", ".").put("content", "foo(bar"));
        assertThat(e.code()).isEqualTo("invalid_regex");
        assertThat(e.kind()).isEqualTo(ErrorKind.BAD_INPUT);
        assertThat(e.details().path("error").asString()).isNotBlank();
        assertThat(fx.assessRefusal(search, Json.object().put("path", "escape").put("name", "*")).code())
                .isEqualTo("path_outside_roots");
    }
}
