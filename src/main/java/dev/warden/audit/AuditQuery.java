package dev.warden.audit;

import dev.warden.action.ActionException;
import dev.warden.action.ErrorKind;
import dev.warden.store.Database;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads the audit trail for people and programs: pages in seq order, the newest records, one record. */
public final class AuditQuery {
    public static final int MAX_LIMIT = 1_000;

    private final Database db;

    public AuditQuery(Database db) {
        this.db = db;
    }

    /** Up to {@code limit} records with seq greater than {@code afterSeq}, oldest first. */
    public List<AuditRecord> page(long afterSeq, int limit) {
        if (afterSeq < 0) {
            throw new ActionException(ErrorKind.BAD_INPUT, "invalid_cursor",
                    "afterSeq must be 0 or a record's sequence number, got " + afterSeq + ".",
                    "Start with afterSeq=0 and pass the last seq of each page to get the next.");
        }
        checkLimit(limit);
        return list("SELECT " + ChainRow.COLUMNS + " FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?", afterSeq, limit);
    }

    /** The {@code limit} most recent records, newest first. */
    public List<AuditRecord> latest(int limit) {
        checkLimit(limit);
        return list("SELECT " + ChainRow.COLUMNS + " FROM audit_log WHERE seq > ? ORDER BY seq DESC LIMIT ?", 0, limit);
    }

    public Optional<AuditRecord> find(long seq) {
        var found = list("SELECT " + ChainRow.COLUMNS + " FROM audit_log WHERE seq = ? LIMIT ?", seq, 1);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.getFirst());
    }

    private static void checkLimit(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new ActionException(ErrorKind.BAD_INPUT, "invalid_limit",
                    "limit must be between 1 and " + MAX_LIMIT + ", got " + limit + ".",
                    "Ask for at most " + MAX_LIMIT + " records and page on with afterSeq.");
        }
    }

    private List<AuditRecord> list(String sql, long seq, int limit) {
        try (var conn = db.connection(); var select = conn.prepareStatement(sql)) {
            select.setLong(1, seq);
            select.setInt(2, limit);
            var out = new ArrayList<AuditRecord>(Math.min(limit, 100));
            try (var rs = select.executeQuery()) {
                while (rs.next()) out.add(ChainRow.read(rs).toRecord());
            }
            return out;
        } catch (SQLException e) {
            throw new ActionException(ErrorKind.INTERNAL, "audit_read_failed",
                    "The audit trail could not be read: " + e.getMessage(),
                    "Check that the data directory is readable and that the database is not corrupt.", null, e);
        }
    }
}
