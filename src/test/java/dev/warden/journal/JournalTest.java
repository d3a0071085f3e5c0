package dev.warden.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.action.ActionException;
import dev.warden.action.ErrorKind;
import dev.warden.guard.PathJail;
import dev.warden.identity.Principal;
import dev.warden.store.Database;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
    @TempDir Path tmp;
    Path root;
    Database db;
    Journal journal;
    final Principal alice = Principal.localAdmin("alice");

    @BeforeEach
    void setUp() throws IOException {
        root = Files.createDirectories(tmp.resolve("root")).toRealPath();
        db = Database.openSqlite(tmp.resolve("data"));
        journal = new Journal(db, tmp.resolve("data/journal"), Clock.systemUTC(), new PathJail(List.of(root)));
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private static ActionException failure(Runnable r) {
        try {
            r.run();
        } catch (ActionException e) {
            return e;
        }
        throw new AssertionError("expected an ActionException");
    }

    @Test
    void restoresExactBytesAndPermissions() throws IOException {
        var file = root.resolve("a.bin");
        byte[] original = {0, 1, 2, (byte) 0xff, 10, 13};
        Files.write(file, original);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-x---"));
        var rec = journal.begin(alice, "fs.write");
        rec.preserve(file);
        Files.writeString(file, "changed");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
        var id = rec.commit().orElseThrow();
        assertThat(id).matches("u_[a-z2-7]{12}");

        var result = journal.undo(id);

        assertThat(Files.readAllBytes(file)).isEqualTo(original);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rwxr-x---");
        assertThat(result.path("undoId").asString()).isEqualTo(id);
        assertThat(result.path("restored").get(0).path("action").asString()).isEqualTo("restored");
    }

    @Test
    void storesBlobsByContentHashOnce() throws IOException {
        Files.writeString(root.resolve("one"), "same bytes");
        Files.writeString(root.resolve("two"), "same bytes");
        var rec = journal.begin(alice, "fs.write");
        rec.preserve(root.resolve("one"));
        rec.preserve(root.resolve("two"));
        // sha256("same bytes")
        var objects = tmp.resolve("data/journal/objects");
        try (var files = Files.walk(objects)) {
            var blobs = files.filter(Files::isRegularFile).toList();
            assertThat(blobs).hasSize(1);
            assertThat(blobs.getFirst().getParent().getFileName().toString()).hasSize(2);
            assertThat(blobs.getFirst().getFileName().toString()).hasSize(62);
            assertThat(Files.readString(blobs.getFirst())).isEqualTo("same bytes");
        }
    }

    @Test
    void aFileThatDidNotExistIsRemovedAgain() throws IOException {
        var file = root.resolve("new.txt");
        var rec = journal.begin(alice, "fs.write");
        rec.preserve(file);
        Files.writeString(file, "fresh");
        var id = rec.commit().orElseThrow();
        journal.undo(id);
        assertThat(file).doesNotExist();
    }

    @Test
    void createdTreesAreRemovedAndMovesAreReversed() throws IOException {
        Files.writeString(root.resolve("from.txt"), "moving");
        var rec = journal.begin(alice, "test");
        rec.created(root.resolve("made"));
        Files.createDirectories(root.resolve("made/deep"));
        Files.writeString(root.resolve("made/deep/f"), "x");
        rec.moved(root.resolve("from.txt"), root.resolve("to.txt"));
        Files.move(root.resolve("from.txt"), root.resolve("to.txt"));
        var id = rec.commit().orElseThrow();

        var restored = journal.undo(id).path("restored");

        assertThat(root.resolve("made")).doesNotExist();
        assertThat(root.resolve("to.txt")).doesNotExist();
        assertThat(root.resolve("from.txt")).hasContent("moving");
        assertThat(restored.get(0).path("action").asString()).isEqualTo("moved_back");
        assertThat(restored.get(1).path("action").asString()).isEqualTo("removed");
    }

    @Test
    void trashKeepsATreeWithPermissionsAndUndoPutsItBack() throws IOException {
        var dir = Files.createDirectories(root.resolve("tree/sub"));
        Files.writeString(dir.resolve("f.sh"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(dir.resolve("f.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
        var rec = journal.begin(alice, "fs.delete");
        var where = rec.trash(root.resolve("tree"));
        assertThat(root.resolve("tree")).doesNotExist();
        assertThat(where).startsWith(journal.trashDir());
        assertThat(where.resolve("sub/f.sh")).hasContent("#!/bin/sh\n");
        var id = rec.commit().orElseThrow();

        journal.undo(id);

        assertThat(root.resolve("tree/sub/f.sh")).hasContent("#!/bin/sh\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("tree/sub/f.sh"))))
                .isEqualTo("rwxr-xr-x");
        assertThat(where.getParent()).doesNotExist();
    }

    @Test
    void abandonPutsTrashedThingsBackAndRecordsNothing() throws IOException {
        Files.writeString(root.resolve("keep.txt"), "keep");
        var rec = journal.begin(alice, "fs.delete");
        rec.trash(root.resolve("keep.txt"));
        rec.abandon();
        assertThat(root.resolve("keep.txt")).hasContent("keep");
        assertThat(rec.commit()).isEmpty();
    }

    @Test
    void nothingRecordedCommitsNothing() {
        assertThat(journal.begin(alice, "fs.read").commit()).isEmpty();
    }

    @Test
    void unknownIdIsNotFound() {
        var e = failure(() -> journal.undo("u_aaaaaaaaaaaa"));
        assertThat(e.code()).isEqualTo("undo_not_found");
        assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND);
        assertThat(e.hint()).isNotBlank();
    }

    @Test
    void secondUndoIsRefused() throws IOException {
        var file = root.resolve("f.txt");
        Files.writeString(file, "v1");
        var rec = journal.begin(alice, "fs.write");
        rec.preserve(file);
        Files.writeString(file, "v2");
        var id = rec.commit().orElseThrow();
        journal.undo(id);
        var e = failure(() -> journal.undo(id));
        assertThat(e.code()).isEqualTo("undo_already_applied");
        assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT);
        assertThat(file).hasContent("v1");
    }

    @Test
    void aFileChangedSinceIsAConflictAndNothingIsTouched() throws IOException {
        var a = root.resolve("a.txt");
        var b = root.resolve("b.txt");
        Files.writeString(a, "a1");
        Files.writeString(b, "b1");
        var rec = journal.begin(alice, "test");
        rec.preserve(a);
        rec.preserve(b);
        Files.writeString(a, "a2");
        Files.writeString(b, "b2");
        var id = rec.commit().orElseThrow();
        Files.writeString(b, "b3 by someone else");

        var e = failure(() -> journal.undo(id));

        assertThat(e.code()).isEqualTo("undo_conflict");
        assertThat(e.details().path("path").asString()).isEqualTo(b.toString());
        assertThat(e.hint()).contains("fs.read");
        assertThat(a).hasContent("a2");
        assertThat(b).hasContent("b3 by someone else");
        // The entry stays open: once the later change is reverted by hand, undo works.
        Files.writeString(b, "b2");
        journal.undo(id);
        assertThat(a).hasContent("a1");
        assertThat(b).hasContent("b1");
    }

    @Test
    void aFileRecreatedAfterATrashIsAConflict() throws IOException {
        Files.writeString(root.resolve("x"), "old");
        var rec = journal.begin(alice, "fs.delete");
        rec.trash(root.resolve("x"));
        var id = rec.commit().orElseThrow();
        Files.writeString(root.resolve("x"), "new");
        assertThat(failure(() -> journal.undo(id)).code()).isEqualTo("undo_conflict");
        assertThat(root.resolve("x")).hasContent("new");
    }

    @Test
    void aSymlinkSwappedIntoTheParentIsAConflict() throws IOException {
        var outside = Files.createDirectories(tmp.resolve("outside"));
        var dir = Files.createDirectories(root.resolve("dir"));
        var rec = journal.begin(alice, "fs.write");
        rec.preserve(dir.resolve("f"));
        Files.writeString(dir.resolve("f"), "made");
        var id = rec.commit().orElseThrow();
        Files.move(dir, root.resolve("dir-moved"));
        Files.createSymbolicLink(dir, outside);
        Files.writeString(outside.resolve("f"), "made");

        var e = failure(() -> journal.undo(id));
        assertThat(e.code()).isEqualTo("undo_conflict");
        assertThat(outside.resolve("f")).hasContent("made");
    }

    @Test
    void overwritingMoveUndoesInReverseOrder() throws IOException {
        var from = root.resolve("from");
        var to = root.resolve("to");
        Files.writeString(from, "new content");
        Files.writeString(to, "old target");
        var rec = journal.begin(alice, "fs.move");
        rec.preserve(to);
        rec.moved(from, to);
        Files.move(from, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        var id = rec.commit().orElseThrow();
        journal.undo(id);
        assertThat(from).hasContent("new content");
        assertThat(to).hasContent("old target");
    }

    @Test
    void theUndoIdRowRecordsPrincipalAndAction() throws Exception {
        var rec = journal.begin(alice, "fs.mkdir");
        rec.created(root.resolve("d"));
        Files.createDirectory(root.resolve("d"));
        var id = rec.commit().orElseThrow();
        try (var c = db.connection(); var st = c.prepareStatement("SELECT principal_id, action, undone_at FROM undo_entries WHERE id = ?")) {
            st.setString(1, id);
            try (var rs = st.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(alice.id());
                assertThat(rs.getString(2)).isEqualTo("fs.mkdir");
                assertThat(rs.getString(3)).isNull();
            }
        }
        journal.undo(id);
        assertThatThrownBy(() -> journal.undo(id)).isInstanceOf(ActionException.class);
    }
}
