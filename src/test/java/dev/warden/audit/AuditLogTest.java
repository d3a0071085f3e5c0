package dev.warden.audit;

import static dev.warden.audit.SampleEntries.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.action.ActionException;
import dev.warden.json.Json;
import dev.warden.store.Database;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AuditLogTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-04T08:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dataDir;
    Database db;

    @BeforeEach
    void open() {
        db = Database.openSqlite(dataDir);
    }

    @AfterEach
    void closeDb() {
        db.close();
    }

    @Test
    void appendReturnsConsecutiveSeqsAndTheRowIsVisibleToAFreshConnectionAtOnce() throws SQLException {
        try (var audit = new AuditLog(db, CLOCK)) {
            long first = audit.append(entry(1));
            try (var fresh = DriverManager.getConnection(db.url());
                 var rs = fresh.createStatement().executeQuery("SELECT seq, action, prev_hash, hash FROM audit_log")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong("seq")).isEqualTo(first).isEqualTo(1);
                assertThat(rs.getString("action")).isEqualTo("fs.read");
                assertThat(rs.getString("prev_hash")).isEqualTo("0".repeat(64));
                assertThat(rs.getString("hash")).matches("[0-9a-f]{64}");
            }
            assertThat(audit.append(entry(2))).isEqualTo(2);
            assertThat(audit.appendAsync(entry(3)).join()).isEqualTo(3);
        }
        var records = new AuditQuery(db).page(0, 10);
        assertThat(records).extracting(AuditRecord::seq).containsExactly(1L, 2L, 3L);
        assertThat(records.get(1).prevHash()).isEqualTo(records.get(0).hash());
        assertThat(records.get(2).prevHash()).isEqualTo(records.get(1).hash());
    }

    @Test
    void storesEveryFieldWithTheTimeInMicrosecondsAndTheClockWhenTheEntryHasNone() {
        try (var audit = new AuditLog(db, CLOCK)) {
            audit.append(entry(1));
            var e = entry(2);
            audit.append(new AuditEntry(null, e.principalId(), e.principalName(), e.project(), e.origin(), e.action(),
                    e.mode(), e.input(), e.risk(), e.decision(), e.reason(), e.outcome(), e.code(), e.resultDigest(),
                    e.durationMicros(), e.traceId(), "undo-7"));
        }
        var records = new AuditQuery(db).page(0, 10);
        var first = records.get(0);
        assertThat(first.ts()).isEqualTo(Instant.parse("2026-11-03T10:15:30.124456Z"));
        assertThat(first.principalId()).isEqualTo("user:1");
        assertThat(first.decision()).isEqualTo("allow");
        assertThat(first.resultDigest()).isEqualTo("ab".repeat(32));
        assertThat(first.durationMicros()).isEqualTo(1_001L);
        assertThat(first.input()).isEqualTo(entry(1).input());
        var second = records.get(1);
        assertThat(second.ts()).isEqualTo(CLOCK.instant());
        assertThat(second.decision()).isNull();
        assertThat(second.code()).isEqualTo("policy_denied");
        assertThat(second.undoId()).isEqualTo("undo-7");
    }

    @Test
    void manyConcurrentCallersShareCommitsAndTheChainVerifies() throws Exception {
        var seqs = ConcurrentHashMap.<Long>newKeySet();
        AuditLog.Stats stats;
        try (var audit = new AuditLog(db, CLOCK)) {
            try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int t = 0; t < 200; t++) {
                    int thread = t;
                    threads.submit(() -> {
                        for (int i = 0; i < 10; i++) seqs.add(audit.append(entry(thread * 10 + i)));
                        return null;
                    });
                }
            }
            stats = audit.stats();
        }
        assertThat(seqs).hasSize(2_000);
        assertThat(seqs).allSatisfy(s -> assertThat(s).isBetween(1L, 2_000L));
        assertThat(stats.records()).isEqualTo(2_000);
        assertThat(stats.transactions()).isLessThan(2_000);
        assertThat(stats.largestBatch()).isGreaterThan(1);
        assertThat(stats.failedBatches()).isZero();
        var report = new AuditVerifier().verify(db);
        assertThat(report.ok()).as(report.message()).isTrue();
        assertThat(report.count()).isEqualTo(2_000);
    }

    @Test
    void aLoneCallerCommitsItsOwnRecordOnItsOwnThreadPlatformOrVirtual() throws Exception {
        try (var audit = new AuditLog(db, CLOCK)) {
            for (int i = 1; i <= 5; i++) assertThat(audit.append(entry(i))).isEqualTo(i);
            assertThat(audit.stats().inlineTransactions()).isEqualTo(5);
            assertThat(audit.stats().transactions()).isEqualTo(5);

            // Nothing queued: a virtual thread too commits its own record, sparing the writer's wake-up.
            try (var virtual = Executors.newVirtualThreadPerTaskExecutor()) {
                var seq = CompletableFuture.supplyAsync(() -> audit.append(entry(6)), virtual);
                assertThat(seq.get(10, TimeUnit.SECONDS)).isEqualTo(6);
            }
            assertThat(audit.stats().inlineTransactions()).isEqualTo(6);
        }
        assertThat(new AuditVerifier().verify(db).count()).isEqualTo(6);
    }

    @Test
    void platformAndVirtualCallersTogetherShareCommitsAndKeepOneChain() throws Exception {
        var seqs = ConcurrentHashMap.<Long>newKeySet();
        AuditLog.Stats stats;
        try (var audit = new AuditLog(db, CLOCK, new AuditLog.Options(50, 10_000))) {
            var threads = new ArrayList<Thread>();
            for (int t = 0; t < 16; t++) {
                int thread = t;
                var builder = t % 2 == 0 ? Thread.ofPlatform() : Thread.ofVirtual();
                threads.add(builder.start(() -> {
                    for (int i = 0; i < 60; i++) seqs.add(audit.append(entry(thread * 60 + i)));
                }));
            }
            for (var thread : threads) thread.join();
            stats = audit.stats();
        }
        assertThat(seqs).hasSize(960).allSatisfy(s -> assertThat(s).isBetween(1L, 960L));
        assertThat(stats.records()).isEqualTo(960);
        // Which caller wrote which batch depends on scheduling (a lone caller committing inline is
        // asserted above); here, sixteen callers at once shared commits.
        assertThat(stats.transactions()).isLessThan(960);
        assertThat(stats.failedBatches()).isZero();
        var report = new AuditVerifier().verify(db);
        assertThat(report.ok()).as(report.message()).isTrue();
        assertThat(report.count()).isEqualTo(960);
    }

    @Test
    void closingWhilePlatformThreadsWriteLosesNoRecordThatWasAcknowledged() throws Exception {
        var acknowledged = ConcurrentHashMap.<Long>newKeySet();
        var refused = new java.util.concurrent.atomic.AtomicInteger();
        var audit = new AuditLog(db, CLOCK, new AuditLog.Options(20, 10_000));
        var threads = new ArrayList<Thread>();
        var started = new java.util.concurrent.CountDownLatch(8);
        for (int t = 0; t < 8; t++) {
            int thread = t;
            threads.add(Thread.ofPlatform().start(() -> {
                started.countDown();
                for (int i = 0; ; i++) { // until the log refuses: every thread must meet the close
                    try {
                        acknowledged.add(audit.append(entry(thread * 10_000 + i)));
                    } catch (ActionException e) {
                        assertThat(e.code()).isEqualTo("audit_closed");
                        refused.incrementAndGet();
                        return;
                    }
                }
            }));
        }
        started.await();
        Thread.sleep(200);
        audit.close();
        for (var thread : threads) thread.join();
        assertThat(refused.get()).as("every thread met the closed log").isEqualTo(8);
        var report = new AuditVerifier().verify(db);
        assertThat(report.ok()).as(report.message()).isTrue();
        assertThat(report.count()).as("every acknowledged record is on disk, and no other").isEqualTo(acknowledged.size());
    }

    @Test
    void twoWritersOnOneDatabaseKeepOneChain() throws Exception {
        // A second Database stands for a second process (the CLI next to a running server).
        try (var otherDb = Database.openSqlite(dataDir);
             var server = new AuditLog(db, CLOCK, new AuditLog.Options(50, 1_000));
             var cli = new AuditLog(otherDb, CLOCK, new AuditLog.Options(50, 1_000));
             var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            var futures = new ArrayList<CompletableFuture<Long>>();
            for (int t = 0; t < 40; t++) {
                var log = t % 2 == 0 ? server : cli;
                int thread = t;
                futures.add(CompletableFuture.supplyAsync(() -> {
                    long last = 0;
                    for (int i = 0; i < 15; i++) last = log.append(entry(thread * 15 + i));
                    return last;
                }, threads));
            }
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
            assertThat(server.stats().records()).isEqualTo(300);
            assertThat(cli.stats().records()).isEqualTo(300);
        }
        var report = new AuditVerifier().verify(db);
        assertThat(report.ok()).as(report.message()).isTrue();
        assertThat(report.count()).isEqualTo(600);
        assertThat(((VerifyReport.Intact) report).headSeq()).isEqualTo(600);
    }

    @Test
    void aWriterPicksUpTheRecordsAnotherProcessAppendedSinceItsLastBatch() {
        try (var otherDb = Database.openSqlite(dataDir);
             var server = new AuditLog(db, CLOCK);
             var cli = new AuditLog(otherDb, CLOCK)) {
            for (int i = 1; i <= 20; i++) {
                var log = i % 3 == 0 ? cli : server;
                assertThat(log.append(entry(i))).isEqualTo(i);
            }
        }
        var report = new AuditVerifier().verify(db);
        assertThat(report.ok()).as(report.message()).isTrue();
        assertThat(report.count()).isEqualTo(20);
    }

    @Test
    void closeWritesWhatIsQueuedAndLaterAppendsFail() throws Exception {
        var audit = new AuditLog(db, CLOCK, new AuditLog.Options(7, 10_000));
        var futures = new ArrayList<CompletableFuture<Long>>();
        for (int i = 0; i < 500; i++) futures.add(audit.appendAsync(entry(i)));
        audit.close();
        // Durable by the time close() returns; the futures themselves complete on their own threads.
        assertThat(new AuditVerifier().verify(db).count()).isEqualTo(500);
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        Set<Long> seqs = new HashSet<>();
        futures.forEach(f -> seqs.add(f.join()));
        assertThat(seqs).hasSize(500);

        assertThatThrownBy(() -> audit.append(entry(501)))
                .isInstanceOfSatisfying(ActionException.class, e -> {
                    assertThat(e.code()).isEqualTo("audit_closed");
                    assertThat(e.getMessage()).contains("closed");
                    assertThat(e.hint()).isNotBlank();
                });
        assertThatThrownBy(() -> audit.appendAsync(entry(502))).isInstanceOf(ActionException.class);
        audit.close(); // a second close is harmless
    }

    @Test
    void storesTheInputRedacted() {
        var input = Json.parse("""
                {"command": "curl -H 'Authorization: Bearer abcdef123456' https://x", "env": {"HOME": "/root", "PGPASSWORD": "hunter2"},
                 "password": "hunter2", "options": {"apiKey": "k-123", "depth": 2}}""");
        try (var audit = new AuditLog(db, CLOCK)) {
            audit.append(entry(1, input));
        }
        var stored = new AuditQuery(db).find(1).orElseThrow().input();
        assertThat(stored.toString()).doesNotContain("hunter2", "abcdef123456", "k-123");
        assertThat(stored.get("env").get("HOME").asString()).isEqualTo(Redactor.MASK);
        assertThat(stored.get("options").get("depth").asInt()).isEqualTo(2);
        assertThat(input.get("password").asString()).as("the caller's input is left alone").isEqualTo("hunter2");
    }

    @Test
    void anEntryMissingARequiredFieldIsRefusedWithoutHarmingOthers() {
        try (var audit = new AuditLog(db, CLOCK)) {
            var e = entry(1);
            var noAction = new AuditEntry(e.time(), e.principalId(), e.principalName(), e.project(), e.origin(), null,
                    e.mode(), e.input(), e.risk(), e.decision(), e.reason(), e.outcome(), e.code(), e.resultDigest(),
                    e.durationMicros(), e.traceId(), e.undoId());
            assertThatThrownBy(() -> audit.append(noAction))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("action");
            assertThat(audit.append(entry(2))).isEqualTo(1);
        }
    }

    @Test
    void aBatchTheDatabaseRefusesFailsItsCallersAndTheWriterCarriesOn() throws SQLException {
        try (var audit = new AuditLog(db, CLOCK)) {
            assertThat(audit.append(entry(1))).isEqualTo(1);
            try (var conn = db.connection(); var st = conn.createStatement()) {
                st.execute("CREATE TRIGGER refuse BEFORE INSERT ON audit_log WHEN NEW.action = 'fs.delete' "
                        + "BEGIN SELECT RAISE(ABORT, 'refused by test'); END");
            }
            var e = entry(2);
            var refused = new AuditEntry(e.time(), e.principalId(), e.principalName(), e.project(), e.origin(),
                    "fs.delete", e.mode(), e.input(), e.risk(), e.decision(), e.reason(), e.outcome(), e.code(),
                    e.resultDigest(), e.durationMicros(), e.traceId(), e.undoId());
            assertThatThrownBy(() -> audit.append(refused))
                    .isInstanceOfSatisfying(ActionException.class, ex -> {
                        assertThat(ex.code()).isEqualTo("audit_write_failed");
                        assertThat(ex.getMessage()).contains("refused by test");
                    });
            assertThat(audit.stats().failedBatches()).isEqualTo(1);
            assertThat(audit.append(entry(3))).isEqualTo(2);
        }
        assertThat(new AuditVerifier().verify(db).ok()).isTrue();
    }

    @Test
    void optionsRejectNonsense() {
        assertThatThrownBy(() -> new AuditLog.Options(0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AuditLog.Options(10, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(AuditLog.Options.DEFAULTS.maxBatch()).isGreaterThan(1);
    }
}
