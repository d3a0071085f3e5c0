package dev.warden.actions.fs;

import static dev.warden.actions.fs.FsFixture.input;
import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.action.ActionContext;
import dev.warden.action.ActionException;
import dev.warden.action.ChangeJournal;
import dev.warden.action.ErrorKind;
import dev.warden.identity.Principal;
import dev.warden.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadActionTest {
    @TempDir Path tmp;
    FsFixture fx;
    ReadAction read;

    @BeforeEach
    void setUp() {
        fx = new FsFixture(tmp);
        read = new ReadAction(fx.jail);
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private static tools.jackson.databind.JsonNode in(String path, String more) {
        var node = Json.object().put("path", path);
        if (!more.isEmpty()) input("{" + more + "}").properties().forEach(e -> node.set(e.getKey(), e.getValue()));
        return node;
    }

    @Test
    void readsTextWithItsSize() throws IOException {
        Files.writeString(fx.root.resolve("a.txt"), "héllo\nworld\n");
        var out = fx.run(read, in("a.txt", "")).output();
        assertThat(out.path("content").asString()).isEqualTo("héllo\nworld\n");
        assertThat(out.path("encoding").asString()).isEqualTo("utf-8");
        assertThat(out.path("size").asLong()).isEqualTo(13);
        assertThat(out.path("truncated").asBoolean()).isFalse();
        assertThat(out.path("path").asString()).isEqualTo(fx.root.resolve("a.txt").toString());
    }

    @Test
    void binaryComesAsBase64() throws IOException {
        byte[] bytes = {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2};
        Files.write(fx.root.resolve("img.png"), bytes);
        var out = fx.run(read, in("img.png", "")).output();
        assertThat(out.path("encoding").asString()).isEqualTo("base64");
        assertThat(Base64.getDecoder().decode(out.path("content").asString())).isEqualTo(bytes);
    }

    @Test
    void plainAsciiIsTextAndInvalidUtf8WithoutANulIsStillBase64() throws IOException {
        var ascii = "line 1\tend\n".repeat(500) + "\u007f~";
        Files.writeString(fx.root.resolve("plain.txt"), ascii);
        var text = fx.run(read, in("plain.txt", "")).output();
        assertThat(text.path("encoding").asString()).isEqualTo("utf-8");
        assertThat(text.path("content").asString()).isEqualTo(ascii);

        byte[] broken = {'a', 'b', (byte) 0xc3, '(', 'c'};
        Files.write(fx.root.resolve("broken.txt"), broken);
        var out = fx.run(read, in("broken.txt", "")).output();
        assertThat(out.path("encoding").asString()).isEqualTo("base64");
        assertThat(Base64.getDecoder().decode(out.path("content").asString())).isEqualTo(broken);
    }

    @Test
    void byteRange() throws IOException {
        Files.writeString(fx.root.resolve("a.txt"), "0123456789");
        var out = fx.run(read, in("a.txt", "'offset':3,'length':4")).output();
        assertThat(out.path("content").asString()).isEqualTo("3456");
        assertThat(out.path("truncated").asBoolean()).isFalse();
    }

    @Test
    void capTruncatesWithAContinuationHint() throws IOException {
        var small = new ReadAction(fx.jail, 4);
        Files.writeString(fx.root.resolve("a.txt"), "0123456789");
        var out = fx.run(small, in("a.txt", "")).output();
        assertThat(out.path("content").asString()).isEqualTo("0123");
        assertThat(out.path("truncated").asBoolean()).isTrue();
        assertThat(out.path("nextOffset").asLong()).isEqualTo(4);
        assertThat(out.path("hint").asString()).isEqualTo("call fs.read with offset=4 to continue");
        var next = fx.run(small, in("a.txt", "'offset':4")).output();
        assertThat(next.path("content").asString()).isEqualTo("4567");
    }

    @Test
    void capNeverSplitsAMultiByteCharacter() throws IOException {
        var small = new ReadAction(fx.jail, 4);
        Files.writeString(fx.root.resolve("a.txt"), "abcé rest"); // é is two bytes at offsets 3-4
        var out = fx.run(small, in("a.txt", "")).output();
        assertThat(out.path("encoding").asString()).isEqualTo("utf-8");
        assertThat(out.path("content").asString()).isEqualTo("abc");
        assertThat(out.path("nextOffset").asLong()).isEqualTo(3);
    }

    @Test
    void lineRangeIsOneBasedAndInclusive() throws IOException {
        Files.writeString(fx.root.resolve("a.txt"), "l1\nl2\nl3\nl4\n");
        var out = fx.run(read, in("a.txt", "'startLine':2,'endLine':3")).output();
        assertThat(out.path("content").asString()).isEqualTo("l2\nl3\n");
        assertThat(out.path("startLine").asInt()).isEqualTo(2);
        assertThat(out.path("endLine").asInt()).isEqualTo(3);
        assertThat(out.path("truncated").asBoolean()).isFalse();
    }

    @Test
    void lineRangeCappedGivesNextLine() throws IOException {
        var small = new ReadAction(fx.jail, 6);
        Files.writeString(fx.root.resolve("a.txt"), "l1\nl2\nl3\nl4\n");
        var out = fx.run(small, in("a.txt", "'startLine':1")).output();
        assertThat(out.path("content").asString()).isEqualTo("l1\nl2\n");
        assertThat(out.path("truncated").asBoolean()).isTrue();
        assertThat(out.path("nextLine").asInt()).isEqualTo(3);
        assertThat(out.path("hint").asString()).contains("startLine=3");
    }

    @Test
    void refusesDirectoriesWithAHintToList() throws IOException {
        Files.createDirectories(fx.root.resolve("d"));
        var e = fx.assessRefusal(read, in("d", ""));
        assertThat(e.code()).isEqualTo("is_a_directory");
        assertThat(e.hint()).contains("fs.list");
    }

    @Test
    void refusesOutsideAndSymlinkEscapes() throws IOException {
        assertThat(fx.assessRefusal(read, in(fx.outside + "/secret.txt", "")).code()).isEqualTo("path_outside_roots");
        Files.createSymbolicLink(fx.root.resolve("link"), fx.outside.resolve("secret.txt"));
        var e = fx.assessRefusal(read, in("link", ""));
        assertThat(e.code()).isEqualTo("path_outside_roots");
        assertThat(e.kind()).isEqualTo(ErrorKind.REFUSED);
    }

    @Test
    void missingFileAndConflictingRanges() throws IOException {
        assertThat(fx.refusal(read, in("nope", "")).code()).isEqualTo("not_found");
        Files.writeString(fx.root.resolve("a.txt"), "x");
        assertThat(fx.refusal(read, in("a.txt", "'offset':1,'startLine':1")).code()).isEqualTo("conflicting_range");
        assertThat(fx.refusal(read, in("a.txt", "'offset':5")).code()).isEqualTo("offset_beyond_end");
    }

    @Test
    void lineModeOnBinaryIsRefused() throws IOException {
        Files.write(fx.root.resolve("b"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
        assertThat(fx.refusal(read, in("b", "'startLine':1")).code()).isEqualTo("binary_file");
    }

    @Test
    void readRecordsNothingToUndo() throws IOException {
        Files.writeString(fx.root.resolve("a.txt"), "x");
        assertThat(fx.run(read, in("a.txt", "")).undoId()).isEmpty();
    }

    /** Like the engine's context: execute reuses what assess resolved in the same call. */
    private record Remembering(ChangeJournal journal, Instant deadline, Map<Object, Object> done) implements ActionContext {
        Remembering(ChangeJournal journal) {
            this(journal, Instant.now().plusSeconds(60), new HashMap<>());
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T once(Object key, Supplier<T> work) {
            return (T) done.computeIfAbsent(key, k -> work.get());
        }
    }

    private Remembering remembering() {
        return new Remembering(fx.journal.begin(Principal.localAdmin("tester"), "fs.read"));
    }

    @Test
    void executeReadsThePathTheGuardResolvedWithoutResolvingItAgain() throws IOException {
        Files.writeString(fx.root.resolve("a.txt"), "inside");
        var ctx = remembering();
        read.assess(ctx, in("a.txt", ""));
        assertThat(ctx.done()).hasSize(1);
        assertThat(read.execute(ctx, in("a.txt", "")).path("content").asString()).isEqualTo("inside");
        assertThat(ctx.done()).as("execute found the guard's resolution and added none").hasSize(1);
    }

    @Test
    void aFileSwappedForALinkOutOfTheRootsAfterTheGuardIsRefusedAtTheOpen() throws IOException {
        var file = fx.root.resolve("a.txt");
        Files.writeString(file, "inside");
        var ctx = remembering();
        read.assess(ctx, in("a.txt", ""));
        Files.delete(file);
        Files.createSymbolicLink(file, fx.outside.resolve("secret.txt"));
        assertThatThrownBy(() -> read.execute(ctx, in("a.txt", "")))
                .isInstanceOfSatisfying(ActionException.class, e -> assertThat(e.code()).isEqualTo("path_outside_roots"));
    }

    @Test
    void aDirectorySwappedForALinkOutOfTheRootsAfterTheGuardIsRefusedAtTheOpen() throws IOException {
        var dir = Files.createDirectories(fx.root.resolve("dir"));
        Files.writeString(dir.resolve("secret.txt"), "inside");
        var ctx = remembering();
        read.assess(ctx, in("dir/secret.txt", ""));
        Files.move(dir, fx.root.resolve("dir.old"));
        Files.createSymbolicLink(dir, fx.outside);
        assertThatThrownBy(() -> read.execute(ctx, in("dir/secret.txt", "")))
                .isInstanceOfSatisfying(ActionException.class, e -> assertThat(e.code()).isEqualTo("path_outside_roots"));
    }

    @Test
    void aFileRemovedAfterTheGuardIsNotFound() throws IOException {
        var file = fx.root.resolve("a.txt");
        Files.writeString(file, "inside");
        var ctx = remembering();
        read.assess(ctx, in("a.txt", ""));
        Files.delete(file);
        assertThatThrownBy(() -> read.execute(ctx, in("a.txt", "")))
                .isInstanceOfSatisfying(ActionException.class, e -> assertThat(e.code()).isEqualTo("not_found"));
    }
}
