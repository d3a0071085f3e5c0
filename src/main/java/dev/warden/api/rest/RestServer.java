package dev.warden.api.rest;

import dev.warden.action.ActionRegistry;
import dev.warden.agent.Chats;
import dev.warden.audit.AuditQuery;
import dev.warden.engine.Approvals;
import dev.warden.engine.Engine;
import dev.warden.engine.Plans;
import dev.warden.webhook.Webhooks;
import dev.warden.engine.Intent;
import dev.warden.engine.Mode;
import dev.warden.engine.Origin;
import dev.warden.engine.Outcome;
import dev.warden.identity.IdentityAdmin;
import dev.warden.identity.Principal;
import dev.warden.identity.TokenService;
import dev.warden.jobs.Jobs;
import dev.warden.monitor.Monitor;
import dev.warden.json.Json;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.Optional;
import java.util.function.Consumer;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The REST front: a thin mapping from HTTP to {@link Intent} and from {@code Outcome} back to
 * HTTP. No pipeline stage lives here; authentication only turns a bearer token into a principal.
 */
public final class RestServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RestServer.class);
    private static final String PRINCIPAL = "warden.principal";
    private static final String SCRAPER = "warden.scraper";
    /** Names the conversation a request belongs to, for taint; without it, taint is the token's. */
    static final String SESSION_HEADER = "Warden-Session";

    /** What the REST front needs from the rest of Warden. */
    public record Dependencies(Engine engine, Plans plans, Approvals approvals, TokenService tokens, AuditQuery audit,
                               java.util.function.Supplier<JsonNode> policyStatus, Webhooks webhooks, Health health,
                               io.opentelemetry.api.OpenTelemetry telemetry,
                               java.util.function.Function<Principal, JsonNode> selfTest,
                               IdentityAdmin identity, Jobs jobs, Monitor monitor, Chats chats) {

        /** Without chat: {@code /v1/chat/sessions} is not served. */
        public Dependencies(Engine engine, Plans plans, Approvals approvals, TokenService tokens, AuditQuery audit,
                            java.util.function.Supplier<JsonNode> policyStatus, Webhooks webhooks, Health health,
                            io.opentelemetry.api.OpenTelemetry telemetry,
                            java.util.function.Function<Principal, JsonNode> selfTest, IdentityAdmin identity, Jobs jobs,
                            Monitor monitor) {
            this(engine, plans, approvals, tokens, audit, policyStatus, webhooks, health, telemetry, selfTest, identity, jobs, monitor,
                    null);
        }

        /** Without the monitor: {@code /v1/alerts} and {@code /v1/monitor/stream} are not served. */
        public Dependencies(Engine engine, Plans plans, Approvals approvals, TokenService tokens, AuditQuery audit,
                            java.util.function.Supplier<JsonNode> policyStatus, Webhooks webhooks, Health health,
                            io.opentelemetry.api.OpenTelemetry telemetry,
                            java.util.function.Function<Principal, JsonNode> selfTest, IdentityAdmin identity, Jobs jobs) {
            this(engine, plans, approvals, tokens, audit, policyStatus, webhooks, health, telemetry, selfTest, identity, jobs, null, null);
        }

        /** Without jobs: {@code /v1/jobs} is not served (the job.* actions still are). */
        public Dependencies(Engine engine, Plans plans, Approvals approvals, TokenService tokens, AuditQuery audit,
                            java.util.function.Supplier<JsonNode> policyStatus, Webhooks webhooks, Health health,
                            io.opentelemetry.api.OpenTelemetry telemetry,
                            java.util.function.Function<Principal, JsonNode> selfTest, IdentityAdmin identity) {
            this(engine, plans, approvals, tokens, audit, policyStatus, webhooks, health, telemetry, selfTest, identity, null, null, null);
        }
    }

    /**
     * Health and metrics: {@code readiness} for {@code /readyz} (a {@code status} of {@code ready} or
     * not, and each check), {@code metrics} in Prometheus text, and the token a scraper may use for
     * {@code /metrics} alone (null: only admins may scrape).
     */
    public record Health(java.util.function.Supplier<JsonNode> readiness, java.util.function.Supplier<String> metrics,
                         String scrapeToken) {}

    private final Dependencies deps;
    private final String host;
    private final int requestedPort;
    private final long maxBodyBytes;
    private final Consumer<ServletContextHandler> mounts;
    private Javalin app;

    public RestServer(Dependencies deps, String host, int port, long maxBodyBytes) {
        this(deps, host, port, maxBodyBytes, context -> { });
    }

    /**
     * {@code mounts} adds other fronts' servlets and filters to the same server (e.g. MCP at
     * {@code /mcp}); they share the port, the thread pool and the error handler with REST.
     */
    public RestServer(Dependencies deps, String host, int port, long maxBodyBytes, Consumer<ServletContextHandler> mounts) {
        this.deps = deps;
        this.host = host;
        this.requestedPort = port;
        this.maxBodyBytes = maxBodyBytes;
        this.mounts = mounts;
    }

    public RestServer start() {
        app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.concurrency.useVirtualThreads = true;
            config.http.maxRequestSize = maxBodyBytes;
            config.http.defaultContentType = "application/json";
            config.jetty.host = host;
            config.jetty.port = requestedPort;
            config.jetty.modifyServer(server -> server.setErrorHandler(new ProblemErrorHandler()));
            config.jetty.modifyServletContextHandler(mounts);
            config.http.prefer405over404 = true;

            var routes = config.routes;
            routes.before(this::traceIn);
            routes.before(this::authenticate);
            routes.after(this::traceOut);
            // Alive means this process answers; what it needs to serve requests is /readyz's business.
            routes.get("/healthz", ctx -> {
                var body = Json.object().put("status", "ok");
                body.putObject("checks").putObject("process").put("ok", true)
                        .put("uptimeSeconds", java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() / 1000);
                send(ctx, new OutcomeResponses.Response(200, "application/json", body));
            });
            routes.get("/readyz", ctx -> {
                var body = deps.health().readiness().get();
                send(ctx, new OutcomeResponses.Response("ready".equals(body.path("status").asString()) ? 200 : 503,
                        "application/json", body));
            });
            routes.get("/metrics", this::metrics);
            routes.get("/openapi.json", this::openApi);
            routes.get("/v1/actions", this::catalog);
            routes.get("/v1/actions/{id}", this::describe);
            routes.post("/v1/actions/{id}", ctx -> submit(ctx, Mode.EXECUTE));
            routes.post("/v1/actions/{id}/simulate", ctx -> submit(ctx, Mode.SIMULATE));
            routes.post("/v1/undo/{undoId}", this::undo);
            routes.post("/v1/previews/{id}/commit", ctx -> byId(ctx, "preview.commit", "previewId"));
            routes.post("/v1/previews/{id}/discard", ctx -> byId(ctx, "preview.discard", "previewId"));
            routes.get("/v1/audit", this::audit);
            routes.get("/v1/policy", this::policyStatus);
            routes.get("/v1/selftest", this::selfTest);
            var hooks = new WebhookRoutes(deps.webhooks());
            routes.put("/v1/webhooks/{project}", ctx -> send(ctx, hooks.put(ctx, ctx.attribute(PRINCIPAL))));
            routes.get("/v1/webhooks/{project}", ctx -> send(ctx, hooks.get(ctx, ctx.attribute(PRINCIPAL))));
            routes.delete("/v1/webhooks/{project}", ctx -> send(ctx, hooks.delete(ctx, ctx.attribute(PRINCIPAL))));
            var plans = new PlanRoutes(deps.plans());
            routes.post("/v1/plans", ctx -> plans.submit(ctx, ctx.attribute(PRINCIPAL)));
            var approvals = new ApprovalRoutes(deps.approvals());
            routes.get("/v1/approvals", ctx -> send(ctx, approvals.list(ctx, ctx.attribute(PRINCIPAL))));
            routes.get("/v1/approvals/{id}", ctx -> send(ctx, approvals.get(ctx, ctx.attribute(PRINCIPAL))));
            routes.get("/v1/approvals/{id}/stream", ctx -> approvals.stream(ctx, ctx.attribute(PRINCIPAL)));
            routes.post("/v1/approvals/{id}/approve", ctx -> send(ctx, approvals.approve(ctx, ctx.attribute(PRINCIPAL))));
            routes.post("/v1/approvals/{id}/deny", ctx -> send(ctx, approvals.deny(ctx, ctx.attribute(PRINCIPAL))));
            new AdminRoutes(deps.identity()).mount(routes, ctx -> ctx.attribute(PRINCIPAL));
            if (deps.jobs() != null) new JobRoutes(deps.jobs(), this::submit).register(routes, ctx -> ctx.attribute(PRINCIPAL));
            if (deps.monitor() != null) new MonitorRoutes(deps.monitor(), this::submit).register(routes);
            if (deps.chats() != null) new ChatRoutes(deps.chats()).register(routes, ctx -> ctx.attribute(PRINCIPAL));

            routes.exception(HttpResponseException.class, (e, ctx) -> send(ctx, OutcomeResponses.problem(switch (e.getStatus()) {
                case 413 -> tooLarge();
                case 404 -> noSuchEndpoint(ctx);
                case 405 -> Problem.of(405, "method_not_allowed", ctx.method() + " is not allowed on " + ctx.path() + ".",
                        "Actions are called with POST /v1/actions/{id}; the catalog is GET /v1/actions.");
                default -> Problem.of(e.getStatus(), "http_" + e.getStatus(), e.getMessage(), "Check the method, path and headers of the request.");
            })));
            routes.exception(Exception.class, (e, ctx) -> {
                log.error("unhandled error on {} {}", ctx.method(), ctx.path(), e);
                send(ctx, OutcomeResponses.problem(Problem.of(500, "internal_error", "Warden hit an internal error.",
                        "Retry; if it persists, report it with the time of the request.")));
            });
        }).start();
        return this;
    }

    private static Problem noSuchEndpoint(Context ctx) {
        return Problem.of(404, "no_such_endpoint", "There is no endpoint " + ctx.method() + " " + ctx.path() + ".",
                "GET /openapi.json lists the endpoints; actions are at POST /v1/actions/{id}.");
    }

    private Problem tooLarge() {
        return Problem.of(413, "body_too_large", "The request body is larger than " + maxBodyBytes + " bytes.",
                "Send less: write big files in parts, or ask an admin to raise maxBodyBytes.");
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        if (app != null) app.stop();
    }

    private static final String SPAN = "warden.span";
    private static final String SCOPE = "warden.scope";
    private static final io.opentelemetry.context.propagation.TextMapGetter<Context> HEADERS =
            new io.opentelemetry.context.propagation.TextMapGetter<>() {
                @Override
                public Iterable<String> keys(Context carrier) {
                    return carrier.headerMap().keySet();
                }

                @Override
                public String get(Context carrier, String key) {
                    return carrier == null ? null : carrier.header(key);
                }
            };

    /**
     * Opens the request's server span, continuing an incoming W3C {@code traceparent}, and answers
     * with this span's {@code traceparent} so a caller can find the request in its traces.
     */
    private void traceIn(Context ctx) {
        var telemetry = deps.telemetry();
        var parent = telemetry.getPropagators().getTextMapPropagator()
                .extract(io.opentelemetry.context.Context.root(), ctx, HEADERS);
        var span = telemetry.getTracer("dev.warden.rest").spanBuilder(ctx.method() + " " + ctx.path())
                .setParent(parent).setSpanKind(io.opentelemetry.api.trace.SpanKind.SERVER)
                .setAttribute("http.request.method", ctx.method().name()).setAttribute("url.path", ctx.path())
                .startSpan();
        ctx.attribute(SPAN, span);
        ctx.attribute(SCOPE, span.makeCurrent());
        var sc = span.getSpanContext();
        // Log lines of this request name it; the request thread is the request's own (virtual threads).
        org.slf4j.MDC.put("requestId", sc.getSpanId());
        org.slf4j.MDC.put("traceId", sc.getTraceId());
        if (sc.isValid()) ctx.header("traceparent", "00-" + sc.getTraceId() + "-" + sc.getSpanId() + "-" + sc.getTraceFlags().asHex());
    }

    private void traceOut(Context ctx) {
        io.opentelemetry.context.Scope scope = ctx.attribute(SCOPE);
        io.opentelemetry.api.trace.Span span = ctx.attribute(SPAN);
        if (scope != null) scope.close();
        org.slf4j.MDC.clear();
        if (span != null) {
            span.setAttribute("http.response.status_code", ctx.statusCode());
            span.end();
        }
    }

    private void authenticate(Context ctx) {
        if (ctx.path().equals("/healthz") || ctx.path().equals("/readyz")) return;
        var scrape = deps.health().scrapeToken();
        if (ctx.path().equals("/metrics") && scrape != null && ("Bearer " + scrape).equals(ctx.header("Authorization"))) {
            ctx.attribute(SCRAPER, Boolean.TRUE);
            return;
        }
        var header = ctx.header("Authorization");
        Optional<Principal> principal = Optional.empty();
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            principal = deps.tokens().authenticate(header.substring(7).trim());
        }
        if (principal.isEmpty()) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"warden\"");
            send(ctx, OutcomeResponses.problem(Problem.of(401, header == null ? "unauthenticated" : "invalid_token",
                    header == null ? "No bearer token was sent." : "The bearer token is unknown, expired or revoked.",
                    "Send Authorization: Bearer <token>; an admin creates tokens with ./warden token create.")));
            ctx.skipRemainingHandlers();
            return;
        }
        ctx.attribute(PRINCIPAL, principal.get());
        org.slf4j.MDC.put("principal", principal.get().name());
        org.slf4j.MDC.put("project", principal.get().project());
    }

    private void submit(Context ctx, Mode mode) {
        Principal principal = ctx.attribute(PRINCIPAL);
        JsonNode input;
        var body = ctx.bodyAsBytes();
        if (body.length == 0) {
            input = Json.object();
        } else {
            try {
                input = Json.parse(body);
            } catch (JacksonException e) {
                send(ctx, OutcomeResponses.problem(Problem.of(400, "malformed_json",
                        "The body is not valid JSON: " + e.getOriginalMessage(),
                        "Send the action's input as one JSON object, e.g. {\"path\": \"README.md\"}.")));
                return;
            }
        }
        var intent = new Intent(ctx.pathParam("id"), input, principal, Origin.REST, mode, ctx.queryParam("confirm"), null)
                .withSession(ctx.header(SESSION_HEADER));
        var outcome = deps.engine().submit(intent);
        if (outcome instanceof Outcome.PendingApproval pending) ctx.header("Location", "/v1/approvals/" + pending.approvalId());
        if (outcome instanceof Outcome.Limited limited) ctx.header("Retry-After", Long.toString(retryAfterSeconds(limited)));
        send(ctx, OutcomeResponses.of(outcome));
    }

    /** Runs {@code actionId} with {@code input} for this request, as {@code POST /v1/actions/{id}} would. */
    private Outcome submit(Context ctx, String actionId, JsonNode input) {
        Principal principal = ctx.attribute(PRINCIPAL);
        var intent = new Intent(actionId, input, principal, Origin.REST, Mode.EXECUTE, ctx.queryParam("confirm"), null)
                .withSession(ctx.header(SESSION_HEADER));
        return deps.engine().submit(intent);
    }

    /** Sends {@code outcome} with the headers its case calls for (Location, Retry-After). */
    static void respond(Context ctx, Outcome outcome) {
        if (outcome instanceof Outcome.PendingApproval pending) ctx.header("Location", "/v1/approvals/" + pending.approvalId());
        if (outcome instanceof Outcome.Limited limited) ctx.header("Retry-After", Long.toString(retryAfterSeconds(limited)));
        send(ctx, OutcomeResponses.of(outcome));
    }

    private void undo(Context ctx) {
        Principal principal = ctx.attribute(PRINCIPAL);
        var input = Json.object().put("undoId", ctx.pathParam("undoId"));
        var intent = new Intent("journal.undo", input, principal, Origin.REST, Mode.EXECUTE, ctx.queryParam("confirm"), null);
        send(ctx, OutcomeResponses.of(deps.engine().submit(intent)));
    }

    /** A route that names one thing by id and stands for an action on it, e.g. a preview's commit. */
    private void byId(Context ctx, String actionId, String field) {
        Principal principal = ctx.attribute(PRINCIPAL);
        var input = Json.object().put(field, ctx.pathParam("id"));
        var intent = new Intent(actionId, input, principal, Origin.REST, Mode.EXECUTE, ctx.queryParam("confirm"), null);
        send(ctx, OutcomeResponses.of(deps.engine().submit(intent)));
    }

    private void catalog(Context ctx) {
        var list = Json.array();
        for (var action : registry().all()) list.add(CatalogEntry.of(action.spec()));
        var body = Json.object();
        body.set("actions", list);
        send(ctx, new OutcomeResponses.Response(200, "application/json", body));
    }

    private void describe(Context ctx) {
        var id = ctx.pathParam("id");
        var found = registry().find(id);
        if (found.isEmpty()) {
            var closest = registry().closest(id, 3);
            send(ctx, OutcomeResponses.problem(Problem.of(404, "unknown_action", "There is no action called '" + id + "'.",
                    closest.isEmpty() ? "GET /v1/actions lists the catalog." : "Did you mean " + String.join(", ", closest) + "?")));
            return;
        }
        send(ctx, new OutcomeResponses.Response(200, "application/json", CatalogEntry.of(found.get().spec())));
    }

    private void openApi(Context ctx) {
        var url = ctx.scheme() + "://" + ctx.host();
        var doc = new OpenApiDocument(registry(), url).build();
        send(ctx, new OutcomeResponses.Response(200, "application/json", doc));
    }

    private void audit(Context ctx) {
        Principal principal = ctx.attribute(PRINCIPAL);
        if (!isFullAdmin(principal)) {
            send(ctx, OutcomeResponses.problem(Problem.of(403, "admin_required", "Only admins may read the audit trail.",
                    "Ask an admin, or use an admin token.")));
            return;
        }
        long after;
        int limit;
        try {
            after = Long.parseLong(ctx.queryParamAsClass("after", String.class).getOrDefault("0"));
            limit = Integer.parseInt(ctx.queryParamAsClass("limit", String.class).getOrDefault("100"));
        } catch (NumberFormatException e) {
            send(ctx, OutcomeResponses.problem(Problem.of(422, "invalid_query", "after and limit must be integers.",
                    "Use GET /v1/audit?after=0&limit=100.")));
            return;
        }
        if (after < 0 || limit < 1 || limit > 1000) {
            send(ctx, OutcomeResponses.problem(Problem.of(422, "invalid_query", "after must be >= 0 and limit 1..1000.",
                    "Use GET /v1/audit?after=0&limit=100, then after=<nextAfter> for the next page.")));
            return;
        }
        var records = deps.audit().page(after, limit);
        var body = Json.object();
        var list = body.putArray("records");
        records.forEach(r -> list.add(r.toJson()));
        body.put("nextAfter", records.isEmpty() ? after : records.getLast().seq());
        send(ctx, new OutcomeResponses.Response(200, "application/json", body));
    }

    private static long retryAfterSeconds(Outcome.Limited limited) {
        return Math.max(1, java.time.Duration.between(java.time.Instant.now(), limited.retryAt()).toSeconds() + 1);
    }

    /** Admins: a harmless action through the whole pipeline, simulated and executed, with each stage's time. */
    private void selfTest(Context ctx) {
        Principal principal = ctx.attribute(PRINCIPAL);
        if (!isFullAdmin(principal)) {
            send(ctx, OutcomeResponses.problem(Problem.of(403, "admin_required", "Only admins may run the self-test.",
                    "Use an admin token.")));
            return;
        }
        var report = deps.selfTest().apply(principal);
        send(ctx, new OutcomeResponses.Response("ok".equals(report.path("status").asString()) ? 200 : 500,
                "application/json", report));
    }

    /** Prometheus text: for the scrape token, or an admin. */
    private void metrics(Context ctx) {
        Principal principal = ctx.attribute(PRINCIPAL);
        if (ctx.attribute(SCRAPER) == null && !isFullAdmin(principal)) {
            send(ctx, OutcomeResponses.problem(Problem.of(403, "admin_required", "Only admins, or the scrape token, may read metrics.",
                    "Use an admin token, or set WARDEN_METRICS_TOKEN and scrape with it.")));
            return;
        }
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(deps.health().metrics().get());
    }

    /** Admins: which policy is in force (file, hash, since when) and what the newest reload attempt found. */
    private void policyStatus(Context ctx) {
        Principal principal = ctx.attribute(PRINCIPAL);
        if (!isFullAdmin(principal)) {
            send(ctx, OutcomeResponses.problem(Problem.of(403, "admin_required", "Only admins may read the policy status.",
                    "Ask an admin, or use an admin token.")));
            return;
        }
        send(ctx, new OutcomeResponses.Response(200, "application/json", deps.policyStatus().get()));
    }

    /**
     * An admin whose token is not narrowed to some actions: a token limited to {@code fs.*} is an
     * agent's, and reads of the audit trail or the policy status are not among its actions.
     */
    static boolean isFullAdmin(Principal principal) {
        return principal != null && principal.role() == dev.warden.identity.Role.ADMIN && principal.actionPatterns().isEmpty();
    }

    private ActionRegistry registry() {
        return deps.engine().registry();
    }

    static void send(Context ctx, OutcomeResponses.Response response) {
        ctx.status(response.status()).contentType(response.contentType()).result(Json.write(response.body()));
    }

}
