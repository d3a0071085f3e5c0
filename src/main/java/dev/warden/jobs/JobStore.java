package dev.warden.jobs;

import dev.warden.action.ActionException;
import dev.warden.action.Caller;
import dev.warden.action.ErrorKind;
import dev.warden.json.Json;
import dev.warden.store.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Jobs in the database: their metadata, how they ended, and the newest part of their output, so
 * that another process on the data dir can list and follow them and a restart finds them again.
 */
final class JobStore {
    private final Database db;

    JobStore(Database db) {
        this.db = db;
    }

    /** A stored job: its record, the stored output tail, and the Warden that supervises (or supervised) it. */
    record Stored(JobRecord record, byte[] tail, Supervisor supervisor, Instant pidStartedAt) {}

    void insert(JobRecord r, Instant pidStartedAt, Supervisor by) {
        update("""
                INSERT INTO jobs (id, owner_id, owner_name, project, command, cwd, risk, sandbox, pid, pid_started_at,
                  status, started_at, host, warden_pid, warden_started_at, output_bytes)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)""",
                r.id(), r.ownerId(), r.ownerName(), r.project(), Json.write(r.command()), r.cwd(), r.risk(),
                r.sandbox() == null ? null : Json.write(r.sandbox()), r.pid(), text(pidStartedAt), r.status().id(),
                r.startedAt().toString(), by.host(), by.pid(), text(by.startedAt()));
    }

    void saveOutput(String id, long outputBytes, byte[] tail) {
        update("UPDATE jobs SET output_bytes = ?, output_tail = ? WHERE id = ? AND status = 'running'", outputBytes, tail, id);
    }

    /** Records how a job ended, unless another process already marked it lost: the first recorded end stays. */
    void finish(JobRecord r, byte[] tail) {
        update("""
                UPDATE jobs SET status = ?, exit_code = ?, timed_out = ?, ended_at = ?, ended_reason = ?, output_bytes = ?,
                  output_tail = ?, sandbox = ? WHERE id = ? AND status = 'running'""",
                r.status().id(), r.exitCode(), r.timedOut() ? 1 : 0, text(r.endedAt()), r.endedReason(), r.outputBytes(),
                tail, r.sandbox() == null ? null : Json.write(r.sandbox()), r.id());
    }

    /** Marks a job lost, only if it is still stored as running; true when this call did it. */
    boolean markLost(String id, Instant at, String reason) {
        return update("UPDATE jobs SET status = 'lost', ended_at = ?, ended_reason = ? WHERE id = ? AND status = 'running'",
                at.toString(), reason, id) == 1;
    }

    Optional<Stored> find(String id) {
        var rows = query("SELECT * FROM jobs WHERE id = ?", 1, id);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
    }

    /** Jobs {@code viewer} may see (its own by name; all of its project's for an admin), newest first. */
    List<Stored> visibleTo(Caller viewer, JobStatus status, int limit) {
        var sql = new StringBuilder("SELECT * FROM jobs WHERE (owner_name = ?");
        var args = new ArrayList<Object>();
        args.add(viewer.name());
        if (viewer.admin()) {
            sql.append(" OR project = ?");
            args.add(viewer.project());
        }
        sql.append(")");
        if (status != null) {
            sql.append(" AND status = ?");
            args.add(status.id());
        }
        sql.append(" ORDER BY started_at DESC, id DESC LIMIT ?");
        args.add(limit);
        return query(sql.toString(), limit, args.toArray());
    }

    /** Jobs stored as running on {@code host}, with the Warden that supervises each. */
    List<Stored> runningOn(String host) {
        return query("SELECT * FROM jobs WHERE status = 'running' AND host = ?", Integer.MAX_VALUE, host);
    }

    private List<Stored> query(String sql, int limit, Object... args) {
        try (var c = db.connection(); var ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
            var rows = new ArrayList<Stored>();
            try (var rs = ps.executeQuery()) {
                while (rs.next() && rows.size() < limit) rows.add(map(rs));
            }
            return rows;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private static Stored map(ResultSet rs) throws SQLException {
        var tail = rs.getBytes("output_tail");
        if (tail == null) tail = new byte[0];
        long total = rs.getLong("output_bytes");
        var exit = rs.getObject("exit_code");
        var sandbox = rs.getString("sandbox");
        var record = new JobRecord(rs.getString("id"), rs.getString("owner_id"), rs.getString("owner_name"),
                rs.getString("project"), Json.parse(rs.getString("command")), rs.getString("cwd"), rs.getString("risk"),
                sandbox == null ? null : Json.parse(sandbox), rs.getLong("pid"), JobStatus.of(rs.getString("status")),
                exit == null ? null : ((Number) exit).intValue(), rs.getInt("timed_out") == 1,
                Instant.parse(rs.getString("started_at")), instant(rs.getString("ended_at")), rs.getString("ended_reason"),
                total, total - tail.length);
        var supervisor = new Supervisor(rs.getString("host"), rs.getLong("warden_pid"), instant(rs.getString("warden_started_at")));
        return new Stored(record, tail, supervisor, instant(rs.getString("pid_started_at")));
    }

    private int update(String sql, Object... args) {
        try (var c = db.connection(); var ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private static Instant instant(String text) {
        return text == null ? null : Instant.parse(text);
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    private static ActionException failure(SQLException e) {
        return new ActionException(ErrorKind.INTERNAL, "store_failed", "The job store could not be read or written: "
                + e.getMessage(), "Retry; if it persists, check the data dir's disk.", null, e);
    }
}
