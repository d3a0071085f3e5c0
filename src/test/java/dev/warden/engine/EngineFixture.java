package dev.warden.engine;

import dev.warden.testing.MovableClock;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.app.Warden;
import dev.warden.audit.AuditQuery;
import dev.warden.audit.AuditRecord;
import dev.warden.config.WardenConfig;
import dev.warden.identity.Principal;
import dev.warden.identity.Role;
import dev.warden.json.Json;
import dev.warden.policy.Policy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** A real Warden over a temporary data dir and root, with a policy written for these tests and a clock they move. */
final class EngineFixture implements AutoCloseable {

    /** The default role ceilings plus one rule of each effect, each triggered by something only a test asks for. */
    static final String POLICY = """
            version: 1
            default: allow
            roles:
              viewer: read
              operator: medium
              admin: critical
            rules:
              - name: no-secrets-dir
                when: 'paths.exists(p, p.hasSegment("secrets"))'
                effect: deny
                reason: The secrets directory is off limits
              - name: mkdir-needs-approval
                when: 'action == "fs.mkdir"'
                effect: approve
                reason: New directories need another person's approval
              - name: confirm-deletes
                when: 'action == "fs.delete"'
                effect: confirm
                reason: Deleting needs a deliberate second step
            """;

    static final Principal OPERATOR = new Principal("tok_operator", "olivia", Role.OPERATOR, "default",
            Principal.Kind.TOKEN, List.of());
    static final Principal ADMIN = new Principal("tok_admin", "ada", Role.ADMIN, "default", Principal.Kind.TOKEN, List.of());
    static final Principal VIEWER = new Principal("tok_viewer", "victor", Role.VIEWER, "default", Principal.Kind.TOKEN, List.of());
    static final Principal FS_ONLY = new Principal("tok_fsonly", "fiona", Role.ADMIN, "default", Principal.Kind.TOKEN,
            List.of("fs.*"));

    final Path root;
    final Path dataDir;
    final MovableClock clock = new MovableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    final Warden warden;
    final Engine engine;
    final AuditQuery audit;

    EngineFixture(Path temp) {
        this(temp, POLICY);
    }

    EngineFixture(Path temp, String policy) {
        try {
            root = Files.createDirectories(temp.resolve("root"));
            dataDir = Files.createDirectories(temp.resolve("data"));
            Files.writeString(dataDir.resolve("policy.yaml"), policy);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(Policy.validate(dataDir.resolve("policy.yaml"))).as("the test policy is valid").isEmpty();
        var config = new WardenConfig("127.0.0.1", 0, dataDir, List.of(root), dataDir.resolve("policy.yaml"), null,
                WardenConfig.DEFAULT_MAX_BODY_BYTES, Duration.ofMinutes(5));
        warden = Warden.open(config, clock);
        engine = warden.engine();
        audit = new AuditQuery(warden.database());
        for (var p : List.of(OPERATOR, ADMIN, VIEWER, FS_ONLY)) enrol(p);
    }

    /** Makes {@code p} a real token, user and member, so it still stands when an approved request of theirs runs. */
    Principal enrol(Principal p) {
        return dev.warden.identity.Members.enrol(warden.database(), warden.users(), warden.projects(), p);
    }

    Outcome submit(String actionId, Principal principal, String inputJson) {
        return engine.submit(Intent.execute(actionId, Json.parse(inputJson), principal, Origin.INTERNAL));
    }

    Outcome simulate(String actionId, Principal principal, String inputJson) {
        return engine.submit(Intent.execute(actionId, Json.parse(inputJson), principal, Origin.INTERNAL)
                .withMode(Mode.SIMULATE));
    }

    AuditRecord record(long seq) {
        return audit.find(seq).orElseThrow(() -> new AssertionError("no audit record with seq " + seq));
    }

    long auditCount() {
        return count("SELECT COUNT(*) FROM audit_log");
    }

    long undoEntries() {
        return count("SELECT COUNT(*) FROM undo_entries");
    }

    boolean undoEntryExists(String id) {
        try (var c = warden.database().connection(); var st = c.prepareStatement("SELECT 1 FROM undo_entries WHERE id = ?")) {
            st.setString(1, id);
            try (var rs = st.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    boolean journalTrashIsEmpty() {
        try (var entries = Files.list(warden.journal().trashDir())) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long count(String sql) {
        try (var c = warden.database().connection(); var st = c.prepareStatement(sql); var rs = st.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Asserts the audit record {@code seq} says what the outcome says, about this caller and input. */
    static void assertAudited(AuditRecord r, String outcome, String code, String action, Principal principal, JsonNode input) {
        assertThat(r.outcome()).as("outcome of record %s", r.seq()).isEqualTo(outcome);
        assertThat(r.code()).as("code of record %s", r.seq()).isEqualTo(code);
        assertThat(r.action()).isEqualTo(action);
        assertThat(r.principalId()).isEqualTo(principal.id());
        assertThat(r.principalName()).isEqualTo(principal.name());
        assertThat(r.project()).isEqualTo(principal.project());
        assertThat(r.origin()).isEqualTo("internal");
        assertThat(r.input()).as("stored input of record %s", r.seq()).isEqualTo(input);
    }

    @Override
    public void close() {
        warden.close();
    }

}
