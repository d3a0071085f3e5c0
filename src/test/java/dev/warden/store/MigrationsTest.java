package dev.warden.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The schema and its history, against what Flyway (which Warden used before) makes of the same scripts. */
class MigrationsTest {
    @TempDir
    Path temp;

    @Test
    void makesTheSchemaAndTheHistoryFlywayMakes() throws Exception {
        var ours = temp.resolve("ours");
        Database.openSqlite(ours).close();
        var flyway = flywayMigrated("flyway", null);

        assertThat(schema(ours.resolve("warden.db"))).isEqualTo(schema(flyway)).isNotEmpty();
        assertThat(history(ours.resolve("warden.db"))).isEqualTo(history(flyway))
                .hasSize(Migrations.bundled().scripts().size());
    }

    @Test
    void continuesADataDirFlywayMigratedAndFlywayStillAcceptsTheResult() throws Exception {
        var dir = temp.resolve("old");
        var file = flywayMigrated("old", "6");
        assertThat(history(file)).hasSize(6);

        Database.openSqlite(dir).close();

        assertThat(history(file)).isEqualTo(history(flywayMigrated("all", null)));
        var validation = Flyway.configure().dataSource("jdbc:sqlite:" + file, null, null)
                .locations("classpath:db/migration").load().validateWithResult();
        assertThat(validation.validationSuccessful).as(validation.getAllErrorMessages()).isTrue();
    }

    @Test
    void opensAnUpToDateDatabaseWithoutWritingAnything() throws Exception {
        var dir = temp.resolve("again");
        Database.openSqlite(dir).close();
        var before = history(dir.resolve("warden.db"));
        Database.openSqlite(dir).close();
        assertThat(history(dir.resolve("warden.db"))).isEqualTo(before);
    }

    @Test
    void refusesADatabaseWhoseAppliedScriptDiffersAndChangesNothing() throws Exception {
        var dir = temp.resolve("edited");
        Database.openSqlite(dir).close();
        var file = dir.resolve("warden.db");
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + file); var s = c.createStatement()) {
            s.executeUpdate("UPDATE flyway_schema_history SET checksum = 12345 WHERE version = '2'");
            s.executeUpdate("DELETE FROM flyway_schema_history WHERE version = '9'");
        }
        var schema = schema(file);

        assertThatThrownBy(() -> Database.openSqlite(dir).close())
                .hasMessageContaining("V2__approvals.sql").hasMessageContaining("checksum 12345");
        assertThat(schema(file)).as("V9 was not re-applied after the refusal").isEqualTo(schema);
    }

    @Test
    void aFailingScriptLeavesNeitherItsTablesNorAHistoryRow() throws Exception {
        var sql = "CREATE TABLE made_first (a INTEGER);\nINSERT INTO no_such_table VALUES (1);\n";
        var migrations = new Migrations(List.of(
                new Migrations.Script(1, "good", "V1__good.sql", "CREATE TABLE good (a INTEGER);", Migrations.checksum("CREATE TABLE good (a INTEGER);")),
                new Migrations.Script(2, "bad", "V2__bad.sql", sql, Migrations.checksum(sql))));
        var file = temp.resolve("failing.db");
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            assertThatThrownBy(() -> migrations.migrate(c)).isInstanceOf(SQLException.class)
                    .hasMessageContaining("V2__bad.sql").hasMessageContaining("no_such_table");
        }
        assertThat(schema(file)).anySatisfy(row -> assertThat(row).contains("good"))
                .noneSatisfy(row -> assertThat(row).contains("made_first"));
        assertThat(history(file)).containsExactly("1|good|SQL|V1__good.sql|" + Migrations.checksum("CREATE TABLE good (a INTEGER);"));
    }

    @Test
    void twoProcessesOpeningOneNewDataDirApplyEachScriptOnce() throws Exception {
        var dir = temp.resolve("race");
        Files.createDirectories(dir);
        try (var threads = Executors.newFixedThreadPool(4)) {
            var opens = new ArrayList<CompletableFuture<Void>>();
            for (int i = 0; i < 4; i++) opens.add(CompletableFuture.runAsync(() -> Database.openSqlite(dir).close(), threads));
            CompletableFuture.allOf(opens.toArray(CompletableFuture[]::new)).join();
        }
        assertThat(history(dir.resolve("warden.db"))).isEqualTo(history(flywayMigrated("single", null)));
    }

    @Test
    void twoScriptsWithOneVersionAreRefused() {
        assertThatThrownBy(() -> new Migrations(List.of(
                new Migrations.Script(3, "a", "V3__a.sql", "", 0), new Migrations.Script(3, "b", "V3__b.sql", "", 0))))
                .hasMessageContaining("V3__a.sql").hasMessageContaining("V3__b.sql");
    }

    @Test
    void checksumIsFlywaysLineChecksum() {
        // Line breaks do not count, whichever they are, nor does a byte-order mark.
        assertThat(Migrations.checksum("a\nb\n")).isEqualTo(Migrations.checksum("a\r\nb")).isEqualTo(Migrations.checksum("\uFEFFa\nb"));
        assertThat(Migrations.checksum("a\nb")).isNotEqualTo(Migrations.checksum("a\nc"));
    }

    private Path flywayMigrated(String name, String target) throws Exception {
        var dir = Files.createDirectories(temp.resolve(name));
        var file = dir.resolve("warden.db");
        var config = Flyway.configure().dataSource("jdbc:sqlite:" + file, null, null).locations("classpath:db/migration");
        if (target != null) config.target(target);
        config.load().migrate();
        return file;
    }

    private static List<String> schema(Path file) throws SQLException {
        return rows(file, "SELECT type || '|' || name || '|' || coalesce(sql, '') FROM sqlite_master ORDER BY type, name");
    }

    /** What Flyway compares: version, description, type, script and checksum, in rank order. */
    private static List<String> history(Path file) throws SQLException {
        return rows(file, "SELECT version || '|' || description || '|' || type || '|' || script || '|' || checksum"
                + " FROM flyway_schema_history ORDER BY installed_rank");
    }

    private static List<String> rows(Path file, String query) throws SQLException {
        var rows = new ArrayList<String>();
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + file); var s = c.createStatement(); var rs = s.executeQuery(query)) {
            while (rs.next()) rows.add(rs.getString(1));
        }
        return rows;
    }
}
