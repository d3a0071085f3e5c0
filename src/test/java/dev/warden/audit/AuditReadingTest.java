package dev.warden.audit;

import static dev.warden.audit.SampleEntries.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.action.ActionException;
import dev.warden.json.CanonicalJson;
import dev.warden.json.Json;
import dev.warden.store.Database;
import java.io.ByteArrayOutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Query pages and JSONL export over a trail of 20 records. */
class AuditReadingTest {
    @TempDir
    Path dataDir;
    Database db;

    @BeforeEach
    void writeTwentyRecords() {
        db = Database.openSqlite(dataDir);
        try (var audit = new AuditLog(db, Clock.systemUTC())) {
            for (int i = 1; i <= 19; i++) audit.append(entry(i));
            audit.append(entry(20, Json.parse("""
                    {"text": "line\\nbreak \\"quoted\\" tab\\t é 😀", "big": 12345678901234567890, "x": 1.25e-7,
                     "token": "hidden", "deep": {"b": [true, null, {"z": 1, "a": 2}]}}""")));
        }
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void pagesAscendAfterTheCursor() {
        var query = new AuditQuery(db);
        assertThat(query.page(0, 5)).extracting(AuditRecord::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(query.page(17, 100)).extracting(AuditRecord::seq).containsExactly(18L, 19L, 20L);
        assertThat(query.page(20, 10)).isEmpty();
    }

    @Test
    void latestIsNewestFirst() {
        assertThat(new AuditQuery(db).latest(3)).extracting(AuditRecord::seq).containsExactly(20L, 19L, 18L);
        assertThat(new AuditQuery(db).latest(1_000)).hasSize(20);
    }

    @Test
    void findsOneRecordWithEveryColumn() {
        var query = new AuditQuery(db);
        var seven = query.find(7).orElseThrow();
        assertThat(seven.action()).isEqualTo("fs.read");
        assertThat(seven.traceId()).isEqualTo("trace-7");
        assertThat(seven.input().get("path").asString()).isEqualTo("/srv/app/file-7.txt");
        assertThat(seven.prevHash()).isEqualTo(query.find(6).orElseThrow().hash());
        assertThat(query.find(21)).isEmpty();
    }

    @Test
    void refusesBadLimitsAndCursors() {
        var query = new AuditQuery(db);
        for (int limit : new int[] {0, -1, 1_001}) {
            assertThatThrownBy(() -> query.page(0, limit)).isInstanceOfSatisfying(ActionException.class,
                    e -> assertThat(e.code()).isEqualTo("invalid_limit"));
            assertThatThrownBy(() -> query.latest(limit)).isInstanceOfSatisfying(ActionException.class,
                    e -> assertThat(e.code()).isEqualTo("invalid_limit"));
        }
        assertThatThrownBy(() -> query.page(-1, 10)).isInstanceOfSatisfying(ActionException.class, e -> {
            assertThat(e.code()).isEqualTo("invalid_cursor");
            assertThat(e.hint()).contains("afterSeq=0");
        });
    }

    @Test
    void exportWritesOneLinePerRecordFromWhichEachHashCanBeRecomputed() {
        var out = new StringWriter();
        assertThat(new AuditExporter(db).export(out)).isEqualTo(20);
        var lines = out.toString().split("\n");
        assertThat(lines).hasSize(20);
        assertThat(out.toString()).endsWith("\n");

        var records = new AuditQuery(db).page(0, 100);
        String prev = AuditChain.GENESIS;
        for (int i = 0; i < lines.length; i++) {
            var line = Json.parse(lines[i]);
            assertThat(line.get("input").isObject()).isTrue();
            assertThat(lines[i]).isEqualTo(Json.write(records.get(i).toJson()));
            var row = fromLine(line);
            assertThat(row.prevHash()).isEqualTo(prev);
            assertThat(AuditChain.hash(row)).isEqualTo(row.hash());
            prev = row.hash();
        }
        var last = Json.parse(lines[19]).get("input");
        assertThat(last.get("text").asString()).isEqualTo("line\nbreak \"quoted\" tab\t é 😀");
        assertThat(last.get("token").asString()).isEqualTo(Redactor.MASK);
        assertThat(last.get("big").bigIntegerValue()).hasToString("12345678901234567890");
    }

    @Test
    void exportStartsAtFromSeqAndWritesUtf8ToAStream() {
        var bytes = new ByteArrayOutputStream();
        assertThat(new AuditExporter(db).export(bytes, 18)).isEqualTo(3);
        var lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(List.of(lines)).extracting(l -> Json.parse(l).get("seq").asLong()).containsExactly(18L, 19L, 20L);
        assertThat(lines[2]).contains("é 😀");
        assertThat(new AuditExporter(db).export(new StringWriter(), 21)).isZero();
    }

    private static ChainRow fromLine(JsonNode line) {
        return new ChainRow(line.get("seq").asLong(), text(line, "ts"), text(line, "principal_id"),
                text(line, "principal_name"), text(line, "project"), text(line, "origin"), text(line, "action"),
                text(line, "mode"), CanonicalJson.of(line.get("input")), text(line, "risk"), text(line, "decision"),
                text(line, "reason"), text(line, "outcome"), text(line, "code"), text(line, "result_digest"),
                line.get("duration_us").asLong(), text(line, "trace_id"), text(line, "undo_id"),
                text(line, "prev_hash"), text(line, "hash"));
    }

    private static String text(JsonNode line, String field) {
        var value = line.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }
}
