package dev.warden.approval;

import dev.warden.action.ActionException;
import dev.warden.action.ErrorKind;
import dev.warden.identity.Principal;
import dev.warden.identity.Role;
import dev.warden.json.CanonicalJson;
import dev.warden.json.Json;
import dev.warden.store.Database;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * Pending approvals in the database, so that a request made through the server can be decided from
 * the CLI on the same data dir, and survives a restart. Every state change is one conditional
 * update, so two approvers racing, or an approval racing its expiry, cannot both win.
 */
public final class ApprovalStore {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ApprovalStore.class);
    private final Database db;
    private final Clock clock;
    private final Duration ttl;
    private final SecureRandom random = new SecureRandom();
    private final Consumer<Event> listener;

    /** A change others may want to hear of (a webhook): requested, decided (approved or denied), executed. */
    public record Event(String kind, Approval approval) {
        public static final String REQUESTED = "approval.requested";
        public static final String DECIDED = "approval.decided";
        public static final String EXECUTED = "approval.executed";
        public static final String EXPIRED = "approval.expired";
    }

    /** {@code ttl}: how long a request waits for its votes before it expires. */
    public ApprovalStore(Database db, Clock clock, Duration ttl) {
        this(db, clock, ttl, event -> { });
    }

    /** {@code listener} hears of every change after it is stored; it must not block. */
    public ApprovalStore(Database db, Clock clock, Duration ttl, Consumer<Event> listener) {
        this.db = db;
        this.clock = clock;
        this.ttl = ttl;
        this.listener = listener;
    }

    /** What the engine knows when policy says approve. */
    public record Request(String actionId, JsonNode input, String origin, Principal requester, String risk,
                          String reason, String rule, JsonNode preview, int requiredApprovals, Role approverRole) {

        public Request(String actionId, JsonNode input, String origin, Principal requester, String risk,
                       String reason, String rule, JsonNode preview, int requiredApprovals) {
            this(actionId, input, origin, requester, risk, reason, rule, preview, requiredApprovals, Role.ADMIN);
        }
    }

    public Approval open(Request r) {
        var bytes = new byte[12];
        random.nextBytes(bytes);
        var id = "apr_" + HexFormat.of().formatHex(bytes);
        var now = clock.instant();
        var expires = now.plus(ttl);
        var p = r.requester();
        update("""
                INSERT INTO approvals (id, status, action, input, origin, requester_id, requester_name, requester_role,
                  requester_kind, requester_actions, project, risk, reason, rule, preview, required_approvals,
                  requested_at, expires_at, approver_role)
                VALUES (?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                id, r.actionId(), CanonicalJson.of(r.input()), r.origin(), p.id(), p.name(), p.role().id(),
                p.kind().name(), String.join(",", p.actionPatterns()), p.project(), r.risk(), r.reason(), r.rule(),
                r.preview() == null ? null : Json.write(r.preview()), r.requiredApprovals(), now.toString(),
                expires.toString(), r.approverRole().id());
        var opened = find(id).orElseThrow();
        tell(new Event(Event.REQUESTED, opened));
        return opened;
    }

    /** The request, with a pending one past its expiry marked expired first. */
    public Optional<Approval> find(String id) {
        try (var c = db.connection()) {
            return read(c, id);
        } catch (SQLException e) {
            throw storeFailure(e);
        }
    }

    /**
     * Marks every pending request past its expiry as expired, each by a conditional update so a
     * vote racing it wins or loses cleanly; returns the ones this call expired (and tells the listener).
     */
    public List<Approval> expireDue() {
        var now = clock.instant().toString();
        var due = new ArrayList<String>();
        try (var c = db.connection(); var ps = c.prepareStatement(
                "SELECT id FROM approvals WHERE status = 'pending' AND expires_at <= ?")) {
            ps.setString(1, now);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) due.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw storeFailure(e);
        }
        var expired = new ArrayList<Approval>();
        for (var id : due) {
            if (update("UPDATE approvals SET status = 'expired', decided_at = expires_at WHERE id = ? AND status = 'pending'",
                    id) == 1) {
                var a = find(id).orElseThrow();
                expired.add(a);
                tell(new Event(Event.EXPIRED, a));
            }
        }
        return expired;
    }

    /** Requests waiting for votes now (not expired). */
    public long countPending() {
        try (var c = db.connection(); var ps = c.prepareStatement(
                "SELECT COUNT(*) FROM approvals WHERE status = 'pending' AND expires_at > ?")) {
            ps.setString(1, clock.instant().toString());
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw storeFailure(e);
        }
    }

    /** Newest first; {@code project} and {@code status} narrow the list when not null. */
    public List<Approval> list(String project, ApprovalStatus status, int limit) {
        var now = clock.instant().toString();
        var sql = new StringBuilder("SELECT * FROM approvals WHERE 1 = 1");
        var args = new ArrayList<Object>();
        if (project != null) {
            sql.append(" AND project = ?");
            args.add(project);
        }
        // A pending request past its expiry reads as expired (nothing rewrites it when it lapses).
        if (status == ApprovalStatus.PENDING) {
            sql.append(" AND status = 'pending' AND expires_at > ?");
            args.add(now);
        } else if (status == ApprovalStatus.EXPIRED) {
            sql.append(" AND (status = 'expired' OR (status = 'pending' AND expires_at <= ?))");
            args.add(now);
        } else if (status != null) {
            sql.append(" AND status = ?");
            args.add(status.id());
        }
        sql.append(" ORDER BY requested_at DESC, id DESC LIMIT ?");
        args.add(limit);
        try (var c = db.connection(); var ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) ps.setObject(i + 1, args.get(i));
            var rows = new ArrayList<Approval>();
            try (var rs = ps.executeQuery()) {
                while (rs.next()) rows.add(map(c, rs));
            }
            return rows;
        } catch (SQLException e) {
            throw storeFailure(e);
        }
    }

    /**
     * Records one person's verdict. A deny ends the request; enough approvals move it to approved.
     * Who may vote is the caller's concern; this refuses only what the state forbids.
     */
    public Approval vote(String id, Principal voter, Approval.Verdict verdict, String comment) {
        var now = clock.instant().toString();
        try (var c = db.writeConnection()) {
            c.setAutoCommit(false);
            try {
                var current = read(c, id).orElseThrow(() -> notFound(id));
                if (current.status() != ApprovalStatus.PENDING) throw notPending(current);
                if (current.votes().stream().anyMatch(v -> v.voterName().equals(voter.name()))) {
                    throw new ActionException(ErrorKind.CONFLICT, "already_decided",
                            voter.name() + " has already decided request " + id + ".",
                            "Another approver must decide it.");
                }
                exec(c, "INSERT INTO approval_votes (approval_id, voter_id, voter_name, verdict, comment, at) VALUES (?, ?, ?, ?, ?, ?)",
                        id, voter.id(), voter.name(), verdict.id(), comment, now);
                var approvals = current.approvals() + (verdict == Approval.Verdict.APPROVE ? 1 : 0);
                var next = verdict == Approval.Verdict.DENY ? ApprovalStatus.DENIED
                        : approvals >= current.requiredApprovals() ? ApprovalStatus.APPROVED : ApprovalStatus.PENDING;
                if (next != ApprovalStatus.PENDING) {
                    exec(c, "UPDATE approvals SET status = ?, decided_at = ? WHERE id = ? AND status = 'pending' AND expires_at > ?",
                            next.id(), now, id, now);
                }
                c.commit();
                var after = read(c, id).orElseThrow();
                if (next != ApprovalStatus.PENDING) tell(new Event(Event.DECIDED, after));
                return after;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw storeFailure(e);
        }
    }

    /**
     * Takes an approved request for execution, once: true only for the first caller, and only if the
     * intent is exactly the one approved (same requester, action and input).
     */
    public boolean claim(String id, Principal requester, String actionId, JsonNode input) {
        return update("""
                UPDATE approvals SET status = 'executed' WHERE id = ? AND status = 'approved'
                  AND requester_id = ? AND action = ? AND input = ?""",
                id, requester.id(), actionId, CanonicalJson.of(input)) == 1;
    }

    /** Stores what the execution answered. */
    public void finish(String id, JsonNode result) {
        update("UPDATE approvals SET result = ?, finished_at = ? WHERE id = ?", Json.write(result),
                clock.instant().toString(), id);
        find(id).ifPresent(a -> tell(new Event(Event.EXECUTED, a)));
    }

    /**
     * Tells the listener, which must not undo a change already stored: a listener that throws (a
     * webhook whose secret cannot be opened, say) is logged, and the vote or request stands.
     */
    private void tell(Event event) {
        try {
            listener.accept(event);
        } catch (RuntimeException e) {
            log.warn("a listener failed on {} of {}: {}", event.kind(), event.approval().id(), e.toString());
        }
    }

    private Optional<Approval> read(Connection c, String id) throws SQLException {
        try (var ps = c.prepareStatement("SELECT * FROM approvals WHERE id = ?")) {
            ps.setString(1, id);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(map(c, rs)) : Optional.empty();
            }
        }
    }

    private Approval map(Connection c, ResultSet rs) throws SQLException {
        var id = rs.getString("id");
        var actions = rs.getString("requester_actions");
        var requester = new Principal(rs.getString("requester_id"), rs.getString("requester_name"),
                Role.parse(rs.getString("requester_role")), rs.getString("project"),
                Principal.Kind.valueOf(rs.getString("requester_kind")),
                actions.isEmpty() ? List.of() : Arrays.asList(actions.split(",")));
        var votes = new ArrayList<Approval.Vote>();
        try (var ps = c.prepareStatement("SELECT * FROM approval_votes WHERE approval_id = ? ORDER BY at, voter_name")) {
            ps.setString(1, id);
            try (var v = ps.executeQuery()) {
                while (v.next()) {
                    votes.add(new Approval.Vote(v.getString("voter_id"), v.getString("voter_name"),
                            Approval.Verdict.valueOf(v.getString("verdict").toUpperCase(java.util.Locale.ROOT)),
                            v.getString("comment"), Instant.parse(v.getString("at"))));
                }
            }
        }
        var status = ApprovalStatus.of(rs.getString("status"));
        var expiresAt = Instant.parse(rs.getString("expires_at"));
        if (status == ApprovalStatus.PENDING && !clock.instant().isBefore(expiresAt)) status = ApprovalStatus.EXPIRED;
        return new Approval(id, status, rs.getString("action"),
                Json.parse(rs.getString("input")), rs.getString("origin"), requester, rs.getString("risk"),
                rs.getString("reason"), rs.getString("rule"), json(rs.getString("preview")),
                rs.getInt("required_approvals"), Role.parse(rs.getString("approver_role")), Instant.parse(rs.getString("requested_at")),
                expiresAt, instant(rs.getString("decided_at")), votes,
                json(rs.getString("result")), instant(rs.getString("finished_at")));
    }

    private int update(String sql, Object... args) {
        try (var c = db.writeConnection()) {
            return exec(c, sql, args);
        } catch (SQLException e) {
            throw storeFailure(e);
        }
    }

    private static int exec(Connection c, String sql, Object... args) throws SQLException {
        try (var ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
            return ps.executeUpdate();
        }
    }

    private static JsonNode json(String text) {
        return text == null ? null : Json.parse(text);
    }

    private static Instant instant(String text) {
        return text == null ? null : Instant.parse(text);
    }

    static ActionException notFound(String id) {
        return new ActionException(ErrorKind.NOT_FOUND, "approval_not_found", "There is no approval request " + id + ".",
                "List the requests with GET /v1/approvals or ./warden approvals list.");
    }

    private static ActionException notPending(Approval a) {
        return new ActionException(ErrorKind.CONFLICT, "approval_not_pending",
                "Request " + a.id() + " is " + a.status().id() + " and can no longer be decided.",
                a.status() == ApprovalStatus.EXPIRED ? "Ask the requester to send the request again." : "Nothing more to do.");
    }

    private static IllegalStateException storeFailure(SQLException e) {
        return new IllegalStateException("approval store: " + e.getMessage(), e);
    }
}
