package dev.warden.api.rest;

import dev.warden.identity.IdentityAdmin;
import dev.warden.identity.IdentityException;
import dev.warden.identity.Principal;
import dev.warden.identity.ProjectService;
import dev.warden.identity.ProjectState;
import dev.warden.identity.Role;
import dev.warden.identity.TokenService;
import dev.warden.identity.UserService;
import dev.warden.json.Json;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /v1/admin}: users, projects, members and tokens. Who may do what is {@link IdentityAdmin}'s
 * rule; this class maps HTTP to it and back. These are endpoints, never actions: they are not in the
 * registry, the MCP tools or the OpenAPI document, so no agent call can change who may do what.
 */
final class AdminRoutes {
    private static final String ORIGIN = "rest";

    private final IdentityAdmin admin;

    AdminRoutes(IdentityAdmin admin) {
        this.admin = admin;
    }

    /** Adds the routes; {@code principal} reads the caller that authentication attached to the request. */
    void mount(RoutesConfig routes, Function<Context, Principal> principal) {
        routes.get("/v1/admin/users", ctx -> answer(ctx, () -> list("users", admin.users(principal.apply(ctx)), AdminRoutes::user)));
        routes.post("/v1/admin/users", ctx -> answer(ctx, () -> createUser(ctx, principal.apply(ctx))));
        routes.post("/v1/admin/users/{name}/disable", ctx -> answer(ctx, () ->
                ok(user(admin.disableUser(principal.apply(ctx), ORIGIN, ctx.pathParam("name"))))));
        routes.get("/v1/admin/projects", ctx -> answer(ctx, () -> list("projects", admin.projects(principal.apply(ctx)), AdminRoutes::project)));
        routes.post("/v1/admin/projects", ctx -> answer(ctx, () -> createProject(ctx, principal.apply(ctx))));
        routes.post("/v1/admin/projects/{name}/state", ctx -> answer(ctx, () -> setState(ctx, principal.apply(ctx))));
        routes.get("/v1/admin/projects/{name}/members", ctx -> answer(ctx, () ->
                list("members", admin.members(principal.apply(ctx), ctx.pathParam("name")), AdminRoutes::member)));
        routes.post("/v1/admin/projects/{name}/members", ctx -> answer(ctx, () -> putMember(ctx, principal.apply(ctx))));
        routes.delete("/v1/admin/projects/{name}/members/{user}", ctx -> answer(ctx, () -> {
            admin.removeMember(principal.apply(ctx), ORIGIN, ctx.pathParam("name"), ctx.pathParam("user"));
            return ok(Json.object().put("removed", true));
        }));
        routes.get("/v1/admin/tokens", ctx -> answer(ctx, () ->
                list("tokens", admin.tokens(principal.apply(ctx), ctx.queryParam("project")), AdminRoutes::token)));
        routes.post("/v1/admin/tokens", ctx -> answer(ctx, () -> createToken(ctx, principal.apply(ctx))));
        routes.post("/v1/admin/tokens/{id}/revoke", ctx -> answer(ctx, () ->
                ok(token(admin.revokeToken(principal.apply(ctx), ORIGIN, ctx.pathParam("id"))))));
    }

    private OutcomeResponses.Response createUser(Context ctx, Principal p) {
        var body = body(ctx, Set.of("name", "systemAdmin", "password"), "{\"name\": \"ada\", \"systemAdmin\": false, \"password\": \"...\"}");
        var created = admin.createUser(p, ORIGIN, text(body, "name", true), bool(body, "systemAdmin"), text(body, "password", false));
        return new OutcomeResponses.Response(201, "application/json", user(created));
    }

    private OutcomeResponses.Response createProject(Context ctx, Principal p) {
        var body = body(ctx, Set.of("name"), "{\"name\": \"web\"}");
        return new OutcomeResponses.Response(201, "application/json", project(admin.createProject(p, ORIGIN, text(body, "name", true))));
    }

    private OutcomeResponses.Response setState(Context ctx, Principal p) {
        var body = body(ctx, Set.of("state"), "{\"state\": \"locked\"}");
        var state = parse(() -> ProjectState.parse(text(body, "state", true)), "state");
        return ok(project(admin.setProjectState(p, ORIGIN, ctx.pathParam("name"), state)));
    }

    private OutcomeResponses.Response putMember(Context ctx, Principal p) {
        var body = body(ctx, Set.of("user", "role"), "{\"user\": \"ada\", \"role\": \"operator\"}");
        var role = parse(() -> Role.parse(text(body, "role", true)), "role");
        return ok(member(admin.putMember(p, ORIGIN, ctx.pathParam("name"), text(body, "user", true), role)));
    }

    private OutcomeResponses.Response createToken(Context ctx, Principal p) {
        var body = body(ctx, Set.of("name", "user", "project", "role", "expires", "actions"),
                "{\"user\": \"ada\", \"project\": \"web\", \"role\": \"operator\", \"expires\": \"24h\", \"actions\": [\"fs.*\"]}");
        var user = orElse(text(body, "user", false), p.name());
        var project = orElse(text(body, "project", false), p.project());
        var role = parse(() -> Role.parse(text(body, "role", true)), "role");
        var expires = text(body, "expires", false);
        Duration ttl = expires == null ? null : parse(() -> TokenService.parseLifetime(expires), "expires");
        var actions = new ArrayList<String>();
        var list = body.path("actions");
        if (!list.isMissingNode() && !list.isNull()) {
            if (!list.isArray()) throw badField("actions", "an array of action patterns such as [\"fs.*\"]");
            for (var item : list) {
                if (!item.isString()) throw badField("actions", "an array of action patterns such as [\"fs.*\"]");
                actions.add(item.asString());
            }
        }
        var name = orElse(text(body, "name", false), user);
        var created = admin.createToken(p, ORIGIN, new IdentityAdmin.TokenRequest(name, user, project, role, ttl, actions));
        var node = Json.object();
        node.set("token", token(created.info()));
        node.put("secret", created.secret());
        node.put("hint", "Keep the secret: it is shown only now. Send it as Authorization: Bearer <secret>.");
        return new OutcomeResponses.Response(201, "application/json", node);
    }

    // ---- JSON in ----

    private static ObjectNode body(Context ctx, Set<String> allowed, String example) {
        JsonNode node;
        try {
            var bytes = ctx.bodyAsBytes();
            node = bytes.length == 0 ? Json.object() : Json.parse(bytes);
        } catch (JacksonException e) {
            throw new IdentityException(IdentityException.Kind.BAD_INPUT, "malformed_json",
                    "The body is not valid JSON: " + e.getOriginalMessage(), "Send a JSON object such as " + example + ".");
        }
        if (!(node instanceof ObjectNode object)) {
            throw new IdentityException(IdentityException.Kind.BAD_INPUT, "invalid_input", "The body must be a JSON object.",
                    "Send a JSON object such as " + example + ".");
        }
        var unknown = object.propertyNames().stream().filter(n -> !allowed.contains(n)).sorted().toList();
        if (!unknown.isEmpty()) {
            throw new IdentityException(IdentityException.Kind.BAD_INPUT, "invalid_input", "Unknown field(s): " + String.join(", ", unknown) + ".",
                    "The fields are " + String.join(", ", allowed.stream().sorted().toList()) + ", as in " + example + ".");
        }
        return object;
    }

    private static String text(JsonNode body, String field, boolean required) {
        var value = body.get(field);
        if (value == null || value.isNull()) {
            if (required) throw badField(field, "required");
            return null;
        }
        if (!value.isString()) throw badField(field, "a string");
        return value.asString();
    }

    private static boolean bool(JsonNode body, String field) {
        var value = body.get(field);
        if (value == null || value.isNull()) return false;
        if (!value.isBoolean()) throw badField(field, "true or false");
        return value.asBoolean();
    }

    private static <T> T parse(java.util.function.Supplier<T> parser, String field) {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            throw new IdentityException(IdentityException.Kind.BAD_INPUT, "invalid_input", e.getMessage() + ".",
                    "Fix the field " + field + ".");
        }
    }

    private static IdentityException badField(String field, String expected) {
        return new IdentityException(IdentityException.Kind.BAD_INPUT, "invalid_input", "The field " + field + " must be " + expected + ".",
                "Fix the field " + field + " and send the request again.");
    }

    private static String orElse(String value, String fallback) {
        return value == null ? fallback : value;
    }

    // ---- JSON out ----

    private static <T> OutcomeResponses.Response list(String name, List<T> items, Function<T, JsonNode> map) {
        var body = Json.object();
        var array = body.putArray(name);
        items.forEach(i -> array.add(map.apply(i)));
        return ok(body);
    }

    private static OutcomeResponses.Response ok(JsonNode body) {
        return new OutcomeResponses.Response(200, "application/json", body);
    }

    static JsonNode user(UserService.User u) {
        var node = Json.object();
        node.put("name", u.name());
        node.put("systemAdmin", u.systemAdmin());
        node.put("hasPassword", u.hasPassword());
        node.put("enabled", u.enabled());
        node.put("createdAt", u.createdAt().toString());
        if (u.disabledAt() != null) node.put("disabledAt", u.disabledAt().toString());
        return node;
    }

    static JsonNode project(ProjectService.Project p) {
        return Json.object().put("name", p.name()).put("state", p.state().id()).put("createdAt", p.createdAt().toString());
    }

    static JsonNode member(ProjectService.Member m) {
        return Json.object().put("project", m.project()).put("user", m.user()).put("role", m.role().id())
                .put("addedAt", m.addedAt().toString());
    }

    static JsonNode token(TokenService.TokenInfo t) {
        return token(t, java.time.Instant.now());
    }

    static JsonNode token(TokenService.TokenInfo t, java.time.Instant now) {
        var node = Json.object();
        node.put("id", t.id());
        node.put("name", t.name());
        node.put("user", t.user());
        node.put("project", t.project());
        node.put("role", t.role().id());
        var actions = node.putArray("actions");
        t.actions().forEach(actions::add);
        node.put("state", t.revokedAt() != null ? "revoked" : t.activeAt(now) ? "active" : "expired");
        node.put("createdAt", t.createdAt().toString());
        node.put("expiresAt", t.expiresAt() == null ? null : t.expiresAt().toString());
        node.put("revokedAt", t.revokedAt() == null ? null : t.revokedAt().toString());
        node.put("lastUsedAt", t.lastUsedAt() == null ? null : t.lastUsedAt().toString());
        return node;
    }

    // ---- answers ----

    private static void answer(Context ctx, java.util.function.Supplier<OutcomeResponses.Response> handler) {
        OutcomeResponses.Response response;
        try {
            response = handler.get();
        } catch (IdentityException e) {
            int status = e.code().equals("malformed_json") ? 400 : switch (e.kind()) {
                case NOT_FOUND -> 404;
                case CONFLICT -> 409;
                case REFUSED -> 403;
                case BAD_INPUT -> 422;
            };
            response = OutcomeResponses.problem(Problem.of(status, e.code(), e.getMessage(), e.hint()));
        }
        RestServer.send(ctx, response);
    }
}
