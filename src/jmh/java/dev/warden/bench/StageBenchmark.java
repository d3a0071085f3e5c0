package dev.warden.bench;

import dev.warden.action.Action;
import dev.warden.action.ActionContext;
import dev.warden.action.ActionRegistry;
import dev.warden.action.Assessment;
import dev.warden.action.ChangeJournal;
import dev.warden.action.InputValidator;
import dev.warden.actions.fs.FileActions;
import dev.warden.audit.AuditEntry;
import dev.warden.audit.AuditLog;
import dev.warden.guard.PathJail;
import dev.warden.identity.Principal;
import dev.warden.journal.Journal;
import dev.warden.json.CanonicalJson;
import dev.warden.json.Json;
import dev.warden.policy.Decision;
import dev.warden.policy.DecisionRequest;
import dev.warden.policy.Policy;
import dev.warden.store.Database;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The stages {@code Engine.submit} runs for {@code fs.stat}, one benchmark each, built from the same
 * parts {@code Warden.open} wires, plus {@link #pipelineToEnqueue}: every stage in the engine's
 * order up to handing the audit record to the writer, without waiting for it to be durable. That is
 * the engine's own overhead; the wait for the fsync is measured by {@link EngineBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
public class StageBenchmark {
    private static final Map<String, Object> CONTEXT = Map.of("origin", "cli", "mode", "execute", "tainted", false);

    private BenchData data;
    private Database db;
    private AuditLog audit;
    private Journal journal;
    private ActionRegistry registry;
    private InputValidator validator;
    private Policy policy;
    private Action stat;
    private Principal principal;
    private ObjectNode input;
    private JsonNode result;
    private ActionContext ctx;

    @Setup(Level.Trial)
    public void open() {
        data = new BenchData();
        db = Database.openSqlite(data.dataDir);
        var clock = Clock.systemUTC();
        audit = new AuditLog(db, clock);
        var jail = new PathJail(List.of(data.root));
        journal = new Journal(db, data.dataDir.resolve("journal"), clock, jail);
        registry = new ActionRegistry(FileActions.all(jail));
        validator = new InputValidator(registry);
        policy = Policy.parse(Policy.defaultYaml(), "default");
        stat = registry.find("fs.stat").orElseThrow();
        principal = Principal.localAdmin("bench");
        input = Json.object();
        input.put("path", "README.md");
        ctx = new Ctx(journal.begin(principal, "fs.stat"), Instant.now().plusSeconds(600));
        result = stat.execute(ctx, input);
    }

    @TearDown(Level.Trial)
    public void close() {
        audit.close();
        db.close();
        data.close();
    }

    @Benchmark
    public Object resolve() {
        var action = registry.find("fs.stat").orElseThrow();
        return principal.mayCall(action.spec().id()) ? action : null;
    }

    @Benchmark
    public Object validate() {
        return validator.validate("fs.stat", input);
    }

    @Benchmark
    public Assessment guard() {
        return stat.assess(ctx, input);
    }

    @Benchmark
    public Decision decide() {
        return policy.decide(new DecisionRequest(principal, "fs.stat", input, stat.spec().risk(), CONTEXT));
    }

    @Benchmark
    public JsonNode execute() {
        return stat.execute(ctx, input);
    }

    @Benchmark
    public Object journalBeginAbandon() {
        var recorder = journal.begin(principal, "fs.stat");
        recorder.abandon();
        return recorder.commit();
    }

    @Benchmark
    public String resultDigest() {
        return digest(result);
    }

    /** Enqueue only: redaction and canonical JSON on this thread, then the hand-off to the writer. */
    @Benchmark
    public CompletableFuture<Long> auditEnqueue() {
        return audit.appendAsync(entry(result));
    }

    @Benchmark
    public CompletableFuture<Long> pipelineToEnqueue() {
        var started = System.nanoTime();
        var action = registry.find("fs.stat").orElseThrow();
        if (!principal.mayCall(action.spec().id())) throw new IllegalStateException();
        if (!validator.validate("fs.stat", input).isEmpty()) throw new IllegalStateException();
        var recorder = journal.begin(principal, "fs.stat");
        var callCtx = new Ctx(recorder, Instant.now().plusSeconds(600));
        var assessment = action.assess(callCtx, input);
        policy.decide(new DecisionRequest(principal, "fs.stat", input, assessment.risk(), CONTEXT));
        var out = action.execute(callCtx, input);
        recorder.commit();
        var entry = entry(out);
        return audit.appendAsync(new AuditEntry(entry.time(), entry.principalId(), entry.principalName(),
                entry.project(), entry.origin(), entry.action(), entry.mode(), entry.input(), entry.risk(),
                entry.decision(), entry.reason(), entry.outcome(), entry.code(), digest(out),
                (System.nanoTime() - started) / 1_000, null, null));
    }

    private AuditEntry entry(JsonNode out) {
        return new AuditEntry(Instant.now(), principal.id(), principal.name(), principal.project(), "cli", "fs.stat",
                "execute", input, "read", "allow", "allowed by default", "done", null, null, 0, null, null);
    }

    private static String digest(JsonNode node) {
        try {
            var sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(CanonicalJson.of(node).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Ctx(ChangeJournal journal, Instant deadline) implements ActionContext {}
}
