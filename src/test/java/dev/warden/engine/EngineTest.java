package dev.warden.engine;

import static dev.warden.engine.EngineFixture.ADMIN;
import static dev.warden.engine.EngineFixture.FS_ONLY;
import static dev.warden.engine.EngineFixture.OPERATOR;
import static dev.warden.engine.EngineFixture.VIEWER;
import static dev.warden.engine.EngineFixture.assertAudited;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.action.ErrorKind;
import dev.warden.action.Risk;
import dev.warden.audit.AuditVerifier;
import dev.warden.audit.Redactor;
import dev.warden.identity.Principal;
import dev.warden.identity.Role;
import dev.warden.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline's contract, through the engine a real {@code Warden} wires: every outcome, its audit record, its journal. */
class EngineTest {
    @TempDir
    Path temp;

    EngineFixture w;

    @BeforeEach
    void open() {
        w = new EngineFixture(temp);
    }

    @AfterEach
    void close() {
        w.close();
    }

    @Test
    void doneIsAuditedWithItsUndoIdAndTheInputRedacted() throws Exception {
        var input = "{\"path\":\"notes.txt\",\"content\":\"API_KEY=s3cret\\n\"}";
        var outcome = w.submit("fs.write", OPERATOR, input);

        var done = (Outcome.Done) outcome;
        assertThat(done.actionId()).isEqualTo("fs.write");
        assertThat(done.simulated()).isFalse();
        assertThat(done.risk()).isEqualTo(Risk.MEDIUM);
        assertThat(done.undoId()).startsWith("u_");
        assertThat(Files.readString(w.root.resolve("notes.txt"))).isEqualTo("API_KEY=s3cret\n");

        var r = w.record(done.auditSeq());
        assertAudited(r, "done", null, "fs.write", OPERATOR,
                Json.parse("{\"path\":\"notes.txt\",\"content\":\"API_KEY=" + Redactor.MASK + "\\n\"}"));
        assertThat(r.mode()).isEqualTo("execute");
        assertThat(r.risk()).isEqualTo("medium");
        assertThat(r.decision()).isEqualTo("allow");
        assertThat(r.undoId()).isEqualTo(done.undoId());
        assertThat(r.resultDigest()).hasSize(64).isEqualTo(Trail.digest(done.result()));
        assertThat(r.toJson().toString()).doesNotContain("s3cret");
        assertThat(w.undoEntryExists(done.undoId())).isTrue();
    }

    @Test
    void aReadHasNothingToUndo() throws Exception {
        Files.writeString(w.root.resolve("a.txt"), "alpha\n");
        var before = w.undoEntries();
        var done = (Outcome.Done) w.submit("fs.read", VIEWER, "{\"path\":\"a.txt\"}");
        assertThat(done.result().get("content").asString()).isEqualTo("alpha\n");
        assertThat(done.undoId()).isNull();
        assertThat(w.undoEntries()).isEqualTo(before);
        assertAudited(w.record(done.auditSeq()), "done", null, "fs.read", VIEWER, Json.parse("{\"path\":\"a.txt\"}"));
        assertThat(w.record(done.auditSeq()).undoId()).isNull();
    }

    @Test
    void needsConfirmationIsAuditedAndChangesNothing() throws Exception {
        Files.writeString(w.root.resolve("doomed.txt"), "bye");
        var before = w.undoEntries();
        var outcome = w.submit("fs.delete", ADMIN, "{\"path\":\"doomed.txt\"}");

        var held = (Outcome.NeedsConfirmation) outcome;
        assertThat(held.token()).isNotBlank();
        assertThat(held.expiresAt()).isEqualTo(w.clock.instant().plus(Duration.ofMinutes(5)));
        assertThat(held.reason()).isEqualTo("Deleting needs a deliberate second step");
        assertThat(held.preview()).isNotNull();
        assertThat(w.root.resolve("doomed.txt")).exists();
        assertThat(w.undoEntries()).isEqualTo(before);
        assertThat(w.journalTrashIsEmpty()).isTrue();

        var r = w.record(held.auditSeq());
        assertAudited(r, "needs_confirmation", "confirmation_required", "fs.delete", ADMIN, Json.parse("{\"path\":\"doomed.txt\"}"));
        assertThat(r.decision()).isEqualTo("confirm");
        assertThat(r.undoId()).isNull();
    }

    @Test
    void aTokenLimitedToFsActionsIsDeniedShellExecAndTheSecretNeverReachesTheTrail() {
        var outcome = w.submit("shell.exec", FS_ONLY, "{\"command\":\"touch canary\",\"env\":{\"API_KEY\":\"s3cret\"}}");

        var denied = (Outcome.Denied) outcome;
        assertThat(denied.code()).isEqualTo("action_not_permitted");
        assertThat(denied.hint()).contains("shell.exec");
        assertThat(w.root.resolve("canary")).doesNotExist();

        var r = w.record(denied.auditSeq());
        assertAudited(r, "denied", "action_not_permitted", "shell.exec", FS_ONLY,
                Json.parse("{\"command\":\"touch canary\",\"env\":{\"API_KEY\":\"" + Redactor.MASK + "\"}}"));
        assertThat(r.toJson().toString()).doesNotContain("s3cret");

        // The same token may still call what its patterns name.
        assertThat(w.submit("fs.stat", FS_ONLY, "{\"path\":\".\"}")).isInstanceOf(Outcome.Done.class);
    }

    @Test
    void anUnknownActionIsInvalidAndNamesTheClosestIds() {
        var outcome = w.submit("fs.raed", OPERATOR, "{\"path\":\"a.txt\",\"password\":\"hunter2\"}");

        var invalid = (Outcome.Invalid) outcome;
        assertThat(invalid.code()).isEqualTo("unknown_action");
        assertThat(invalid.hint()).contains("fs.read");
        var r = w.record(invalid.auditSeq());
        assertAudited(r, "invalid", "unknown_action", "fs.raed", OPERATOR,
                Json.parse("{\"path\":\"a.txt\",\"password\":\"" + Redactor.MASK + "\"}"));
        assertThat(r.decision()).isNull();
    }

    @Test
    void schemaErrorsAreInvalidWithEveryPathAndTheSecretRedacted() {
        var outcome = w.submit("shell.exec", OPERATOR,
                "{\"command\":\"touch canary\",\"env\":{\"API_KEY\":\"s3cret\"},\"colour\":\"red\",\"timeoutMs\":-5}");

        var invalid = (Outcome.Invalid) outcome;
        assertThat(invalid.code()).isEqualTo("invalid_input");
        assertThat(invalid.errors()).extracting(Outcome.FieldError::path).contains("$.colour", "$.timeoutMs");
        assertThat(invalid.hint()).isNotBlank();
        assertThat(w.root.resolve("canary")).doesNotExist();
        var r = w.record(invalid.auditSeq());
        assertAudited(r, "invalid", "invalid_input", "shell.exec", OPERATOR, Json.parse(
                "{\"command\":\"touch canary\",\"env\":{\"API_KEY\":\"" + Redactor.MASK + "\"},\"colour\":\"red\",\"timeoutMs\":-5}"));
        assertThat(r.toJson().toString()).doesNotContain("s3cret");

        var missing = (Outcome.Invalid) w.submit("fs.read", OPERATOR, "{}");
        assertThat(missing.errors()).extracting(Outcome.FieldError::path).containsExactly("$.path");
        assertAudited(w.record(missing.auditSeq()), "invalid", "invalid_input", "fs.read", OPERATOR, Json.object());
    }

    @Test
    void aFailedEditLeavesNoUndoEntryAndNoChange() throws Exception {
        var file = Files.writeString(w.root.resolve("config.txt"), "hello world\n");
        var before = w.undoEntries();
        var input = "{\"path\":\"config.txt\",\"oldText\":\"goodbye\",\"newText\":\"hi\"}";

        var failed = (Outcome.Failed) w.submit("fs.edit", OPERATOR, input);

        assertThat(failed.kind()).isEqualTo(ErrorKind.CONFLICT);
        assertThat(failed.code()).isEqualTo("edit_text_not_found");
        assertThat(failed.hint()).isNotBlank();
        assertThat(Files.readString(file)).isEqualTo("hello world\n");
        assertThat(w.undoEntries()).isEqualTo(before);
        var r = w.record(failed.auditSeq());
        assertAudited(r, "failed", "edit_text_not_found", "fs.edit", OPERATOR, Json.parse(input));
        assertThat(r.undoId()).isNull();
        assertThat(r.resultDigest()).isNull();

        var done = (Outcome.Done) w.submit("fs.edit", OPERATOR, "{\"path\":\"config.txt\",\"oldText\":\"world\",\"newText\":\"there\"}");
        assertThat(Files.readString(file)).isEqualTo("hello there\n");
        assertThat(w.undoEntries()).isEqualTo(before + 1);
        assertThat(w.undoEntryExists(done.undoId())).isTrue();
    }

    @Test
    void simulateChangesNothingAndHasNoUndoId() throws Exception {
        Files.writeString(w.root.resolve("keep.txt"), "keep");
        var before = w.undoEntries();

        var write = (Outcome.Done) w.simulate("fs.write", OPERATOR, "{\"path\":\"new.txt\",\"content\":\"x\"}");
        assertThat(write.simulated()).isTrue();
        assertThat(write.undoId()).isNull();
        assertThat(w.root.resolve("new.txt")).doesNotExist();
        var r = w.record(write.auditSeq());
        assertAudited(r, "simulated", null, "fs.write", OPERATOR, Json.parse("{\"path\":\"new.txt\",\"content\":\"x\"}"));
        assertThat(r.mode()).isEqualTo("simulate");
        assertThat(r.undoId()).isNull();

        // A rule that would hold or refer the real call does not stop its dry run, and the dry run does nothing either.
        var delete = (Outcome.Done) w.simulate("fs.delete", ADMIN, "{\"path\":\"keep.txt\"}");
        assertThat(delete.simulated()).isTrue();
        assertThat(delete.undoId()).isNull();
        assertThat(Files.readString(w.root.resolve("keep.txt"))).isEqualTo("keep");
        assertThat(w.journalTrashIsEmpty()).isTrue();
        var mkdir = (Outcome.Done) w.simulate("fs.mkdir", OPERATOR, "{\"path\":\"newdir\"}");
        assertThat(mkdir.simulated()).isTrue();
        assertThat(w.root.resolve("newdir")).doesNotExist();

        assertThat(w.undoEntries()).isEqualTo(before);
    }

    @Test
    void theRoleCeilingDeniesWhatIsTooRisky() throws Exception {
        Files.writeString(w.root.resolve("a.txt"), "a");
        var viewerWrite = (Outcome.Denied) w.submit("fs.write", VIEWER, "{\"path\":\"b.txt\",\"content\":\"b\"}");
        assertThat(viewerWrite.code()).isEqualTo("role_insufficient");
        assertThat(viewerWrite.rule()).isNull();
        assertThat(w.root.resolve("b.txt")).doesNotExist();
        assertAudited(w.record(viewerWrite.auditSeq()), "denied", "role_insufficient", "fs.write", VIEWER,
                Json.parse("{\"path\":\"b.txt\",\"content\":\"b\"}"));

        var operatorDelete = (Outcome.Denied) w.submit("fs.delete", OPERATOR, "{\"path\":\"a.txt\"}");
        assertThat(operatorDelete.code()).isEqualTo("role_insufficient");
        assertThat(w.root.resolve("a.txt")).exists();
    }

    @Test
    void aDenyRuleIsPolicyDeniedWithTheRuleName() throws Exception {
        Files.createDirectories(w.root.resolve("secrets"));
        var input = "{\"path\":\"secrets/key.txt\",\"content\":\"x\"}";
        var denied = (Outcome.Denied) w.submit("fs.write", ADMIN, input);
        assertThat(denied.code()).isEqualTo("policy_denied");
        assertThat(denied.rule()).isEqualTo("no-secrets-dir");
        assertThat(denied.reason()).isEqualTo("The secrets directory is off limits");
        assertThat(w.root.resolve("secrets/key.txt")).doesNotExist();
        var r = w.record(denied.auditSeq());
        assertAudited(r, "denied", "policy_denied", "fs.write", ADMIN, Json.parse(input));
        assertThat(r.decision()).isEqualTo("deny");
        assertThat(r.reason()).isEqualTo("The secrets directory is off limits");
    }

    @Test
    void aConfirmationRunsTheExactIntentOnceAndOnlyForItsPrincipal() throws Exception {
        Files.writeString(w.root.resolve("doomed.txt"), "bye");
        Files.writeString(w.root.resolve("other.txt"), "keep");
        var input = Json.parse("{\"path\":\"doomed.txt\"}");
        var intent = Intent.execute("fs.delete", input, ADMIN, Origin.INTERNAL);
        var token = ((Outcome.NeedsConfirmation) w.engine.submit(intent)).token();

        var otherInput = (Outcome.Denied) w.engine.submit(
                Intent.execute("fs.delete", Json.parse("{\"path\":\"other.txt\"}"), ADMIN, Origin.INTERNAL).withConfirmation(token));
        assertThat(otherInput.code()).isEqualTo("confirmation_mismatch");
        assertThat(w.root.resolve("other.txt")).exists();

        var otherAdmin = new Principal("tok_admin2", "bob", Role.ADMIN, "default", Principal.Kind.TOKEN, List.of());
        var otherPrincipal = (Outcome.Denied) w.engine.submit(
                Intent.execute("fs.delete", input, otherAdmin, Origin.INTERNAL).withConfirmation(token));
        assertThat(otherPrincipal.code()).isEqualTo("confirmation_mismatch");
        assertThat(w.root.resolve("doomed.txt")).exists();

        var forged = (Outcome.Denied) w.engine.submit(intent.withConfirmation(token.substring(0, token.length() - 2) + "AA"));
        assertThat(forged.code()).isIn("confirmation_invalid", "confirmation_mismatch");
        assertThat(w.root.resolve("doomed.txt")).exists();

        var done = (Outcome.Done) w.engine.submit(intent.withConfirmation(token));
        assertThat(w.root.resolve("doomed.txt")).doesNotExist();
        assertThat(done.undoId()).isNotBlank();
        assertAudited(w.record(done.auditSeq()), "done", null, "fs.delete", ADMIN, input);
        assertThat(w.record(done.auditSeq()).decision()).isEqualTo("confirm");

        Files.writeString(w.root.resolve("doomed.txt"), "again");
        var replay = (Outcome.Denied) w.engine.submit(intent.withConfirmation(token));
        assertThat(replay.code()).isEqualTo("confirmation_used");
        assertThat(Files.readString(w.root.resolve("doomed.txt"))).isEqualTo("again");
        assertAudited(w.record(replay.auditSeq()), "denied", "confirmation_used", "fs.delete", ADMIN, input);
    }

    @Test
    void anExpiredConfirmationIsRefused() throws Exception {
        Files.writeString(w.root.resolve("doomed.txt"), "bye");
        var intent = Intent.execute("fs.delete", Json.parse("{\"path\":\"doomed.txt\"}"), ADMIN, Origin.INTERNAL);
        var token = ((Outcome.NeedsConfirmation) w.engine.submit(intent)).token();
        w.clock.advance(Duration.ofMinutes(5).plusSeconds(1));

        var expired = (Outcome.Denied) w.engine.submit(intent.withConfirmation(token));
        assertThat(expired.code()).isEqualTo("confirmation_expired");
        assertThat(expired.hint()).isNotBlank();
        assertThat(w.root.resolve("doomed.txt")).exists();
    }

    @Test
    void aCommandSeesItsEnvironmentButTheTrailKeepsOnlyTheMask() {
        var input = "{\"argv\":[\"printenv\",\"API_KEY\"],\"env\":{\"API_KEY\":\"s3cret\"}}";
        var outcome = w.submit("shell.exec", OPERATOR, input);

        assertThat(outcome).as(outcome.toString()).isInstanceOf(Outcome.Done.class);
        var done = (Outcome.Done) outcome;
        assertThat(done.result().get("stdout").asString()).isEqualTo("s3cret\n");
        assertThat(done.undoId()).isNull();
        var r = w.record(done.auditSeq());
        assertAudited(r, "done", null, "shell.exec", OPERATOR,
                Json.parse("{\"argv\":[\"printenv\",\"API_KEY\"],\"env\":{\"API_KEY\":\"" + Redactor.MASK + "\"}}"));
        assertThat(r.toJson().toString()).doesNotContain("s3cret");
    }

    @Test
    void theChainVerifiesAfter500ConcurrentSubmits() throws Exception {
        var before = w.auditCount();
        var tasks = new ArrayList<Callable<Outcome>>();
        for (int i = 0; i < 500; i++) {
            int n = i;
            tasks.add(() -> switch (n % 5) {
                case 0 -> w.submit("fs.write", OPERATOR, "{\"path\":\"f" + n + ".txt\",\"content\":\"" + n + "\"}");
                case 1 -> w.submit("fs.read", VIEWER, "{\"path\":\"missing" + n + ".txt\"}");
                case 2 -> w.submit("fs.nope", OPERATOR, "{}");
                case 3 -> w.submit("fs.write", VIEWER, "{\"path\":\"v" + n + ".txt\",\"content\":\"x\"}");
                default -> w.submit("fs.list", OPERATOR, "{\"path\":\".\"}");
            });
        }
        List<Future<Outcome>> futures;
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            futures = pool.invokeAll(tasks, 60, TimeUnit.SECONDS);
        }
        var seqs = new HashSet<Long>();
        for (int i = 0; i < futures.size(); i++) {
            var outcome = futures.get(i).get();
            seqs.add(outcome.auditSeq());
            var expected = switch (i % 5) {
                case 0, 4 -> Outcome.Done.class;
                case 1 -> Outcome.Failed.class;
                case 2 -> Outcome.Invalid.class;
                default -> Outcome.Denied.class;
            };
            assertThat(outcome).as("submit %d", i).isInstanceOf(expected);
            var r = w.record(outcome.auditSeq());
            assertThat(r.outcome()).isEqualTo(switch (outcome) {
                case Outcome.Done d -> "done";
                case Outcome.Failed f -> "failed";
                case Outcome.Invalid v -> "invalid";
                case Outcome.Denied d -> "denied";
                case Outcome.NeedsConfirmation c -> "needs_confirmation";
                case Outcome.PendingApproval p -> "pending_approval";
                case Outcome.Limited l -> "limited";
            });
            if (i % 5 == 0) assertThat(Files.readString(w.root.resolve("f" + i + ".txt"))).isEqualTo(Integer.toString(i));
        }
        assertThat(seqs).hasSize(500);
        assertThat(w.auditCount()).isEqualTo(before + 500);

        var report = new AuditVerifier().verify(w.warden.database());
        assertThat(report.ok()).as(report.message()).isTrue();
        assertThat(report.count()).isEqualTo(w.auditCount());
    }
}
