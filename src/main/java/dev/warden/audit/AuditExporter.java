package dev.warden.audit;

import dev.warden.action.ActionException;
import dev.warden.action.ErrorKind;
import dev.warden.json.Json;
import dev.warden.store.Database;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;

/**
 * Writes the audit trail as JSONL: one record per line, every column keyed by its name, {@code input}
 * as a JSON value rather than a string and {@code ts} exactly as stored, so that each line carries
 * what is needed to recompute its hash. Streams row by row; the trail is never held in memory.
 */
public final class AuditExporter {
    private final Database db;

    public AuditExporter(Database db) {
        this.db = db;
    }

    /** Exports every record; returns how many lines were written. */
    public long export(Writer out) {
        return export(out, 1);
    }

    /** Exports the records with seq at least {@code fromSeq}, in seq order; flushes, does not close. */
    public long export(Writer out, long fromSeq) {
        long lines = 0;
        try (var conn = db.connection();
             var select = conn.prepareStatement("SELECT " + ChainRow.COLUMNS + " FROM audit_log WHERE seq >= ? ORDER BY seq")) {
            select.setLong(1, fromSeq);
            try (var rs = select.executeQuery()) {
                while (rs.next()) {
                    out.write(Json.write(ChainRow.read(rs).toJson()));
                    out.write('\n');
                    lines++;
                }
            }
            out.flush();
            return lines;
        } catch (SQLException e) {
            throw new ActionException(ErrorKind.INTERNAL, "audit_read_failed",
                    "The audit trail could not be read: " + e.getMessage(),
                    "Check that the data directory is readable and that the database is not corrupt.", null, e);
        } catch (IOException e) {
            throw new ActionException(ErrorKind.INTERNAL, "audit_export_failed",
                    "The export stopped after " + lines + " records: " + e.getMessage(),
                    "Check that the destination is writable and has free space, then export again.", null, e);
        }
    }

    /** Like {@link #export(Writer, long)}, in UTF-8 to a stream, which is flushed and left open. */
    public long export(OutputStream out, long fromSeq) {
        return export(new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8)), fromSeq);
    }
}
