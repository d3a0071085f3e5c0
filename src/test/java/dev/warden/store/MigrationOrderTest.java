package dev.warden.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A data dir migrated before a lower-numbered migration existed still opens, and gets that migration. */
class MigrationOrderTest {
    @TempDir
    Path data;

    @Test
    void aMissingLowerMigrationIsAppliedOnTheNextStart() throws Exception {
        try (var db = Database.openSqlite(data); var c = db.connection(); var s = c.createStatement()) {
            // As a data dir from before V3 (jobs) existed, but after V8 was applied.
            s.executeUpdate("DROP TABLE jobs");
            assertThat(s.executeUpdate("DELETE FROM flyway_schema_history WHERE version = '3'")).isEqualTo(1);
        }
        try (var db = Database.openSqlite(data); var c = db.connection(); var s = c.createStatement();
             var rs = s.executeQuery("SELECT count(*) FROM jobs")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isZero();
        }
    }
}
