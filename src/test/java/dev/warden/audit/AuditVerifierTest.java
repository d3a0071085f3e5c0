package dev.warden.audit;

import static dev.warden.audit.SampleEntries.entry;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.audit.VerifyReport.Broken;
import dev.warden.audit.VerifyReport.Tampering;
import dev.warden.store.Database;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tampers with the SQLite file behind Warden's back, as someone with access to the data dir could. */
class AuditVerifierTest {
    @TempDir
    Path dataDir;
    Database db;
    Connection raw;
    final AuditVerifier verifier = new AuditVerifier();

    @BeforeEach
    void writeTenRecords() throws SQLException {
        db = Database.openSqlite(dataDir);
        try (var audit = new AuditLog(db, Clock.systemUTC())) {
            for (int i = 1; i <= 10; i++) audit.append(entry(i));
        }
        raw = DriverManager.getConnection(db.url());
    }

    @AfterEach
    void close() throws SQLException {
        raw.close();
        db.close();
    }

    @Test
    void anUntouchedChainVerifies() {
        var report = verifier.verify(db);
        assertThat(report.ok()).isTrue();
        assertThat(report.count()).isEqualTo(10);
        var intact = (VerifyReport.Intact) report;
        assertThat(intact.headSeq()).isEqualTo(10);
        assertThat(intact.headHash()).isEqualTo(new AuditQuery(db).find(10).orElseThrow().hash());
        assertThat(report.message()).contains("All 10 audit records verify", "checkpoint");
    }

    @Test
    void anEmptyTrailVerifies() throws SQLException {
        sql("DELETE FROM audit_log");
        var report = verifier.verify(db);
        assertThat(report.ok()).isTrue();
        assertThat(report.count()).isZero();
        assertThat(report.message()).isEqualTo("The audit trail is empty.");
    }

    @Test
    void anEditedFieldIsNamed() throws SQLException {
        sql("UPDATE audit_log SET outcome = 'failed' WHERE seq = 5");
        assertBroken(5, Tampering.EDITED, "record 5 was edited: its hash does not match its contents.");
    }

    @Test
    void anEditedInputIsNamed() throws SQLException {
        sql("UPDATE audit_log SET input = replace(input, 'file-7', 'file-8') WHERE seq = 7");
        assertBroken(7, Tampering.EDITED, "record 7 was edited: its hash does not match its contents.");
    }

    @Test
    void anEditWithARecomputedHashIsCaughtByTheNextRecordsLink() throws SQLException {
        var row = row(5);
        var forged = new ChainRow(row.seq(), row.ts(), row.principalId(), row.principalName(), row.project(),
                row.origin(), "shell.exec", row.mode(), row.input(), row.risk(), row.decision(), row.reason(),
                row.outcome(), row.code(), row.resultDigest(), row.durationUs(), row.traceId(), row.undoId(),
                row.prevHash(), null);
        sql("DELETE FROM audit_log WHERE seq = 5");
        insert(forged.withHash(AuditChain.hash(forged)));
        assertBroken(5, Tampering.EDITED, "record 5 was edited: its hash was recomputed to match new contents, "
                + "but record 6 still links to the original.");
    }

    @Test
    void aRecordRelinkedPastItsPredecessorIsNamed() throws SQLException {
        var seven = row(7);
        var relinked = new ChainRow(seven.seq(), seven.ts(), seven.principalId(), seven.principalName(),
                seven.project(), seven.origin(), seven.action(), seven.mode(), seven.input(), seven.risk(),
                seven.decision(), seven.reason(), seven.outcome(), seven.code(), seven.resultDigest(),
                seven.durationUs(), seven.traceId(), seven.undoId(), row(5).hash(), null);
        sql("DELETE FROM audit_log WHERE seq = 7");
        insert(relinked.withHash(AuditChain.hash(relinked)));
        assertBroken(7, Tampering.EDITED, "record 7 was edited: its hash was recomputed and it now links to record 5 "
                + "instead of record 6.");
    }

    @Test
    void aDeletedRecordIsNamed() throws SQLException {
        sql("DELETE FROM audit_log WHERE seq = 5");
        assertBroken(5, Tampering.DELETED, "record 5 was deleted: the chain jumps from record 4 to record 6.");
    }

    @Test
    void severalDeletedRecordsAreNamedAsARange() throws SQLException {
        sql("DELETE FROM audit_log WHERE seq BETWEEN 3 AND 6");
        assertBroken(3, Tampering.DELETED, "records 3 to 6 were deleted: the chain jumps from record 2 to record 7.");
    }

    @Test
    void aDeletedFirstRecordIsNamed() throws SQLException {
        sql("DELETE FROM audit_log WHERE seq = 1");
        assertBroken(1, Tampering.DELETED, "record 1 was deleted: the trail starts at record 2.");
    }

    @Test
    void aDeletionHiddenByRenumberingIsNamed() throws SQLException {
        sql("DELETE FROM audit_log WHERE seq = 5");
        sql("UPDATE audit_log SET seq = seq - 1 WHERE seq > 5");
        assertBroken(5, Tampering.DELETED, "record 5 was deleted and the later records renumbered: "
                + "the row at seq 5 holds the contents of record 6.");
    }

    @Test
    void swappedRecordsAreNamedAsReordered() throws SQLException {
        var five = row(5);
        var six = row(6);
        sql("DELETE FROM audit_log WHERE seq IN (5, 6)");
        insert(six.withSeq(5));
        insert(five.withSeq(6));
        assertBroken(5, Tampering.REORDERED, "record 5 was reordered: the row at seq 5 holds the contents of record 6.");
    }

    @Test
    void aDeletedNewestRecordCannotBeSeenWithoutACheckpoint() throws SQLException {
        sql("DELETE FROM audit_log WHERE seq = 10");
        var report = verifier.verify(db);
        assertThat(report.ok()).isTrue();
        assertThat(report.count()).isEqualTo(9);
        assertThat(report.message()).contains("cannot be detected without a checkpoint");
    }

    private void assertBroken(long seq, Tampering tampering, String message) {
        var report = verifier.verify(db);
        assertThat(report.ok()).isFalse();
        var broken = (Broken) report;
        assertThat(broken.seq()).isEqualTo(seq);
        assertThat(broken.tampering()).isEqualTo(tampering);
        assertThat(broken.message()).isEqualTo(message);
        assertThat(broken.count()).isEqualTo(seq - 1);
    }

    private void sql(String statement) throws SQLException {
        try (var st = raw.createStatement()) {
            st.executeUpdate(statement);
        }
    }

    private ChainRow row(long seq) throws SQLException {
        try (var select = raw.prepareStatement("SELECT " + ChainRow.COLUMNS + " FROM audit_log WHERE seq = ?")) {
            select.setLong(1, seq);
            try (var rs = select.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return ChainRow.read(rs);
            }
        }
    }

    private void insert(ChainRow row) throws SQLException {
        try (var insert = raw.prepareStatement(ChainRow.INSERT)) {
            row.bind(insert);
            insert.executeUpdate();
        }
    }
}
