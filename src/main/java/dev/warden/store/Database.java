package dev.warden.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.sqlite.SQLiteConfig;

/**
 * The data source and its schema. SQLite in WAL mode under the data dir by default; every
 * connection uses {@code synchronous=FULL} so a commit is on disk when it returns, which the audit
 * trail's durability promise rests on. Several processes (a server and the CLI) may share the file:
 * writers serialise on SQLite's lock and wait up to the busy timeout.
 */
public final class Database implements AutoCloseable {
    private final HikariDataSource dataSource;
    private final String url;

    private final java.util.concurrent.locks.ReentrantLock writeLock = new java.util.concurrent.locks.ReentrantLock();

    private Database(HikariDataSource dataSource, String url) {
        this.dataSource = dataSource;
        this.url = url;
    }

    /**
     * Starts loading SQLite's native library on a thread of its own and returns at once. Unpacking
     * and loading it takes about a fifth of a second; a process that will open a database calls
     * this first thing, and the open later finds it loaded (or waits for the rest). A failure here
     * is left for the open to report.
     */
    public static void preload() {
        Thread.ofPlatform().daemon().name("sqlite-load").start(() -> {
            try {
                org.sqlite.SQLiteJDBCLoader.initialize();
            } catch (Exception | LinkageError e) {
                // The open loads it again and says what failed.
            }
        });
    }

    /** Opens (creating if needed) {@code dataDir/warden.db} and brings its schema up to date. */
    public static Database openSqlite(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data dir " + dataDir, e);
        }
        var url = "jdbc:sqlite:" + dataDir.resolve("warden.db").toAbsolutePath();
        var config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setPoolName("warden-sqlite");
        config.setMaximumPoolSize(8);
        config.setMinimumIdle(1);
        config.addDataSourceProperty("journal_mode", "WAL");
        config.addDataSourceProperty("synchronous", "FULL");
        config.addDataSourceProperty("busy_timeout", "10000");
        // A transaction that reads and then writes (an approval vote) must take the write lock at
        // BEGIN: a deferred one fails at once with SQLITE_BUSY when another writer committed in between.
        config.addDataSourceProperty("transaction_mode", "IMMEDIATE");
        config.addDataSourceProperty("foreign_keys", "true");
        var db = new Database(new HikariDataSource(config), url);
        db.migrate();
        return db;
    }

    private void migrate() {
        try (var c = dataSource.getConnection()) {
            Migrations.bundled().migrate(c);
        } catch (SQLException e) {
            dataSource.close();
            throw new IllegalStateException("cannot bring the database schema up to date: " + e.getMessage(), e);
        }
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public Connection connection() throws SQLException {
        return dataSource.getConnection();
    }

    /**
     * A pooled connection for writing, held by one caller at a time until closed. SQLite has one
     * writer anyway; waiting here parks a virtual thread, while waiting in SQLite's busy handler
     * would pin its carrier, and with a few writers pinned the one holding the lock cannot run.
     */
    public Connection writeConnection() throws SQLException {
        writeLock.lock();
        Connection connection;
        try {
            connection = dataSource.getConnection();
        } catch (SQLException | RuntimeException e) {
            writeLock.unlock();
            throw e;
        }
        var released = new java.util.concurrent.atomic.AtomicBoolean();
        return (Connection) java.lang.reflect.Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("close") && method.getParameterCount() == 0) {
                        try {
                            connection.close();
                        } finally {
                            if (released.compareAndSet(false, true)) writeLock.unlock();
                        }
                        return null;
                    }
                    try {
                        return method.invoke(connection, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /**
     * A connection outside the pool, in autocommit mode, with the same pragmas as the pool's. For a
     * long-lived single writer (the audit log) that manages its own transactions with {@code BEGIN
     * IMMEDIATE}, so it never borrows from, or starves, the pool. The caller closes it.
     */
    public Connection openWriterConnection() throws SQLException {
        var config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(10_000);
        config.enforceForeignKeys(true);
        return config.createConnection(url);
    }

    public String url() {
        return url;
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
