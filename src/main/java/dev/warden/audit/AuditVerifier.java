package dev.warden.audit;

import dev.warden.action.ActionException;
import dev.warden.action.ErrorKind;
import dev.warden.audit.VerifyReport.Broken;
import dev.warden.audit.VerifyReport.Tampering;
import dev.warden.store.Database;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.OptionalLong;

/**
 * Recomputes the hash chain from record 1 and names the first record that was edited, deleted or
 * reordered. Reads in seq order, one row at a time, so the trail's size does not matter; only on
 * a failure does it look elsewhere in the table (by hash, without an index: once per run).
 *
 * <p>What it cannot see: removal of the newest records (the shorter chain is still intact), and a
 * rewrite of every hash from some record onwards by someone who can write the file. Both need the
 * head hash kept somewhere else (a checkpoint).
 */
public final class AuditVerifier {

    public VerifyReport verify(Database db) {
        try (var conn = db.connection();
             var select = conn.prepareStatement("SELECT " + ChainRow.COLUMNS + " FROM audit_log ORDER BY seq");
             var rs = select.executeQuery()) {
            long count = 0;
            long expected = 1;
            String prevHash = AuditChain.GENESIS;
            while (rs.next()) {
                var row = ChainRow.read(rs);
                var broken = check(conn, row, expected, prevHash, count);
                if (broken != null) return broken;
                count++;
                expected = row.seq() + 1;
                prevHash = row.hash();
            }
            return new VerifyReport.Intact(count, expected - 1, prevHash);
        } catch (SQLException e) {
            throw new ActionException(ErrorKind.INTERNAL, "audit_read_failed",
                    "The audit trail could not be read: " + e.getMessage(),
                    "Check that the data directory is readable and that the database is not corrupt.", null, e);
        }
    }

    private static Broken check(Connection conn, ChainRow row, long expected, String prevHash, long count)
            throws SQLException {
        if (row.seq() != expected) {
            var missing = row.seq() - 1 == expected
                    ? "record " + expected + " was deleted"
                    : "records " + expected + " to " + (row.seq() - 1) + " were deleted";
            var context = expected == 1
                    ? ": the trail starts at record " + row.seq() + "."
                    : ": the chain jumps from record " + (expected - 1) + " to record " + row.seq() + ".";
            return new Broken(count, expected, Tampering.DELETED, missing + context);
        }
        if (!AuditChain.hash(row).equals(row.hash())) {
            return misplaced(conn, row, count);
        }
        if (!row.prevHash().equals(prevHash)) {
            if (expected == 1) {
                return new Broken(count, 1, Tampering.DELETED, "record 1 does not start the chain: its prev_hash is "
                        + "not 64 zeros, so the records before it were deleted.");
            }
            var linked = seqOfHash(conn, row.prevHash());
            if (linked.isPresent()) {
                // Its hash covers its own seq, so it was rewritten here, not moved here.
                return new Broken(count, row.seq(), Tampering.EDITED, "record " + row.seq() + " was edited: its hash "
                        + "was recomputed and it now links to record " + linked.getAsLong() + " instead of record "
                        + (expected - 1) + ".");
            }
            // The predecessor verified on its own and was counted; it is the bad one after all.
            return new Broken(count - 1, expected - 1, Tampering.EDITED, "record " + (expected - 1) + " was edited: its "
                    + "hash was recomputed to match new contents, but record " + row.seq() + " still links to the "
                    + "original.");
        }
        return null;
    }

    // The row's contents do not hash to its stored hash. If they do under a neighbouring seq, the
    // contents are genuine but sit at the wrong place: swapped rows, or rows renumbered after a
    // deletion (then the record they link back to is gone). Otherwise they were changed.
    private static Broken misplaced(Connection conn, ChainRow row, long count) throws SQLException {
        for (long candidate : new long[] {row.seq() + 1, row.seq() - 1}) {
            if (candidate < 1 || !AuditChain.hash(row.withSeq(candidate)).equals(row.hash())) continue;
            var predecessorKept = candidate == 1 || seqOfHash(conn, row.prevHash()).isPresent();
            if (predecessorKept) {
                return new Broken(count, row.seq(), Tampering.REORDERED, "record " + row.seq() + " was reordered: "
                        + "the row at seq " + row.seq() + " holds the contents of record " + candidate + ".");
            }
            return new Broken(count, candidate - 1, Tampering.DELETED, "record " + (candidate - 1) + " was deleted "
                    + "and the later records renumbered: the row at seq " + row.seq() + " holds the contents of record "
                    + candidate + ".");
        }
        return new Broken(count, row.seq(), Tampering.EDITED,
                "record " + row.seq() + " was edited: its hash does not match its contents.");
    }

    private static OptionalLong seqOfHash(Connection conn, String hash) throws SQLException {
        try (var find = conn.prepareStatement("SELECT seq FROM audit_log WHERE hash = ? LIMIT 1")) {
            find.setString(1, hash);
            try (var rs = find.executeQuery()) {
                return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
            }
        }
    }
}
