package dev.warden.app;

import dev.warden.action.Action;
import dev.warden.action.ActionRegistry;
import dev.warden.action.InputValidator;
import dev.warden.actions.fs.FileActions;
import dev.warden.actions.job.JobActions;
import dev.warden.actions.journal.UndoAction;
import dev.warden.actions.preview.PreviewCommitAction;
import dev.warden.actions.preview.PreviewDiscardAction;
import dev.warden.actions.shell.ShellExecAction;
import dev.warden.actions.memory.MemoryActions;
import dev.warden.actions.sys.SystemActions;
import dev.warden.system.ProcessTable;
import dev.warden.system.SystemProbe;
import dev.warden.agent.Agent;
import dev.warden.agent.Chats;
import dev.warden.llm.ProviderChain;
import dev.warden.llm.ResilienceSettings;
import dev.warden.memory.MemoryStore;
import dev.warden.monitor.Alert;
import dev.warden.monitor.AlertRule;
import dev.warden.monitor.Monitor;
import dev.warden.audit.AuditLog;
import dev.warden.config.WardenConfig;
import dev.warden.approval.ApprovalStore;
import dev.warden.engine.Approvals;
import dev.warden.engine.Engine;
import dev.warden.metrics.Metrics;
import dev.warden.secret.SecretBox;
import dev.warden.webhook.Webhooks;
import dev.warden.engine.Plans;
import dev.warden.guard.CommandAnalyzer;
import dev.warden.guard.PathJail;
import dev.warden.identity.IdentityAdmin;
import dev.warden.identity.ProjectService;
import dev.warden.identity.TokenService;
import dev.warden.identity.UserService;
import dev.warden.jobs.JobLimits;
import dev.warden.jobs.Jobs;
import dev.warden.journal.Journal;
import dev.warden.policy.ConfirmationTokens;
import dev.warden.policy.Policy;
import dev.warden.policy.PolicyFile;
import dev.warden.policy.Policies;
import dev.warden.audit.AuditEntry;
import dev.warden.json.Json;
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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The composition root: opens the data dir and wires every part of the spine together. Every
 * front (server, CLI, tests) gets its engine from here, so they all run the same pipeline.
 */
public final class Warden implements AutoCloseable {
    /** Most plan steps running at once: steps are mostly I/O, but each may start a process. */
    private static final int PLAN_PARALLELISM = 4;
    /** Below this the audit trail and the journal could soon fail to write. */
    private static final long MIN_FREE_BYTES = 100L * 1024 * 1024;
    private static final Duration POLICY_CHECK_INTERVAL = Duration.ofSeconds(1);

    /** Every 30 s, expires what waited too long for approval (audited, announced to webhooks). */
    private static void sweep(Approvals approvals) {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(Duration.ofSeconds(30));
                approvals.sweepExpired();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(Warden.class).warn("expiring approval requests failed: {}", e.toString());
            }
        }
    }

    /** An alert fired or resolved: logged, counted, and sent to the rule's project's webhook. */
    private static void alerted(String event, Alert alert, Metrics metrics, Webhooks webhooks) {
        var log = org.slf4j.LoggerFactory.getLogger(Monitor.class);
        if (event.equals("firing")) {
            log.warn("alert {} firing ({}): {}", alert.rule(), alert.severity(), alert.when());
        } else {
            log.info("alert {} resolved after {}", alert.rule(), Duration.between(alert.firedAt(), alert.resolvedAt()));
        }
        metrics.alertChanged(alert.rule(), event);
        var payload = Json.object();
        payload.set("alert", alert.toJson());
        webhooks.send(alert.project(), "alert." + event, payload);
    }

    /** A reload of the policy file, as the audit trail keeps it: who (Warden), which file, its hash, and whether it took effect. */
    private static AuditEntry reloadRecord(Policies policies, String project, PolicyFile.Reload reload, Clock clock) {
        var input = Json.object();
        var file = project == null ? policies.main() : policies.projects().get(project);
        input.put("file", file.path().toString());
        input.put("sha256", reload.sha256());
        var problems = input.putArray("problems");
        reload.problems().forEach(p -> problems.add(p.toString()));
        return new AuditEntry(clock.instant(), "system:warden", "warden", project == null ? "default" : project, "internal",
                "policy.reload", "execute",
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
    private final UserService users;
    private final ProjectService projects;
    private final IdentityAdmin identityAdmin;
    private final Journal journal;
    private final PathJail jail;
    private final Policies policy;
    private final SecretBox secrets;
    private final Webhooks webhooks;
    private final Metrics metrics;
    private final Sandboxes sandboxes;
    private final Telemetry telemetry;
    private final SelfTest selfTest;
    private final Thread sweeper;
    private final Chats chats;
    private final Jobs jobs;
    private final Monitor monitor;

    private Warden(WardenConfig config, Database db, AuditLog audit, Engine engine, Plans plans, Approvals approvals,
                   TokenService tokens, UserService users, ProjectService projects, IdentityAdmin identityAdmin,
                   Journal journal, PathJail jail, Policies policy,
                   SecretBox secrets, Webhooks webhooks, Metrics metrics, Sandboxes sandboxes, Telemetry telemetry,
                   SelfTest selfTest, Jobs jobs, Monitor monitor, Thread sweeper, Chats chats) {
        this.config = config;
        this.db = db;
        this.audit = audit;
        this.engine = engine;
        this.plans = plans;
        this.approvals = approvals;
        this.tokens = tokens;
        this.users = users;
        this.projects = projects;
        this.identityAdmin = identityAdmin;
        this.journal = journal;
        this.jail = jail;
        this.policy = policy;
        this.secrets = secrets;
        this.webhooks = webhooks;
        this.metrics = metrics;
        this.sandboxes = sandboxes;
        this.telemetry = telemetry;
        this.selfTest = selfTest;
        this.sweeper = sweeper;
        this.chats = chats;
        this.jobs = jobs;
        this.monitor = monitor;
    }

    public static Warden open(WardenConfig config, Clock clock) {
        return open(config, clock, List.of());
    }

    /** As {@link #open(WardenConfig, Clock)}, with span processors of the caller's (tests read spans this way). */
    public static Warden open(WardenConfig config, Clock clock, List<io.opentelemetry.sdk.trace.SpanProcessor> spanProcessors) {
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
        // A start is mostly class loading and one-off set-up, spread over parts that do not need each
        // other: opening the database (and its migrations), compiling the policy's CEL rules, the secret keyset
        // (Tink) and tracing (OpenTelemetry). They run side by side; what needs the database is built
        // once it is open.
        // Rules read the machine's local time (context.hour), as an operator writing them means it.
        var policyLoad = CompletableFuture.supplyAsync(() -> new Policies(
                new PolicyFile(config.policyFile(), Clock.systemDefaultZone()), dataDir.resolve("projects"), Clock.systemDefaultZone()),
                Thread::startVirtualThread);
        var databaseOpen = CompletableFuture.supplyAsync(() -> Database.openSqlite(dataDir), Thread::startVirtualThread);
        var secretsOpen = CompletableFuture.supplyAsync(
                () -> SecretBox.open(dataDir.resolve("secrets.keyset.json"), System.getenv(SecretBox.ENV)), Thread::startVirtualThread);
        var selfTestSpans = new SelfTest.Spans();
        var processors = new ArrayList<io.opentelemetry.sdk.trace.SpanProcessor>(spanProcessors);
        processors.add(selfTestSpans);
        var telemetryOpen = CompletableFuture.supplyAsync(
                () -> Telemetry.open(System.getenv("OTEL_EXPORTER_OTLP_ENDPOINT"), processors), Thread::startVirtualThread);
        try {
            var jail = new PathJail(config.roots(), config.protectedPaths());
            var probe = new SystemProbe(clock);
            var alertRules = AlertRule.compile(config.monitor().alerts());
            var db = join(databaseOpen);
            var telemetry = join(telemetryOpen);
            var policy = join(policyLoad);
            var secrets = join(secretsOpen);
            var journal = new Journal(db, dataDir.resolve("journal"), clock, jail);
            var audit = new AuditLog(db, clock);
            var confirmations = new ConfirmationTokens(ConfirmationTokens.loadOrCreateKey(dataDir.resolve("secret.key")),
                    config.confirmationTtl(), db, clock);
            var actions = new ArrayList<Action>(FileActions.all(jail));
            // Sandbox settings are read once, from the main policy: a reload does not change them (yet).
            var sandboxes = sandboxes(policy.main().current().sandbox(), jail, dataDir, config.protectedPaths());
            var previews = new PreviewStore(db, dataDir.resolve("previews"), clock);
            var shell = new ShellExecAction(jail, sandboxes, previews, new CommandAnalyzer());
            actions.add(shell);
            actions.add(new UndoAction());
            // Jobs run at the same levels, over a runner with their own (longer) time limits.
            var jobLimits = JobLimits.defaults();
            var jobs = new Jobs(db, sandboxes.withBase(new ProcessRunner(jobLimits.processLimits())), previews, jobLimits, clock);
            actions.addAll(JobActions.all(shell, jobs));
            actions.add(new PreviewCommitAction(jail, previews));
            actions.add(new PreviewDiscardAction(previews));
            actions.addAll(SystemActions.all(probe, new ProcessTable(probe)));
            var memory = new MemoryStore(db, clock);
            actions.addAll(MemoryActions.all(memory));
            var registry = new ActionRegistry(actions);
            var webhooks = new Webhooks(db, secrets, clock);
            var approvalStore = new ApprovalStore(db, clock, config.approvalTtl(), webhooks::approvalChanged);
            var metrics = new Metrics(approvalStore::countPending, () -> audit.stats().records());
            metrics.gauge("warden.jobs.running", "Background jobs running now", jobs::running);
            var users = new UserService(db, clock);
            var projects = new ProjectService(db, clock);
            var tokens = new TokenService(db, clock);
            var engine = new Engine(registry, new InputValidator(registry), policy::forProject, confirmations, journal, audit,
                    approvalStore, db, metrics, telemetry.tracer(), clock, projects);
            var plans = new Plans(engine, approvalStore, clock, PLAN_PARALLELISM);
            var approvals = new Approvals(engine, approvalStore, plans, clock, tokens::current);
            var monitor = new Monitor(probe::sample, config.monitor().interval(), alertRules,
                    (event, alert, sample) -> alerted(event, alert, metrics, webhooks), clock);
            metrics.gauge("warden.alerts.firing", "Alerts firing now", monitor::firingCount);
            var sweeper = Thread.ofVirtual().name("warden-approval-expiry").start(() -> sweep(approvals));
            policy.watch(POLICY_CHECK_INTERVAL, (project, reload) -> {
                metrics.policyReloaded(reload.applied());
                audit.append(reloadRecord(policy, project, reload, clock));
            });
            // Without a configured model the agent still exists: its answer says how to configure one.
            var models = ProviderChain.of(config.llm(), ResilienceSettings.defaults(), metrics);
            var agent = new Agent(engine, approvals, models, memory, Agent.Settings.defaults());
            var chats = new Chats(agent, db, clock);
            return new Warden(config, db, audit, engine, plans, approvals,
                    tokens, users, projects, new IdentityAdmin(users, projects, tokens, audit, clock),
                    journal, jail, policy, secrets, webhooks, metrics, sandboxes, telemetry,
                    new SelfTest(engine, telemetry.tracer(), selfTestSpans, jail.roots().getFirst().toString()), jobs, monitor, sweeper, chats);
        } catch (RuntimeException e) {
            // What did open is closed again, whichever part failed.
            databaseOpen.thenAccept(Database::close);
            telemetryOpen.thenAccept(Telemetry::close);
            throw e;
        }
    }

    /** The sandbox levels as the policy sets them. */
    private static Sandboxes sandboxes(SandboxPolicy p, PathJail jail, Path dataDir, List<Path> ownFiles) {
        var settings = new SandboxSettings(SandboxLevel.parse(p.defaultLevel()).orElseThrow(),
                SandboxLevel.parse(p.minimum()).orElseThrow(), p.network(),
                new CgroupLimits(p.memoryMb() << 20, p.pids(), p.cpus()), Duration.ofMinutes(p.previewTtlMinutes()));
        return Sandboxes.open(new ProcessRunner(ProcessLimits.defaults()), settings, jail.roots(), dataDir, ownFiles);
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

    public UserService users() {
        return users;
    }

    public ProjectService projects() {
        return projects;
    }

    /** Users, projects, members and tokens as admins change them: checked and audited. */
    public IdentityAdmin identityAdmin() {
        return identityAdmin;
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

    /** The main policy in force now (it changes when its file does). */
    public Policy policy() {
        return policy.main().current();
    }

    /** The policy in force for {@code project}: its own file's, else the main one. */
    public Policy policy(String project) {
        return policy.forProject(project);
    }

    /** The policy in force and the newest reload attempt, as the admin API shows them. */
    public tools.jackson.databind.JsonNode policyStatus() {
        var node = status(policy.main());
        var projects = node.putObject("projects");
        policy.projects().forEach((name, file) -> projects.set(name, status(file)));
        return node;
    }

    private static tools.jackson.databind.node.ObjectNode status(PolicyFile file) {
        var node = Json.object();
        node.put("file", file.path().toString());
        node.put("sha256", file.sha256());
        node.put("loadedAt", file.loadedAt().toString());
        var last = file.lastReload();
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

    public Metrics metrics() {
        return metrics;
    }

    /**
     * What {@code GET /readyz} and {@code warden doctor} check: the database takes a write, the audit
     * writer runs, the data dir has room. {@code ready} is true when all pass.
     */
    public tools.jackson.databind.JsonNode readiness() {
        var node = Json.object();
        var checks = node.putObject("checks");
        boolean ready = true;
        var dbCheck = checks.putObject("database");
        try (var c = db.writeConnection(); var st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute("CREATE TEMP TABLE IF NOT EXISTS readiness_probe (x INTEGER)");
            st.execute("INSERT INTO readiness_probe VALUES (1)");
            c.rollback();
            dbCheck.put("ok", true);
        } catch (java.sql.SQLException | RuntimeException e) {
            dbCheck.put("ok", false).put("error", e.getMessage());
            ready = false;
        }
        var writer = audit.writerAlive();
        checks.putObject("auditWriter").put("ok", writer).put("records", audit.stats().records());
        ready &= writer;
        var space = checks.putObject("dataDirSpace");
        try {
            var usable = Files.getFileStore(config.dataDir()).getUsableSpace();
            var enough = usable >= MIN_FREE_BYTES;
            space.put("ok", enough).put("usableBytes", usable).put("minimumBytes", MIN_FREE_BYTES);
            ready &= enough;
        } catch (IOException e) {
            space.put("ok", false).put("error", e.getMessage());
            ready = false;
        }
        node.put("status", ready ? "ready" : "not_ready");
        return node;
    }

    /** What the REST front needs, wired from this Warden. */
    public dev.warden.api.rest.RestServer.Dependencies restDependencies() {
        return new dev.warden.api.rest.RestServer.Dependencies(engine, plans, approvals, tokens,
                new dev.warden.audit.AuditQuery(db), this::policyStatus, webhooks,
                new dev.warden.api.rest.RestServer.Health(this::readiness, metrics::scrape, System.getenv("WARDEN_METRICS_TOKEN")),
                telemetry.api(), selfTest::run, identityAdmin, jobs, monitor, chats);
    }

    /** Conversations with Warden's own agent, as the person who asks. */
    public Chats chats() {
        return chats;
    }

    /** The machine's samples and the alert rules; {@code serve} starts it. */
    public Monitor monitor() {
        return monitor;
    }

    /** Background jobs this Warden runs, and those of other processes on the data dir as stored. */
    public Jobs jobs() {
        return jobs;
    }

    public Webhooks webhooks() {
        return webhooks;
    }

    public PolicyFile policyFile() {
        return policy.main();
    }

    /** The sandbox levels; {@code sandboxes().capabilityReport()} is what this machine's sandbox can do. */
    public Sandboxes sandboxes() {
        return sandboxes;
    }

    /**
     * The approval sweeper stops first and running jobs are killed and recorded as lost next, while
     * the database is still open; then webhook deliveries in flight get up to 5 s to finish.
     */
    @Override
    public void close() {
        monitor.close();
        sweeper.interrupt();
        try {
            sweeper.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        jobs.close();
        // Deliveries need no database, but what stopped above may just have announced something.
        webhooks.close();
        telemetry.close();
        metrics.close();
        policy.close();
        audit.close();
        db.close();
    }
}
