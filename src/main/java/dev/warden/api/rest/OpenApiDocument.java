package dev.warden.api.rest;

import dev.warden.action.ActionRegistry;
import dev.warden.action.ActionSpec;
import dev.warden.action.Risk;
import dev.warden.json.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The OpenAPI 3.1 description of the REST front, generated from the registry: one operation per
 * action, which is what ChatGPT Actions and other OpenAPI-driven agents import. Actions above
 * {@code read} are marked {@code x-openai-isConsequential} and take the {@code confirm} parameter.
 */
public final class OpenApiDocument {
    private final ActionRegistry registry;
    private final String serverUrl;

    public OpenApiDocument(ActionRegistry registry, String serverUrl) {
        this.registry = registry;
        this.serverUrl = serverUrl;
    }

    /** Operation ids may not contain dots for some importers: {@code fs.read} becomes {@code fs_read}. */
    public static String operationId(String actionId) {
        return actionId.replace('.', '_');
    }

    public ObjectNode build() {
        var doc = Json.object();
        doc.put("openapi", "3.1.0");
        var info = doc.putObject("info");
        info.put("title", "Warden");
        info.put("version", "1");
        info.put("description", "Governed actions on this machine. Every call is checked by policy, may need confirmation, "
                + "is audited, and where it changes files can be undone with POST /v1/undo/{undoId}.");
        doc.putArray("servers").addObject().put("url", serverUrl);
        doc.putArray("security").addObject().putArray("bearerAuth");

        var paths = doc.putObject("paths");
        for (var action : registry.all()) {
            var spec = action.spec();
            paths.putObject("/v1/actions/" + spec.id()).set("post", operation(spec));
        }
        paths.putObject("/v1/undo/{undoId}").set("post", undoOperation());
        paths.putObject("/v1/previews/{previewId}/commit").set("post", previewOperation("commit",
                "Applies the changes a shell.exec preview listed (the same as preview.commit); the undoId restores them all."));
        paths.putObject("/v1/previews/{previewId}/discard").set("post", previewOperation("discard",
                "Drops a preview's changes (the same as preview.discard); no real file was touched."));
        // Agents follow their own held requests; approving is for people, so it is not offered here.
        paths.putObject("/v1/approvals/{approvalId}").set("get", approvalOperation());

        var components = doc.putObject("components");
        var scheme = components.putObject("securitySchemes").putObject("bearerAuth");
        scheme.put("type", "http");
        scheme.put("scheme", "bearer");
        var schemas = components.putObject("schemas");
        schemas.set("Problem", problemSchema());
        schemas.set("Held", heldSchema());
        return doc;
    }

    private ObjectNode operation(ActionSpec spec) {
        var op = Json.object();
        op.put("operationId", operationId(spec.id()));
        op.put("summary", spec.title());
        op.put("description", spec.description());
        boolean consequential = spec.risk() != Risk.READ;
        op.put("x-openai-isConsequential", consequential);
        op.put("x-warden-risk", spec.risk().id());
        if (consequential) {
            var param = op.putArray("parameters").addObject();
            param.put("name", "confirm");
            param.put("in", "query");
            param.put("required", false);
            param.put("description", "The confirmToken from a 428 answer, to run the action the person agreed to.");
            param.putObject("schema").put("type", "string");
        }
        var body = op.putObject("requestBody");
        body.put("required", true);
        body.putObject("content").putObject("application/json").set("schema", clean(spec.inputSchema()));

        var responses = op.putObject("responses");
        var ok = responses.putObject("200");
        ok.put("description", "The action ran; result holds its output.");
        ok.putObject("content").putObject("application/json").set("schema", envelope(spec));
        var held = responses.putObject("202");
        held.put("description", "Held for another person's approval; it has not run. Tell the user, then follow it with"
                + " getApproval using approvalId.");
        held.putObject("content").putObject("application/json").putObject("schema").put("$ref", "#/components/schemas/Held");
        problem(responses, "401", "No or unknown bearer token.");
        problem(responses, "403", "Refused by policy, role or the path jail; code says which.");
        problem(responses, "404", "Unknown action or path.");
        problem(responses, "422", "Input does not match the schema; errors[] lists each problem with its JSON path.");
        problem(responses, "429", "A rate limit or the daily budget is used up: wait Retry-After seconds, then retry.");
        if (consequential) {
            problem(responses, "428", "Needs confirmation: show preview to the user, then re-send with ?confirm=<confirmToken>.");
        }
        return op;
    }

    private static ObjectNode envelope(ActionSpec spec) {
        var schema = Json.object();
        schema.put("type", "object");
        var props = schema.putObject("properties");
        props.putObject("status").put("type", "string");
        props.set("result", clean(spec.outputSchema()));
        props.putObject("risk").put("type", "string");
        props.putObject("auditSeq").put("type", "integer");
        props.putObject("undoId").put("type", "string");
        schema.putArray("required").add("status").add("result").add("auditSeq");
        return schema;
    }

    private static ObjectNode undoOperation() {
        var op = Json.object();
        op.put("operationId", "undo");
        op.put("summary", "Undo a change");
        op.put("description", "Restores what an earlier action changed, using the undoId from its answer.");
        op.put("x-openai-isConsequential", true);
        var param = op.putArray("parameters").addObject();
        param.put("name", "undoId");
        param.put("in", "path");
        param.put("required", true);
        param.putObject("schema").put("type", "string");
        var responses = op.putObject("responses");
        var ok = responses.putObject("200");
        ok.put("description", "Restored.");
        ok.putObject("content").putObject("application/json").putObject("schema").put("type", "object");
        problem(responses, "404", "No such undo id.");
        problem(responses, "409", "Already undone, or the files changed since.");
        return op;
    }

    private static ObjectNode previewOperation(String verb, String description) {
        var op = Json.object();
        op.put("operationId", verb + "Preview");
        op.put("summary", Character.toUpperCase(verb.charAt(0)) + verb.substring(1) + " a preview");
        op.put("description", description);
        op.put("x-openai-isConsequential", verb.equals("commit"));
        var param = op.putArray("parameters").addObject();
        param.put("name", "previewId");
        param.put("in", "path");
        param.put("required", true);
        param.putObject("schema").put("type", "string");
        var responses = op.putObject("responses");
        var ok = responses.putObject("200");
        ok.put("description", verb.equals("commit") ? "Committed." : "Discarded.");
        ok.putObject("content").putObject("application/json").putObject("schema").put("type", "object");
        problem(responses, "404", "No such preview.");
        problem(responses, "409", "Already committed, discarded or expired, or (commit) the files changed since the preview.");
        if (verb.equals("commit")) problem(responses, "428", "Needs confirmation: re-send with ?confirm=<confirmToken>.");
        return op;
    }

    private static ObjectNode approvalOperation() {
        var op = Json.object();
        op.put("operationId", "getApproval");
        op.put("summary", "Follow a request held for approval");
        op.put("description", "Status of a request held for another person's approval: pending, executed (with result),"
                + " denied or expired. With wait, answers as soon as it is decided or after that many seconds.");
        op.put("x-openai-isConsequential", false);
        var params = op.putArray("parameters");
        var id = params.addObject();
        id.put("name", "approvalId");
        id.put("in", "path");
        id.put("required", true);
        id.putObject("schema").put("type", "string");
        var wait = params.addObject();
        wait.put("name", "wait");
        wait.put("in", "query");
        wait.put("required", false);
        wait.put("description", "Seconds to wait for a decision, 0 to " + ApprovalRoutes.MAX_WAIT_SECONDS + ".");
        wait.putObject("schema").put("type", "integer").put("minimum", 0).put("maximum", ApprovalRoutes.MAX_WAIT_SECONDS);
        var responses = op.putObject("responses");
        var ok = responses.putObject("200");
        ok.put("description", "The request as it stands; result holds the action's answer once it ran.");
        var schema = ok.putObject("content").putObject("application/json").putObject("schema");
        schema.put("type", "object");
        var props = schema.putObject("properties");
        props.putObject("id").put("type", "string");
        props.putObject("status").put("type", "string").putArray("enum").add("pending").add("approved").add("executed")
                .add("denied").add("expired");
        props.putObject("action").put("type", "string");
        props.putObject("result").put("type", "object");
        problem(responses, "404", "No such request, or not yours to see.");
        return op;
    }

    private static ObjectNode heldSchema() {
        var s = Json.object();
        s.put("type", "object");
        var props = s.putObject("properties");
        props.putObject("status").put("type", "string");
        props.putObject("approvalId").put("type", "string");
        props.putObject("expiresAt").put("type", "string");
        props.putObject("reason").put("type", "string");
        props.putObject("hint").put("type", "string");
        props.putObject("preview");
        s.putArray("required").add("status").add("approvalId");
        return s;
    }

    private static void problem(ObjectNode responses, String status, String description) {
        var r = responses.putObject(status);
        r.put("description", description);
        r.putObject("content").putObject(Problem.CONTENT_TYPE).putObject("schema").put("$ref", "#/components/schemas/Problem");
    }

    private static ObjectNode problemSchema() {
        var s = Json.object();
        s.put("type", "object");
        var p = s.putObject("properties");
        for (var name : new String[] {"type", "title", "detail", "code", "hint", "confirmToken", "expiresAt"}) {
            p.putObject(name).put("type", "string");
        }
        p.putObject("status").put("type", "integer");
        p.putObject("preview").put("type", "object");
        var errors = p.putObject("errors");
        errors.put("type", "array");
        var item = errors.putObject("items");
        item.put("type", "object");
        item.putObject("properties").putObject("path").put("type", "string");
        ((ObjectNode) item.get("properties")).putObject("message").put("type", "string");
        s.putArray("required").add("code").add("detail");
        return s;
    }

    // JSON Schema keywords that are about the document rather than the data are dropped: OpenAPI 3.1
    // allows them, but some importers reject $schema and $id inside operations.
    private static JsonNode clean(JsonNode schema) {
        var copy = schema.deepCopy();
        if (copy instanceof ObjectNode o) {
            o.remove("$schema");
            o.remove("$id");
        }
        return copy;
    }
}
