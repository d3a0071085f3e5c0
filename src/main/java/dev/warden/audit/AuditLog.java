package dev.warden.audit;

import dev.warden.action.ActionException;
import dev.warden.action.ErrorKind;
import dev.warden.json.CanonicalJson;
import dev.warden.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The audit trail's writer: hash-chained records, group-committed.
 *
 * <p>Callers (usually many virtual threads) hand an {@link AuditEntry} to {@link #append}; its input
 * is redacted and made canonical on the caller's thread, then one platform thread drains the queue
 * and writes whatever has gathered, up to {@link Options#maxBatch}, in a single transaction with a
 * single commit. The database runs in WAL mode with {@code synchronous=FULL}, so when the commit
 * returns the records are on disk; only then are the callers' futures completed. Under load many
 * callers share one fsync, which is what makes a durable record per request affordable.
 *
 * <p>A platform thread that finds nobody writing commits its own record, and whatever has queued
 * behind it, itself: a lone caller (an MCP client over stdio making one call at a time) then waits
 * for its fsync without two thread hand-offs around it. A virtual thread does the same only when
 * nothing is queued either, i.e. when it is a lone caller (an MCP or REST client over HTTP making one
 * call at a time): its commit blocks in native code for the fsync and holds its carrier meanwhile,
 * which is cheap for one caller but under load would take carriers from other requests, whose
 * records the writer thread groups into one commit anyway.
 * Whoever takes a record off the queue writes it; the {@code writing} lock lets one batch at a time
 * use the connection.
 *
 * <p>Several processes may append to the same database (a server and the CLI). Each batch therefore
 * takes SQLite's write lock first ({@code BEGIN IMMEDIATE}) and reads the chain's tail inside that
 * transaction; a tail remembered from the previous batch could be stale. The chain itself — what
 * is hashed and how — is defined in {@link AuditChain}. A record's {@code ts} is the entry's time
 * (when the intent arrived), or the clock's when the entry has none; its input is stored as
 * canonical JSON after {@link Redactor} has removed secrets.
 */
public final class AuditLog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
    private static final int BUSY_RETRIES = 3;

    /**
     * @param maxBatch      most records written in one transaction
     * @param queueCapacity most records waiting for the writer; appenders block beyond it
     */
    public record Options(int maxBatch, int queueCapacity) {
        public static final Options DEFAULTS = new Options(1_000, 100_000);

        public Options {
            if (maxBatch < 1) throw new IllegalArgumentException("maxBatch must be at least 1, got " + maxBatch);
            if (queueCapacity < 1) throw new IllegalArgumentException("queueCapacity must be at least 1, got " + queueCapacity);
        }
    }

    /**
     * What the log has written since it started: records and the transactions that held them, of
     * which {@code inlineTransactions} were written by a caller's own thread.
     */
    public record Stats(long records, long transactions, long inlineTransactions, int largestBatch, long failedBatches) {}

    /** A record on its way to the writer: everything but its place in the chain. */
    private record Pending(AuditEntry entry, UndoRow undo, String ts, String input, CompletableFuture<Long> done) {}

    private static final Pending STOP = new Pending(null, null, null, null, null);

    private final Clock clock;
    private final Options options;
    private final Redactor redactor = new Redactor();
    private final BlockingQueue<Pending> queue;
    // Appenders hold the read side while they enqueue; close() takes the write side to flip
    // `closed`, so no record can slip into the queue behind the STOP marker and wait forever.
    private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
    private boolean closed;
    private final Executor callbacks = Thread::startVirtualThread;
    // Held while a batch uses the connection: by the writer thread or by a caller writing inline.
    private final ReentrantLock writing = new ReentrantLock();

    private final Connection connection;
    private final PreparedStatement begin;
    private final PreparedStatement commit;
    private final PreparedStatement abort;
    private final PreparedStatement tail;
    private final PreparedStatement insert;
    private final PreparedStatement insertUndo;
    private final Thread writer;

    // Written only under `writing`. The tail is always re-read under SQLite's write lock; the
    // remembered one only tells whether another process appended in between.
    private long lastWritten;

    // Written only under `writing`, read by anyone through stats().
    private volatile long records;
    private volatile long transactions;
    private volatile long inlineTransactions;
    private volatile int largestBatch;
    private volatile long failedBatches;

    public AuditLog(Database db, Clock clock) {
        this(db, clock, Options.DEFAULTS);
    }

    public AuditLog(Database db, Clock clock, Options options) {
        this.clock = Objects.requireNonNull(clock);
        this.options = Objects.requireNonNull(options);
        this.queue = new LinkedBlockingQueue<>(options.queueCapacity());
        Connection opened = null;
        try {
            opened = db.openWriterConnection();
            this.begin = opened.prepareStatement("BEGIN IMMEDIATE");
            this.commit = opened.prepareStatement("COMMIT");
            this.abort = opened.prepareStatement("ROLLBACK");
            this.tail = opened.prepareStatement("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
            this.insert = opened.prepareStatement(ChainRow.INSERT);
            this.insertUndo = opened.prepareStatement(UndoRow.INSERT);
            this.connection = opened;
        } catch (SQLException e) {
            closeQuietly(opened);
            throw new ActionException(ErrorKind.INTERNAL, "audit_unavailable",
                    "The audit log cannot open its database: " + e.getMessage(),
                    "Check that the data directory exists and is writable.", null, e);
        }
        this.writer = Thread.ofPlatform().name("warden-audit-writer").daemon(true).unstarted(this::drain);
        writer.start();
    }

    /**
     * Appends {@code entry} and returns its sequence number once the record is committed and on
     * disk. Blocks the calling thread (cheaply, if it is virtual) until then.
     *
     * @throws ActionException {@code audit_closed} after {@link #close}, {@code audit_write_failed}
     *                         if the database refused the batch the record was in
     */
    public long append(AuditEntry entry) {
        return append(entry, null);
    }

    /**
     * Appends {@code entry} together with the undo entry its call made ({@code undo} may be null):
     * both are written in the same transaction.
     */
    public long append(AuditEntry entry, UndoRow undo) {
        try {
            var pending = prepare(entry, undo);
            // A virtual thread only as a lone caller: see the class comment.
            boolean inline = !Thread.currentThread().isVirtual() || queue.isEmpty();
            if (inline && writeInline(pending)) return pending.done().join();
            return enqueue(pending).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) throw cause;
            throw e;
        }
    }

    /**
     * Like {@link #append}, without blocking: the future completes with the sequence number once the
     * record is durable. Stages chained on it run on a fresh virtual thread, never on the writer.
     */
    public CompletableFuture<Long> appendAsync(AuditEntry entry) {
        return enqueue(prepare(entry, null)).thenApplyAsync(Function.identity(), callbacks);
    }

    /** Whether the writer thread is running: while it is not, appends cannot become durable. */
    public boolean writerAlive() {
        return writer.isAlive();
    }

    public Stats stats() {
        return new Stats(records, transactions, inlineTransactions, largestBatch, failedBatches);
    }

    /** Writes what is already queued, then stops the writer. Later appends fail with {@code audit_closed}. */
    @Override
    public void close() {
        boolean first;
        gate.writeLock().lock();
        try {
            first = !closed;
            closed = true;
        } finally {
            gate.writeLock().unlock();
        }
        if (first) putUninterruptibly(STOP);
        boolean interrupted = false;
        while (writer.isAlive()) {
            try {
                writer.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    private CompletableFuture<Long> enqueue(Pending pending) {
        gate.readLock().lock();
        try {
            if (closed) throw closedError();
            putUninterruptibly(pending);
        } finally {
            gate.readLock().unlock();
        }
        return pending.done();
    }

    /**
     * Writes {@code pending}, with what has queued behind it, on this thread if no batch is being
     * written; returns false, having written nothing, when one is.
     */
    private boolean writeInline(Pending pending) {
        gate.readLock().lock();
        try {
            if (closed) throw closedError();
            if (!writing.tryLock()) return false;
        } finally {
            gate.readLock().unlock();
        }
        try {
            var batch = new ArrayList<Pending>();
            batch.add(pending);
            // close() may have queued STOP since the check above: it is for the writer thread.
            boolean stop = fill(batch);
            inlineTransactions++;
            write(batch);
            if (stop) putUninterruptibly(STOP);
        } finally {
            writing.unlock();
        }
        return true;
    }

    /**
     * Adds what has queued to {@code batch}, up to a batch's size. True if that took the STOP marker,
     * which is then left out of the batch: STOP is the last thing ever queued, so it can only be last.
     */
    private boolean fill(List<Pending> batch) {
        queue.drainTo(batch, options.maxBatch() - batch.size());
        if (batch.getLast() != STOP) return false;
        batch.removeLast();
        return true;
    }

    private static ActionException closedError() {
        return new ActionException(ErrorKind.INTERNAL, "audit_closed",
                "The audit log is closed: no more records can be written.",
                "Warden is shutting down; retry the request once it is running again.");
    }

    // Runs on the caller's thread so that the single writer only hashes and binds.
    private Pending prepare(AuditEntry e, UndoRow undo) {
        Objects.requireNonNull(e, "entry");
        require(e.principalId(), "principalId");
        require(e.principalName(), "principalName");
        require(e.project(), "project");
        require(e.origin(), "origin");
        require(e.action(), "action");
        require(e.mode(), "mode");
        require(e.outcome(), "outcome");
        var time = e.time() != null ? e.time() : clock.instant();
        return new Pending(e, undo, AuditChain.formatTime(time), CanonicalJson.of(redactor.redact(e.input())),
                new CompletableFuture<>());
    }

    private static void require(Object value, String field) {
        if (value == null) throw new IllegalArgumentException("an audit entry needs " + field);
    }

    private void putUninterruptibly(Pending pending) {
        boolean interrupted = false;
        while (true) {
            try {
                queue.put(pending);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    private void drain() {
        var batch = new ArrayList<Pending>(Math.min(options.maxBatch(), 4_096));
        boolean stopping = false;
        while (!stopping) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                continue; // nobody but close() stops the writer, and it does so through the queue
            }
            writing.lock();
            try {
                stopping = fill(batch);
                if (!batch.isEmpty()) write(batch);
            } finally {
                writing.unlock();
            }
            batch.clear();
        }
        writing.lock();
        try {
            connection.close();
        } catch (SQLException e) {
            log.warn("closing the audit writer's connection failed", e);
        } finally {
            writing.unlock();
        }
    }

    private static void closeQuietly(Connection c) {
        if (c == null) return;
        try {
            c.close();
        } catch (SQLException e) {
            log.debug("closing a half-opened audit connection: {}", e.getMessage());
        }
    }

    private void write(List<Pending> batch) {
        long first;
        for (int attempt = 1; ; attempt++) {
            try {
                first = commit(batch);
                break;
            } catch (SQLException e) {
                rollback();
                if (isBusy(e) && attempt < BUSY_RETRIES) {
                    log.warn("audit database busy, retrying a batch of {} (attempt {})", batch.size(), attempt);
                    continue;
                }
                fail(batch, e);
                return;
            } catch (RuntimeException | Error e) {
                // Whatever went wrong, the callers must hear of it: a writer that dies silently
                // would leave every future caller waiting for ever.
                rollback();
                fail(batch, e);
                return;
            }
        }
        records += batch.size();
        transactions++;
        if (batch.size() > largestBatch) largestBatch = batch.size();
        for (int i = 0; i < batch.size(); i++) batch.get(i).done().complete(first + i);
    }

    /** Writes the batch in one transaction and returns the first record's sequence number. */
    private long commit(List<Pending> batch) throws SQLException {
        begin.execute();
        long seq;
        String prev;
        try (var rs = tail.executeQuery()) {
            if (rs.next()) {
                seq = rs.getLong(1);
                prev = rs.getString(2);
            } else {
                seq = 0;
                prev = AuditChain.GENESIS;
            }
        }
        if (lastWritten != 0 && seq != lastWritten) {
            log.debug("another writer appended records {} to {} since this log's last batch", lastWritten + 1, seq);
        }
        long first = seq + 1;
        for (var p : batch) {
            var e = p.entry();
            var row = new ChainRow(++seq, p.ts(), e.principalId(), e.principalName(), e.project(), e.origin(),
                    e.action(), e.mode(), p.input(), e.risk(), e.decision(), e.reason(), e.outcome(), e.code(),
                    e.resultDigest(), e.durationMicros(), e.traceId(), e.undoId(), prev, null);
            prev = AuditChain.hash(row);
            row.withHash(prev).bind(insert);
            insert.addBatch();
        }
        boolean undoRows = false;
        for (var p : batch) {
            var u = p.undo();
            if (u == null) continue;
            insertUndo.setString(1, u.id());
            insertUndo.setString(2, u.createdAt());
            insertUndo.setString(3, u.principalId());
            insertUndo.setString(4, u.action());
            insertUndo.setString(5, u.items());
            insertUndo.addBatch();
            undoRows = true;
        }
        try {
            if (undoRows) insertUndo.executeBatch();
            insert.executeBatch();
        } finally {
            insert.clearBatch();
            insertUndo.clearBatch();
        }
        commit.execute();
        lastWritten = seq;
        return first;
    }

    // A failed BEGIN leaves no transaction, and SQLite may already have rolled back on some errors:
    // then ROLLBACK fails harmlessly, which is simpler than asking which case we are in.
    private void rollback() {
        try {
            abort.execute();
        } catch (SQLException e) {
            log.debug("rollback after a failed audit batch: {}", e.getMessage());
        }
    }

    private static boolean isBusy(SQLException e) {
        return e instanceof SQLiteException se
                && (se.getResultCode() == SQLiteErrorCode.SQLITE_BUSY
                        || se.getResultCode().name().startsWith("SQLITE_BUSY_"));
    }

    private void fail(List<Pending> batch, Throwable cause) {
        failedBatches++;
        log.error("writing {} audit records failed", batch.size(), cause);
        var error = new ActionException(ErrorKind.INTERNAL, "audit_write_failed",
                "The audit record could not be written: " + cause.getMessage(),
                "Check that the data directory is writable and has free space, then retry.", null, cause);
        for (var p : batch) p.done().completeExceptionally(error);
    }
}
