package dev.warden.api.rest;

import dev.warden.identity.Principal;
import dev.warden.json.Json;
import dev.warden.webhook.Webhooks;
import io.javalin.http.Context;
import tools.jackson.core.JacksonException;

/**
 * {@code /v1/webhooks/{project}}: an admin of the project sets, reads or removes its webhook. The
 * signing secret is shown once, when set. Not an action: no agent call can redirect notifications.
 */
final class WebhookRoutes {
    private final Webhooks webhooks;

    WebhookRoutes(Webhooks webhooks) {
        this.webhooks = webhooks;
    }

    OutcomeResponses.Response put(Context ctx, Principal principal) {
        var project = ctx.pathParam("project");
        var refused = refuse(principal, project);
        if (refused != null) return refused;
        String url;
        String secret;
        try {
            var body = Json.parse(ctx.bodyAsBytes());
            url = body.path("url").asString(null);
            secret = body.has("secret") ? body.get("secret").asString() : null;
        } catch (JacksonException e) {
            url = null;
            secret = null;
        }
        if (url == null) {
            return OutcomeResponses.problem(Problem.of(422, "invalid_input", "The body is {\"url\": \"https://...\", \"secret\": \"...\"}.",
                    "Send the URL to call; leave out secret to have one generated."));
        }
        try {
            var created = webhooks.set(project, url, secret);
            var node = Json.object();
            node.put("project", project);
            node.put("url", created.hook().url());
            node.put("secret", created.secret());
            node.put("hint", "Keep the secret: it is not shown again. Check Warden-Signature t=UNIX,sha256=HMAC(secret, UNIX.body).");
            return new OutcomeResponses.Response(200, "application/json", node);
        } catch (IllegalArgumentException e) {
            return OutcomeResponses.problem(Problem.of(422, "invalid_url", e.getMessage(), "Use an http or https URL with a host."));
        }
    }

    OutcomeResponses.Response get(Context ctx, Principal principal) {
        var project = ctx.pathParam("project");
        var refused = refuse(principal, project);
        if (refused != null) return refused;
        return webhooks.find(project)
                .map(h -> new OutcomeResponses.Response(200, "application/json",
                        (tools.jackson.databind.JsonNode) Json.object().put("project", project).put("url", h.url()).put("createdAt", h.createdAt())))
                .orElseGet(() -> notFound(project));
    }

    OutcomeResponses.Response delete(Context ctx, Principal principal) {
        var project = ctx.pathParam("project");
        var refused = refuse(principal, project);
        if (refused != null) return refused;
        return webhooks.remove(project)
                ? new OutcomeResponses.Response(200, "application/json", Json.object().put("removed", true))
                : notFound(project);
    }

    private static OutcomeResponses.Response refuse(Principal principal, String project) {
        if (RestServer.isFullAdmin(principal) && (principal.project().equals(project) || principal.kind() == Principal.Kind.LOCAL)) {
            return null;
        }
        return OutcomeResponses.problem(Problem.of(403, "admin_required", "Only an admin of project " + project
                + " may manage its webhook.", "Use an admin token of that project."));
    }

    private static OutcomeResponses.Response notFound(String project) {
        return OutcomeResponses.problem(Problem.of(404, "webhook_not_found", "Project " + project + " has no webhook.",
                "Set one with PUT /v1/webhooks/" + project + " {\"url\": ...}."));
    }
}
