package dev.warden.app;

import dev.warden.action.Action;
import dev.warden.action.ActionRegistry;
import dev.warden.action.InputValidator;
import dev.warden.actions.fs.FileActions;
import dev.warden.actions.journal.UndoAction;
import dev.warden.actions.preview.PreviewCommitAction;
import dev.warden.actions.preview.PreviewDiscardAction;
import dev.warden.actions.shell.ShellExecAction;
import dev.warden.audit.AuditLog;
import dev.warden.config.WardenConfig;
import dev.warden.approval.ApprovalStore;
import dev.warden.engine.Approvals;
import dev.warden.engine.Engine;
import dev.warden.engine.Plans;
import dev.warden.guard.CommandAnalyzer;
import dev.warden.guard.PathJail;
import dev.warden.identity.TokenService;
import dev.warden.journal.Journal;
import dev.warden.policy.ConfirmationTokens;
import dev.warden.policy.Policy;
import dev.warden.policy.SandboxPolicy;
import dev.warden.preview.PreviewStore;
import dev.warden.sandbox.CgroupLimits;
import dev.warden.sandbox.ProcessLimits;
import dev.warden.sandbox.ProcessRunner;
import dev.warden.sandbox.SandboxLevel;
import dev.warden.sandbox.SandboxSettings;
import dev.warden.sandbox.Sandboxes;
import dev.warden.store.Database;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The composition root: opens the data dir and wires every part of the spine together. Every
 * front (server, CLI, tests) gets its engine from here, so they all run the same pipeline.
 */
public final class Warden implements AutoCloseable {
    /** Most plan steps running at once: steps are mostly I/O, but each may start a process. */
    private static final int PLAN_PARALLELISM = 4;
    private final WardenConfig config;
    private final Database db;
    private final AuditLog audit;
    private final Engine engine;
    private final Plans plans;
    private final Approvals approvals;
    private final TokenService tokens;
    private final Journal journal;
    private final PathJail jail;
    private final Policy policy;
    private final Sandboxes sandboxes;

    private Warden(WardenConfig config, Database db, AuditLog audit, Engine engine, Plans plans, Approvals approvals,
                   TokenService tokens,
                   Journal journal, PathJail jail, Policy policy, Sandboxes sandboxes) {
        this.config = config;
        this.db = db;
        this.audit = audit;
        this.engine = engine;
        this.plans = plans;
        this.approvals = approvals;
        this.tokens = tokens;
        this.journal = journal;
        this.jail = jail;
        this.policy = policy;
        this.sandboxes = sandboxes;
    }

    public static Warden open(WardenConfig config, Clock clock) {
        var dataDir = config.dataDir();
        try {
            Files.createDirectories(dataDir);
            if (!Files.exists(config.policyFile())) {
                Files.createDirectories(config.policyFile().toAbsolutePath().getParent());
                Files.writeString(config.policyFile(), Policy.defaultYaml());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare data dir " + dataDir, e);
        }
        // Compiling the policy's CEL rules and opening the database (Flyway) are the two slow parts
        // of a start, and independent: run them side by side.
        var policyLoad = CompletableFuture.supplyAsync(() -> Policy.load(config.policyFile()), Thread::startVirtualThread);
        var jail = new PathJail(config.roots());
        var db = Database.openSqlite(dataDir);
        try {
            var policy = join(policyLoad);
            var journal = new Journal(db, dataDir.resolve("journal"), clock, jail);
            var audit = new AuditLog(db, clock);
            var confirmations = new ConfirmationTokens(ConfirmationTokens.loadOrCreateKey(dataDir.resolve("secret.key")),
                    config.confirmationTtl(), db, clock);
            var actions = new ArrayList<Action>(FileActions.all(jail));
            var sandboxes = sandboxes(policy.sandbox(), jail, dataDir);
            var previews = new PreviewStore(db, dataDir.resolve("previews"), clock);
            actions.add(new ShellExecAction(jail, sandboxes, previews, new CommandAnalyzer()));
            actions.add(new UndoAction());
            actions.add(new PreviewCommitAction(jail, previews));
            actions.add(new PreviewDiscardAction(previews));
            var registry = new ActionRegistry(actions);
            var approvalStore = new ApprovalStore(db, clock, config.approvalTtl());
            var engine = new Engine(registry, new InputValidator(registry), () -> policy, confirmations, journal, audit,
                    approvalStore, clock);
            var plans = new Plans(engine, approvalStore, clock, PLAN_PARALLELISM);
            return new Warden(config, db, audit, engine, plans, new Approvals(engine, approvalStore, plans, clock),
                    new TokenService(db, clock), journal, jail, policy, sandboxes);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    /** The sandbox levels as the policy sets them. */
    private static Sandboxes sandboxes(SandboxPolicy p, PathJail jail, Path dataDir) {
        var settings = new SandboxSettings(SandboxLevel.parse(p.defaultLevel()).orElseThrow(),
                SandboxLevel.parse(p.minimum()).orElseThrow(), p.network(),
                new CgroupLimits(p.memoryMb() << 20, p.pids(), p.cpus()), Duration.ofMinutes(p.previewTtlMinutes()));
        return Sandboxes.open(new ProcessRunner(ProcessLimits.defaults()), settings, jail.roots(), dataDir);
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) throw cause;
            throw e;
        }
    }

    public WardenConfig config() {
        return config;
    }

    public Engine engine() {
        return engine;
    }

    public Plans plans() {
        return plans;
    }

    public Approvals approvals() {
        return approvals;
    }

    public TokenService tokens() {
        return tokens;
    }

    public Database database() {
        return db;
    }

    public Journal journal() {
        return journal;
    }

    public PathJail jail() {
        return jail;
    }

    public Policy policy() {
        return policy;
    }

    /** The sandbox levels; {@code sandboxes().capabilityReport()} is what this machine's sandbox can do. */
    public Sandboxes sandboxes() {
        return sandboxes;
    }

    @Override
    public void close() {
        audit.close();
        db.close();
    }
}
