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
        chatPaths(paths);

        var components = doc.putObject("components");
        var scheme = components.putObject("securitySchemes").putObject("bearerAuth");
        scheme.put("type", "http");
        scheme.put("scheme", "bearer");
        var schemas = components.putObject("schemas");
        schemas.set("Problem", problemSchema());
        schemas.set("Held", heldSchema());
        schemas.set("ChatSession", chatSessionSchema());
        schemas.set("ChatEvent", chatEventSchema());
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

    /** Warden's own agent, for clients that hand a person's request to it rather than call actions themselves. */
    private static void chatPaths(ObjectNode paths) {
        var sessions = paths.putObject("/v1/chat/sessions");
        var create = chatOperation("createChatSession", "Start a chat with Warden's agent",
                "Starts a conversation with Warden's own agent, acting as the caller under the same policy and audit.", false);
        var createBody = create.putObject("requestBody");
        createBody.put("required", false);
        var createSchema = createBody.putObject("content").putObject("application/json").putObject("schema");
        createSchema.put("type", "object").put("additionalProperties", false);
        var createProps = createSchema.putObject("properties");
        createProps.putObject("title").put("type", "string").put("maxLength", ChatRoutes.MAX_TITLE);
        createProps.putObject("autonomous").put("type", "boolean")
                .put("description", "Fewer steps per message, for sessions no person watches step by step.");
        var created = responses(create).putObject("201");
        created.put("description", "Started; Location names the session.");
        var createdSchema = created.putObject("content").putObject("application/json").putObject("schema");
        createdSchema.put("type", "object");
        var createdProps = createdSchema.putObject("properties");
        createdProps.putObject("id").put("type", "string");
        createdProps.putObject("title").put("type", "string");
        createdProps.putObject("autonomous").put("type", "boolean");
        createdProps.putObject("createdAt").put("type", "string").put("format", "date-time");
        createdSchema.putArray("required").add("id").add("title").add("autonomous").add("createdAt");
        problem(responses(create), "422", "Unknown fields, or a field of the wrong type; errors[] says which.");
        sessions.set("post", create);

        var list = chatOperation("listChatSessions", "List your chat sessions",
                "The caller's own chat sessions in its project, most recently used first.", false);
        var listSchema = ok(list, "Your sessions.");
        listSchema.put("type", "object");
        var items = listSchema.putObject("properties").putObject("sessions");
        items.put("type", "array");
        items.putObject("items").put("$ref", "#/components/schemas/ChatSession");
        sessions.set("get", list);

        var get = chatOperation("getChatSession", "Read a chat session",
                "One of the caller's chat sessions, with what it waits for (plan, confirmation, field) if anything.", false);
        sessionIdParameter(get);
        ok(get, "The session.").put("$ref", "#/components/schemas/ChatSession");
        problem(responses(get), "404", "No such session of yours (chat_not_found).");
        paths.putObject("/v1/chat/sessions/{sessionId}").set("get", get);

        var send = chatOperation("sendChatMessage", "Send a message to a chat session",
                "One message, and the agent's turn: reads run at once; changes are shown as a plan and run after a reply of yes. "
                        + "With Accept: text/event-stream the events stream as they happen.", true);
        sessionIdParameter(send);
        var deltas = send.withArray("parameters").addObject();
        deltas.put("name", "deltas").put("in", "query").put("required", false)
                .put("description", "true: with text/event-stream, the model's text also streams piece by piece as text_delta events.");
        deltas.putObject("schema").put("type", "boolean");
        var sendBody = send.putObject("requestBody");
        sendBody.put("required", true);
        var sendSchema = sendBody.putObject("content").putObject("application/json").putObject("schema");
        sendSchema.put("type", "object").put("additionalProperties", false);
        sendSchema.putObject("properties").putObject("text").put("type", "string").put("minLength", 1).put("maxLength", ChatRoutes.MAX_TEXT);
        sendSchema.putArray("required").add("text");
        var answered = responses(send).putObject("200");
        answered.put("description", "The turn's events, in order; as server-sent events (event: <type>, data: the event) "
                + "when the request accepts text/event-stream.");
        var content = answered.putObject("content");
        var turn = content.putObject("application/json").putObject("schema");
        turn.put("type", "object");
        var turnProps = turn.putObject("properties");
        var events = turnProps.putObject("events");
        events.put("type", "array");
        events.putObject("items").put("$ref", "#/components/schemas/ChatEvent");
        turnProps.putObject("waitingFor").putArray("type").add("string").add("null");
        turn.putArray("required").add("events").add("waitingFor");
        content.putObject("text/event-stream").putObject("schema").put("type", "string");
        problem(responses(send), "404", "No such session of yours (chat_not_found).");
        problem(responses(send), "422", "text is missing, blank or longer than " + ChatRoutes.MAX_TEXT + " characters.");
        paths.putObject("/v1/chat/sessions/{sessionId}/messages").set("post", send);
    }

    private static ObjectNode chatOperation(String operationId, String summary, String description, boolean consequential) {
        var op = Json.object();
        op.put("operationId", operationId);
        op.put("summary", summary);
        op.put("description", description);
        op.put("x-openai-isConsequential", consequential);
        problem(op.putObject("responses"), "401", "No or unknown bearer token.");
        return op;
    }

    /** Adds a 200 answer to {@code op} and returns its JSON schema to fill in. */
    private static ObjectNode ok(ObjectNode op, String description) {
        var ok = responses(op).putObject("200");
        ok.put("description", description);
        return ok.putObject("content").putObject("application/json").putObject("schema");
    }

    private static ObjectNode responses(ObjectNode op) {
        return (ObjectNode) op.get("responses");
    }

    private static void sessionIdParameter(ObjectNode op) {
        var param = op.putArray("parameters").addObject();
        param.put("name", "sessionId");
        param.put("in", "path");
        param.put("required", true);
        param.putObject("schema").put("type", "string");
    }

    private static ObjectNode chatSessionSchema() {
        var s = Json.object();
        s.put("type", "object");
        var props = s.putObject("properties");
        props.putObject("id").put("type", "string");
        props.putObject("title").put("type", "string");
        props.putObject("autonomous").put("type", "boolean");
        props.putObject("createdAt").put("type", "string").put("format", "date-time");
        props.putObject("updatedAt").put("type", "string").put("format", "date-time");
        var waiting = props.putObject("waitingFor");
        waiting.putArray("type").add("string").add("null");
        waiting.put("description", "plan, confirmation or field: the next message answers it; null when nothing is awaited.");
        s.putArray("required").add("id").add("title").add("autonomous").add("createdAt").add("updatedAt").add("waitingFor");
        return s;
    }

    /** Events vary by type; the common members are described, the rest are open. */
    private static ObjectNode chatEventSchema() {
        var s = Json.object();
        s.put("type", "object");
        var props = s.putObject("properties");
        var type = props.putObject("type");
        type.put("type", "string");
        var kinds = type.putArray("enum");
        for (var kind : new String[] {"text", "text_delta", "plan", "step_started", "step_finished", "confirmation_needed", "approval_pending",
                "question", "waiting", "done", "failed"}) {
            kinds.add(kind);
        }
        props.putObject("text").put("type", "string");
        props.putObject("action").put("type", "string");
        props.putObject("for").put("type", "string");
        props.putObject("code").put("type", "string");
        props.putObject("hint").put("type", "string");
        s.putArray("required").add("type");
        return s;
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
