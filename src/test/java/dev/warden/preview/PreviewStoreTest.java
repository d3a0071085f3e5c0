package dev.warden.preview;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.action.ActionException;
import dev.warden.sandbox.FileChange;
import dev.warden.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreviewStoreTest {
    @TempDir
    Path temp;

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T10:00:00Z"));
    private Database db;
    private PreviewStore store;

    @BeforeEach
    void setUp() {
        db = Database.openSqlite(temp);
        var clock = new Clock() {
            public ZoneOffset getZone() { return ZoneOffset.UTC; }
            public Clock withZone(java.time.ZoneId zone) { return this; }
            public Instant instant() { return now.get(); }
        };
        store = new PreviewStore(db, temp.resolve("previews"), clock);
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private Preview saved() throws Exception {
        var pending = store.open();
        var upper = Files.createDirectories(pending.dir().resolve("0/upper"));
        Files.writeString(upper.resolve("new.txt"), "new");
        var change = new FileChange(temp.resolve("root/new.txt"), FileChange.Kind.CREATED, FileChange.Type.FILE,
                upper.resolve("new.txt"), "absent");
        return store.save(pending, List.of(change), Duration.ofMinutes(10));
    }

    @Test
    void aSavedPreviewKeepsItsChangesUntilItExpires() throws Exception {
        var preview = saved();

        assertThat(store.pending(preview.id()).changes()).singleElement()
                .satisfies(c -> assertThat(c.path()).isEqualTo(temp.resolve("root/new.txt")));
        assertThat(preview.expiresAt()).isEqualTo(Instant.parse("2026-01-01T10:10:00Z"));

        now.set(Instant.parse("2026-01-01T10:10:00Z"));

        assertThatThrownBy(() -> store.claim(preview.id())).isInstanceOfSatisfying(ActionException.class,
                e -> assertThat(e.code()).isEqualTo("preview_expired"));
        assertThat(preview.dir()).doesNotExist();
    }

    @Test
    void onlyOneCommitCanClaimAPreview() throws Exception {
        var preview = saved();

        store.claim(preview.id());

        assertThatThrownBy(() -> store.claim(preview.id())).isInstanceOfSatisfying(ActionException.class,
                e -> assertThat(e.code()).isEqualTo("preview_committing"));
        assertThatThrownBy(() -> store.discard(preview.id())).isInstanceOfSatisfying(ActionException.class,
                e -> assertThat(e.code()).isEqualTo("preview_committing"));
        store.release(preview.id());
        assertThat(store.discard(preview.id()).status()).isEqualTo(Preview.Status.DISCARDED);
        assertThat(preview.dir()).doesNotExist();
    }

    @Test
    void aDroppedRunLeavesNothing() throws Exception {
        var pending = store.open();
        Files.writeString(pending.dir().resolve("x"), "x");

        store.drop(pending);

        assertThat(store.find(pending.id())).isEmpty();
        assertThat(pending.dir()).doesNotExist();
    }

    @Test
    void aRunOrphanedByADeadWardenIsSweptAfterADay() {
        var pending = store.open();

        now.set(now.get().plus(Duration.ofDays(1)));

        assertThat(store.sweep()).isEqualTo(1);
        assertThat(store.find(pending.id()).orElseThrow().status()).isEqualTo(Preview.Status.EXPIRED);
        assertThat(pending.dir()).doesNotExist();
    }
}
