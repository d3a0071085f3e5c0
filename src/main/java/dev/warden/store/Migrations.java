package dev.warden.store;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * Brings the schema up to date from the SQL scripts under {@code db/migration} ({@code V<n>__<words>.sql}):
 * each script not yet applied runs in its own transaction, in version order, whatever was applied
 * before it (a script numbered for one feature may land after a higher one).
 *
 * <p>The history is Flyway's {@code flyway_schema_history} table, rows and checksums as Flyway writes
 * them, so data dirs migrated by earlier versions (which used Flyway) open unchanged, and Flyway could
 * take over again. Flyway itself is not used at run time: configuring it cost ~0.6 s of every start
 * (its plugin registry is copied through a JSON round trip), more than running all the scripts.
 *
 * <p>A script whose applied checksum differs from the bundled one refuses the start: the schema in
 * the file is not the one this build was tested against.
 */
public final class Migrations {
    static final String HISTORY = "flyway_schema_history";
    private static final String LOCATION = "db/migration";
    private static final Pattern NAME = Pattern.compile("V(\\d+)__(.+)\\.sql");

    /** One bundled script. {@code checksum} is Flyway's: CRC32 over the UTF-8 lines without line breaks. */
    public record Script(int version, String description, String fileName, String sql, int checksum) {}

    private final List<Script> scripts;

    Migrations(List<Script> scripts) {
        this.scripts = scripts.stream().sorted(Comparator.comparingInt(Script::version)).toList();
        for (int i = 1; i < this.scripts.size(); i++) {
            if (this.scripts.get(i).version() == this.scripts.get(i - 1).version()) {
                throw new IllegalStateException("two migration scripts have version " + this.scripts.get(i).version() + ": "
                        + this.scripts.get(i - 1).fileName() + " and " + this.scripts.get(i).fileName());
            }
        }
    }

    /** The scripts in this build, read once from the class path. */
    public static Migrations bundled() {
        return new Migrations(read());
    }

    public List<Script> scripts() {
        return scripts;
    }

    /**
     * Applies what is missing. Each script takes SQLite's write lock first ({@code BEGIN IMMEDIATE})
     * and looks again, so two processes opening one data dir at once apply it once.
     */
    void migrate(Connection connection) throws SQLException {
        try (var s = connection.createStatement()) {
            s.executeUpdate("""
                    CREATE TABLE IF NOT EXISTS "flyway_schema_history" (
                        "installed_rank" INT NOT NULL PRIMARY KEY,
                        "version" VARCHAR(50),
                        "description" VARCHAR(200) NOT NULL,
                        "type" VARCHAR(20) NOT NULL,
                        "script" VARCHAR(1000) NOT NULL,
                        "checksum" INT,
                        "installed_by" VARCHAR(100) NOT NULL,
                        "installed_on" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now')),
                        "execution_time" INT NOT NULL,
                        "success" BOOLEAN NOT NULL
                    )""");
            s.executeUpdate("CREATE INDEX IF NOT EXISTS \"flyway_schema_history_s_idx\" ON \"flyway_schema_history\" (\"success\")");
        }
        var applied = applied(connection);
        for (var script : scripts) {
            var checksum = applied.get(script.version());
            if (checksum != null) {
                check(script, checksum);
                continue;
            }
            apply(connection, script);
        }
    }

    private void apply(Connection connection, Script script) throws SQLException {
        var autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(true);
        try (var s = connection.createStatement()) {
            s.executeUpdate("BEGIN IMMEDIATE");
            try {
                var now = applied(connection).get(script.version());
                if (now != null) {
                    check(script, now);
                } else {
                    long start = System.nanoTime();
                    // The scripts hold DDL and plain statements only; SQLite runs them as one batch.
                    s.executeUpdate(script.sql());
                    record(connection, script, (System.nanoTime() - start) / 1_000_000);
                }
                s.executeUpdate("COMMIT");
            } catch (SQLException | RuntimeException e) {
                s.executeUpdate("ROLLBACK");
                if (e instanceof SQLException sql) {
                    throw new SQLException("migration " + script.fileName() + " failed: " + sql.getMessage(), sql);
                }
                throw e;
            }
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    private static void record(Connection connection, Script script, long millis) throws SQLException {
        try (var ps = connection.prepareStatement("""
                INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum,
                    installed_by, execution_time, success)
                VALUES ((SELECT coalesce(max(installed_rank), 0) + 1 FROM flyway_schema_history), ?, ?, 'SQL', ?, ?, '', ?, 1)""")) {
            ps.setString(1, Integer.toString(script.version()));
            ps.setString(2, script.description());
            ps.setString(3, script.fileName());
            ps.setInt(4, script.checksum());
            ps.setLong(5, millis);
            ps.executeUpdate();
        }
    }

    /** Applied versions and their checksums; a failed row (Flyway's, from a database that cannot roll DDL back) counts as not applied. */
    private static Map<Integer, Integer> applied(Connection connection) throws SQLException {
        var applied = new HashMap<Integer, Integer>();
        try (var s = connection.createStatement();
             var rs = s.executeQuery("SELECT version, checksum FROM flyway_schema_history WHERE success = 1 AND version IS NOT NULL")) {
            while (rs.next()) {
                try {
                    applied.put(Integer.parseInt(rs.getString(1)), rs.getInt(2));
                } catch (NumberFormatException e) {
                    // A dotted version (1.1) was never written by Warden; it names no bundled script.
                }
            }
        }
        return applied;
    }

    private static void check(Script script, int appliedChecksum) throws SQLException {
        if (appliedChecksum != script.checksum()) {
            throw new SQLException("migration " + script.fileName() + " was applied with checksum " + appliedChecksum
                    + " but this build's script has " + script.checksum() + ": the schema was made by another script."
                    + " Open this data dir with the Warden version that created it, or restore a backup.");
        }
    }

    static int checksum(String sql) {
        var crc = new CRC32();
        try (var reader = new BufferedReader(new StringReader(sql))) {
            var line = reader.readLine();
            if (line != null && line.startsWith("\uFEFF")) line = line.substring(1);
            for (; line != null; line = reader.readLine()) crc.update(line.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return (int) crc.getValue();
    }

    private static List<Script> read() {
        var url = Migrations.class.getClassLoader().getResource(LOCATION);
        if (url == null) throw new IllegalStateException("no " + LOCATION + " on the class path");
        try {
            var uri = url.toURI();
            if (uri.getScheme().equals("jar")) {
                // jar:file:/…/warden.jar!/db/migration: a file system of its own over the jar, closed after.
                var jarFile = uri.getRawSchemeSpecificPart();
                try (var jar = FileSystems.newFileSystem(Path.of(java.net.URI.create(jarFile.substring(0, jarFile.indexOf("!/")))))) {
                    return read(jar.getPath(LOCATION));
                }
            }
            return read(Path.of(uri));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + LOCATION, e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Script> read(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.map(file -> {
                var name = file.getFileName().toString();
                var m = NAME.matcher(name);
                if (!m.matches()) throw new IllegalStateException("not a migration script name: " + name + " (V<n>__<words>.sql)");
                try {
                    var sql = Files.readString(file);
                    return new Script(Integer.parseInt(m.group(1)), m.group(2).replace('_', ' '), name, sql, checksum(sql));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
        }
    }
}
