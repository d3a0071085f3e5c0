package dev.warden.app;

import dev.warden.action.Action;
import dev.warden.action.ActionRegistry;
import dev.warden.action.InputValidator;
import dev.warden.actions.fs.FileActions;
import dev.warden.actions.job.JobActions;
import dev.warden.actions.journal.UndoAction;
import dev.warden.actions.shell.ShellExecAction;
import dev.warden.audit.AuditLog;
import dev.warden.config.WardenConfig;
import dev.warden.approval.ApprovalStore;
import dev.warden.engine.Approvals;
import dev.warden.engine.Engine;
import dev.warden.secret.SecretBox;
import dev.warden.webhook.Webhooks;
import dev.warden.engine.Plans;
import dev.warden.guard.CommandAnalyzer;
import dev.warden.guard.PathJail;
import dev.warden.identity.TokenService;
import dev.warden.jobs.JobLimits;
import dev.warden.jobs.Jobs;
import dev.warden.journal.Journal;
import dev.warden.policy.ConfirmationTokens;
import dev.warden.policy.Policy;
import dev.warden.policy.PolicyFile;
import dev.warden.audit.AuditEntry;
import dev.warden.json.Json;
import java.time.Duration;
import dev.warden.sandbox.ProcessLimits;
import dev.warden.sandbox.ProcessRunner;
import dev.warden.store.Database;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
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
    private static final Duration POLICY_CHECK_INTERVAL = Duration.ofSeconds(1);

    /** A reload of the policy file, as the audit trail keeps it: who (Warden), which file, its hash, and whether it took effect. */
    private static AuditEntry reloadRecord(PolicyFile policy, PolicyFile.Reload reload, Clock clock) {
        var input = Json.object();
        input.put("file", policy.path().toString());
        input.put("sha256", reload.sha256());
        var problems = input.putArray("problems");
        reload.problems().forEach(p -> problems.add(p.toString()));
        return new AuditEntry(clock.instant(), "system:warden", "warden", "default", "internal", "policy.reload", "execute",
                input, null, null, null, reload.applied() ? "done" : "failed", reload.applied() ? null : "policy_invalid",
                null, 0, null, null);
    }
    private final WardenConfig config;
    private final Database db;
    private final AuditLog audit;
    private final Engine engine;
    private final Plans plans;
    private final Approvals approvals;
    private final TokenService tokens;
    private final Journal journal;
    private final PathJail jail;
    private final PolicyFile policy;
    private final SecretBox secrets;
    private final Webhooks webhooks;
    private final Jobs jobs;

    private Warden(WardenConfig config, Database db, AuditLog audit, Engine engine, Plans plans, Approvals approvals,
                   TokenService tokens,
                   Journal journal, PathJail jail, PolicyFile policy,
                   SecretBox secrets, Webhooks webhooks, Jobs jobs) {
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
        this.secrets = secrets;
        this.webhooks = webhooks;
        this.jobs = jobs;
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
        // Rules read the machine's local time (context.hour), as an operator writing them means it.
        var policyLoad = CompletableFuture.supplyAsync(() -> new PolicyFile(config.policyFile(), Clock.systemDefaultZone()),
                Thread::startVirtualThread);
        var jail = new PathJail(config.roots());
        var db = Database.openSqlite(dataDir);
        try {
            var policy = join(policyLoad);
            var journal = new Journal(db, dataDir.resolve("journal"), clock, jail);
            var audit = new AuditLog(db, clock);
            var confirmations = new ConfirmationTokens(ConfirmationTokens.loadOrCreateKey(dataDir.resolve("secret.key")),
                    config.confirmationTtl(), db, clock);
            var actions = new ArrayList<Action>(FileActions.all(jail));
            var shell = new ShellExecAction(jail, new ProcessRunner(ProcessLimits.defaults()), new CommandAnalyzer());
            actions.add(shell);
            actions.add(new UndoAction());
            var jobLimits = JobLimits.defaults();
            var jobs = new Jobs(db, new ProcessRunner(jobLimits.processLimits()), jobLimits, clock);
            actions.addAll(JobActions.all(shell, jobs));
            var registry = new ActionRegistry(actions);
            var secrets = SecretBox.open(dataDir.resolve("secrets.keyset.json"), System.getenv(SecretBox.ENV));
            var webhooks = new Webhooks(db, secrets, clock);
            var approvalStore = new ApprovalStore(db, clock, config.approvalTtl(), webhooks::approvalChanged);
            var engine = new Engine(registry, new InputValidator(registry), policy::current, confirmations, journal, audit,
                    approvalStore, db, clock);
            var plans = new Plans(engine, approvalStore, clock, PLAN_PARALLELISM);
            policy.watch(POLICY_CHECK_INTERVAL, reload -> audit.append(reloadRecord(policy, reload, clock)));
            return new Warden(config, db, audit, engine, plans, new Approvals(engine, approvalStore, plans, clock),
                    new TokenService(db, clock), journal, jail, policy, secrets, webhooks, jobs);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
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

    /** The policy in force now (it changes when its file does). */
    public Policy policy() {
        return policy.current();
    }

    /** The policy in force and the newest reload attempt, as the admin API shows them. */
    public tools.jackson.databind.JsonNode policyStatus() {
        var node = Json.object();
        node.put("file", policy.path().toString());
        node.put("sha256", policy.sha256());
        node.put("loadedAt", policy.loadedAt().toString());
        var last = policy.lastReload();
        var reload = node.putObject("lastReload");
        reload.put("at", last.at().toString());
        reload.put("sha256", last.sha256());
        reload.put("applied", last.applied());
        var problems = reload.putArray("problems");
        for (var p : last.problems()) {
            problems.addObject().put("line", p.line()).put("column", p.column()).put("message", p.message());
        }
        return node;
    }

    public SecretBox secrets() {
        return secrets;
    }

    public Webhooks webhooks() {
        return webhooks;
    }

    public PolicyFile policyFile() {
        return policy;
    }

    /** Background jobs this Warden runs, and those of other processes on the data dir as stored. */
    public Jobs jobs() {
        return jobs;
    }

    /** Running jobs are killed and recorded as lost first, while the database is still open. */
    @Override
    public void close() {
        jobs.close();
        policy.close();
        audit.close();
        db.close();
    }
}
