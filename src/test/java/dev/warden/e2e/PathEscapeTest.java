package dev.warden.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way out of the root an agent might try, through REST: each is refused, leaks nothing and creates nothing. */
class PathEscapeTest {
    static final String SECRET = "the-launch-codes-0000";

    @TempDir
    Path temp;

    E2eFixture w;
    Path outside;

    @BeforeEach
    void start() throws Exception {
        w = new E2eFixture(temp, 64 * 1024);
        outside = Files.createDirectories(temp.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), SECRET);
    }

    @AfterEach
    void stop() {
        w.close();
    }

    private E2eFixture.Answer call(String action, String token, Object... fields) {
        var body = Json.object();
        for (int i = 0; i < fields.length; i += 2) {
            switch (fields[i + 1]) {
                case String s -> body.put((String) fields[i], s);
                case Boolean b -> body.put((String) fields[i], b);
                default -> throw new IllegalArgumentException();
            }
        }
        return w.post("/v1/actions/" + action, token, body);
    }

    private void assertOutsideUntouched() throws Exception {
        assertThat(w.filesUnder(outside)).containsExactly(outside.resolve("secret.txt"));
        assertThat(Files.readString(outside.resolve("secret.txt"))).isEqualTo(SECRET);
    }

    @Test
    void aSymlinkedFilePointingOutIsNotRead() throws Exception {
        Files.createSymbolicLink(w.root.resolve("innocent.txt"), outside.resolve("secret.txt"));

        for (var action : new String[] {"fs.read", "fs.stat"}) {
            var answer = call(action, w.operatorToken, "path", "innocent.txt");
            answer.assertProblem(403, "path_outside_roots");
            assertThat(answer.text()).doesNotContain(SECRET);
        }
        var search = call("fs.search", w.operatorToken, "path", ".", "content", "launch-codes");
        assertThat(search.text()).doesNotContain(SECRET);

        var overwrite = call("fs.write", w.operatorToken, "path", "innocent.txt", "content", "pwned");
        assertThat(overwrite.status()).as(overwrite.text()).isEqualTo(403);
        assertThat(overwrite.code()).isEqualTo("path_outside_roots");
        assertOutsideUntouched();
    }

    @Test
    void aSymlinkedDirectoryPointingOutCannotBeWrittenThrough() throws Exception {
        Files.createSymbolicLink(w.root.resolve("linked"), outside);

        call("fs.write", w.operatorToken, "path", "linked/new.txt", "content", "planted").assertProblem(403, "path_outside_roots");
        call("fs.mkdir", w.operatorToken, "path", "linked/sub").assertProblem(403, "path_outside_roots");
        call("fs.read", w.operatorToken, "path", "linked/secret.txt").assertProblem(403, "path_outside_roots");
        call("fs.list", w.operatorToken, "path", "linked").assertProblem(403, "path_outside_roots");

        Files.writeString(w.root.resolve("mine.txt"), "mine");
        call("fs.copy", w.operatorToken, "from", "mine.txt", "to", "linked/mine.txt").assertProblem(403, "path_outside_roots");
        call("fs.move", w.operatorToken, "from", "mine.txt", "to", "linked/mine.txt").assertProblem(403, "path_outside_roots");
        assertThat(w.root.resolve("mine.txt")).hasContent("mine");

        // A shell may not start inside it either.
        call("shell.exec", w.operatorToken, "command", "touch planted", "cwd", "linked").assertProblem(403, "path_outside_roots");

        assertOutsideUntouched();
    }

    @Test
    void aSiblingDirectoryWhoseNameStartsLikeTheRootIsOutside() throws Exception {
        var sibling = Files.createDirectories(temp.resolve("root2"));
        Files.writeString(sibling.resolve("file.txt"), SECRET);

        for (var path : new String[] {sibling.resolve("file.txt").toString(), "../root2/file.txt", w.root + "2/file.txt"}) {
            var answer = call("fs.read", w.operatorToken, "path", path);
            answer.assertProblem(403, "path_outside_roots");
            assertThat(answer.text()).doesNotContain(SECRET);
        }
        call("fs.write", w.operatorToken, "path", w.root + "2/planted.txt", "content", "x").assertProblem(403, "path_outside_roots");
        call("fs.list", w.operatorToken, "path", w.root + "2").assertProblem(403, "path_outside_roots");
        assertThat(w.filesUnder(sibling)).containsExactly(sibling.resolve("file.txt"));
    }

    @Test
    void dotDotEscapesAndAbsolutePathsOutsideAreRefused() throws Exception {
        Files.createDirectories(w.root.resolve("sub"));
        for (var path : new String[] {"../outside/secret.txt", "sub/../../outside/secret.txt", "./sub/../../../../../../etc/passwd",
                outside.resolve("secret.txt").toString(), "/etc/passwd", "/", w.root + "/../outside/secret.txt"}) {
            var answer = call("fs.read", w.operatorToken, "path", path);
            answer.assertProblem(403, "path_outside_roots");
            assertThat(answer.text()).doesNotContain(SECRET).doesNotContain("root:x:0:0");
        }
        call("fs.write", w.operatorToken, "path", "../outside/planted.txt", "content", "x").assertProblem(403, "path_outside_roots");
        call("fs.delete", E2eFixture.ADMIN, "path", "../outside/secret.txt").assertProblem(403, "path_outside_roots");
        // ".." that stays inside is fine.
        Files.writeString(w.root.resolve("inside.txt"), "ok");
        var inside = call("fs.read", w.operatorToken, "path", "sub/../inside.txt");
        assertThat(inside.status()).as(inside.text()).isEqualTo(200);
        assertOutsideUntouched();
    }

    @Test
    void pathsWithANulByteAreAClearProblem() throws Exception {
        for (var action : new String[] {"fs.read", "fs.stat", "fs.write"}) {
            var answer = action.equals("fs.write")
                    ? call(action, w.operatorToken, "path", "a\u0000b", "content", "x")
                    : call(action, w.operatorToken, "path", "a\u0000b");
            answer.assertProblem(422, "invalid_path");
            assertThat(answer.body().path("detail").asString()).containsIgnoringCase("NUL");
        }
        var cwd = call("shell.exec", w.operatorToken, "command", "touch planted", "cwd", "a\u0000b");
        cwd.assertProblem(422, "invalid_path");
        assertThat(w.filesUnder(w.root)).isEmpty();
        w.assertStillServing();
    }
}
