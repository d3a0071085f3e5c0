package dev.warden.api.mcp;

import dev.warden.action.ActionException;
import dev.warden.engine.Approvals;
import dev.warden.engine.Engine;
import dev.warden.engine.Intent;
import dev.warden.engine.Mode;
import dev.warden.engine.Origin;
import dev.warden.engine.Outcome;
import dev.warden.identity.Principal;
import dev.warden.json.Json;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.IntFunction;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The MCP front: every action of the registry as an MCP tool, each call an {@link Intent} handed to
 * {@link Engine#submit}, each {@link Outcome} mapped back by {@link ToolResults}. No pipeline stage
 * lives here. The transports ({@link McpHttp}, {@link McpStdio}) only decide who the caller is.
 */
public final class McpFront {
    static final String SERVER_NAME = "warden";
    static final String SERVER_VERSION = "0.1.0";
    private static final int HELD_CAPACITY = 1_000;
    private static final Duration ELICITATION_TIMEOUT = Duration.ofMinutes(5);
    private static final int PREVIEW_CHARS = 4_000;
    static final int MAX_APPROVAL_WAIT_SECONDS = 50;
    static final String CHECK_APPROVAL_TOOL = ToolCatalog.CHECK_APPROVAL;

    private final Engine engine;
    private final Approvals approvals;
    private final ToolCatalog catalog;
    private final HeldIntents held;
    private final WardenResources resources;
    private final GuidePrompt guide;
    private final RunningCalls calls = new RunningCalls();

    /**
     * {@code newestAudit} the n newest audit records as JSON, newest first; {@code policyText} the
     * text of the policy in force (it changes when the file is reloaded);
     * {@code roots} the allowed roots, named in the guide prompt.
     */
    public McpFront(Engine engine, Approvals approvals, IntFunction<List<JsonNode>> newestAudit, Supplier<String> policyText, List<Path> roots, Clock clock) {
        this.engine = engine;
        this.approvals = approvals;
        this.catalog = new ToolCatalog(engine.registry(), engine::offers);
        this.held = new HeldIntents(HELD_CAPACITY, clock);
        this.resources = new WardenResources(newestAudit, policyText);
        this.guide = new GuidePrompt(roots);
    }

    /**
     * Builds the server on a transport's specification. {@code callers} turns the context of each
     * request into the principal it acts for, or null when there is none (then nothing is listed
     * and every call is refused); {@code naming} into the spelling of tool names it lists.
     */
    <S extends McpServer.SyncSpecification<S>> McpSyncServer build(McpServer.SyncSpecification<S> spec,
                                                                  Function<McpTransportContext, Principal> callers,
                                                                  Function<McpTransportContext, ToolNames> naming) {
        var tools = new ArrayList<McpServerFeatures.SyncToolSpecification>();
        for (var tool : catalog.actionTools()) {
            tools.add(new McpServerFeatures.SyncToolSpecification(tool,
                    (exchange, request) -> call(callers.apply(exchange.transportContext()), request,
                            exchange::progressNotification, elicitor(exchange), exchange.sessionId())));
        }
        tools.add(new McpServerFeatures.SyncToolSpecification(ToolCatalog.confirmTool(),
                (exchange, request) -> confirm(callers.apply(exchange.transportContext()), request,
                        exchange::progressNotification, exchange.sessionId())));
        tools.add(new McpServerFeatures.SyncToolSpecification(ToolCatalog.checkApprovalTool(),
                (exchange, request) -> checkApproval(callers.apply(exchange.transportContext()), request)));
        return spec.serverInfo(SERVER_NAME, SERVER_VERSION)
                // Requests to the client include asking a person to confirm, who may take a while to answer.
                .requestTimeout(ELICITATION_TIMEOUT)
                .instructions("Warden runs each tool through policy, path and command guards, and audits it."
                        + " A result with code confirmation_required holds the request: show its preview to the"
                        + " person you act for and, if they agree, call confirm with its confirmToken. A result with"
                        + " code approval_required waits for another person: check it with check_approval.")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).resources(false, false).prompts(false).build())
                // The engine validates input against the schema, so a bad call is audited and answered
                // with Warden's errors and JSON paths instead of the SDK's protocol error.
                .validateToolInputs(false)
                .jsonSchemaValidator(new ResultValidator())
                .addToolFilter((context, tool) -> catalog.visible(callers.apply(context), tool, naming.apply(context)))
                .tools(tools)
                .resources(resources.specifications(callers))
                .prompts(guide.specification())
                .build();
    }

    /** Reads every inbound message before the SDK does, for cancellation; see {@link RunningCalls}. */
    String inbound(String message, String scope, Principal principal) {
        return principal == null ? message : calls.inbound(message, scope, principal);
    }

    /** As {@link #inbound(String, String, Principal)}, for a message the transport has parsed already. */
    ObjectNode inbound(ObjectNode message, String scope, Principal principal) {
        return principal == null ? message : calls.inbound(message, scope, principal);
    }

    /**
     * Runs one tool call. {@code elicit} asks the person at the client (null when the client did
     * not declare elicitation): a request that needs confirmation is then confirmed or refused
     * there and then, instead of being held for the {@code confirm} tool.
     */
    McpSchema.CallToolResult call(Principal principal, McpSchema.CallToolRequest request,
                                  Consumer<McpSchema.ProgressNotification> notify,
                                  Function<McpSchema.ElicitRequest, McpSchema.ElicitResult> elicit, String session) {
        if (principal == null) return unauthenticated();
        try (var observer = observe(principal, request, notify)) {
            // Either spelling of a tool name runs, and is audited as, the action id.
            var actionId = catalog.actionId(request.name()).orElse(request.name());
            var intent = new Intent(actionId, input(request), principal, Origin.MCP, Mode.EXECUTE, null, null,
                    observer, session);
            var outcome = engine.submit(intent);
            if (!(outcome instanceof Outcome.NeedsConfirmation nc)) return ToolResults.of(outcome);
            if (elicit != null) {
                var answer = ask(elicit, nc);
                if (answer != null) {
                    if (answer.action() == McpSchema.ElicitResult.Action.ACCEPT && !Boolean.FALSE.equals(
                            answer.content() == null ? null : answer.content().get("confirm"))) {
                        return ToolResults.of(engine.submit(intent.withConfirmation(nc.token())));
                    }
                    return ToolResults.refusal("confirmation_declined",
                            "The person you act for " + (answer.action() == McpSchema.ElicitResult.Action.CANCEL
                                    ? "dismissed" : "declined") + " " + nc.actionId() + "; nothing was done.",
                            "Do not retry the same call; ask them what they want instead.");
                }
            }
            // The observer belongs to this one request, never to the confirmed re-send.
            held.hold(nc.token(), intent.withObserver(null), nc.expiresAt());
            return ToolResults.of(outcome);
        }
    }

    /** The client's elicitation, if it declared the capability. */
    private static Function<McpSchema.ElicitRequest, McpSchema.ElicitResult> elicitor(McpSyncServerExchange exchange) {
        var capabilities = exchange.getClientCapabilities();
        return capabilities == null || capabilities.elicitation() == null ? null : exchange::createElicitation;
    }

    /** Asks the person to confirm, showing the preview; null when the client could not ask. */
    private static McpSchema.ElicitResult ask(Function<McpSchema.ElicitRequest, McpSchema.ElicitResult> elicit,
                                              Outcome.NeedsConfirmation nc) {
        var preview = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(nc.preview());
        if (preview.length() > PREVIEW_CHARS) preview = preview.substring(0, PREVIEW_CHARS) + "\n...";
        var message = "Warden needs your confirmation to run " + nc.actionId()
                + (nc.reason() == null ? "" : " (" + nc.reason() + ")") + ".\n\nPreview:\n" + preview;
        var schema = Map.<String, Object>of("type", "object",
                "properties", Map.of("confirm", Map.of("type", "boolean", "title", "Run it",
                        "description", "Run " + nc.actionId() + " as previewed", "default", true)),
                "required", List.of("confirm"));
        try {
            return elicit.apply(new McpSchema.ElicitFormRequest(message, schema, null));
        } catch (RuntimeException e) {
            // The client failed to ask (or timed out): answer with the token, as for a client without elicitation.
            return null;
        }
    }

    /**
     * Re-sends the held intent with the token, as the caller: the engine then checks that the token
     * was issued to this principal for this action and input, and that it is used once.
     */
    McpSchema.CallToolResult confirm(Principal principal, McpSchema.CallToolRequest request,
                                     Consumer<McpSchema.ProgressNotification> notify, String session) {
        if (principal == null) return unauthenticated();
        var token = request.arguments() == null ? null : request.arguments().get("token");
        if (!(token instanceof String text) || text.isBlank()) {
            return ToolResults.refusal("invalid_input", "confirm needs {\"token\": \"...\"}, the confirmToken of a held request.",
                    "Pass the confirmToken from the result that answered confirmation_required.");
        }
        var found = held.find(text.strip());
        if (found.isEmpty()) {
            return ToolResults.refusal("confirmation_unknown",
                    "No request is held under this token: it expired, was issued by another server, or the server restarted.",
                    "Call the original tool again to get a new preview and token.");
        }
        var heldIntent = found.get();
        try (var observer = observe(principal, request, notify)) {
            var intent = new Intent(heldIntent.actionId(), heldIntent.input(), principal, heldIntent.origin(),
                    heldIntent.mode(), text.strip(), null, observer, session);
            return ToolResults.of(engine.submit(intent));
        }
    }

    /** The state of a request held for approval, waiting for a decision up to {@code waitSeconds}. */
    McpSchema.CallToolResult checkApproval(Principal principal, McpSchema.CallToolRequest request) {
        if (principal == null) return unauthenticated();
        var args = request.arguments() == null ? Map.<String, Object>of() : request.arguments();
        var wait = args.getOrDefault("waitSeconds", 0);
        if (!(args.get("approvalId") instanceof String id) || id.isBlank()
                || !(wait instanceof Number n) || n.intValue() < 0 || n.intValue() > MAX_APPROVAL_WAIT_SECONDS) {
            return ToolResults.refusal("invalid_input", "check_approval needs {\"approvalId\": \"apr_...\"} and an optional"
                            + " waitSeconds from 0 to " + MAX_APPROVAL_WAIT_SECONDS + ".",
                    "Pass the approvalId from the result that answered approval_required.");
        }
        try {
            return ToolResults.approval(approvals.await(principal, id.strip(), Duration.ofSeconds(n.intValue())));
        } catch (ActionException e) {
            return ToolResults.refusal(e.code(), e.getMessage(), e.hint());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ToolResults.refusal("cancelled", "The wait was cancelled.", "Call check_approval again.");
        }
    }

    /** The request's progress and cancellation, for the action it runs. */
    private RunningCalls.Call observe(Principal principal, McpSchema.CallToolRequest request,
                                      Consumer<McpSchema.ProgressNotification> notify) {
        var token = request.progressToken();
        var key = request.meta() != null && request.meta().get(RunningCalls.REQUEST_KEY) instanceof String k ? k : null;
        Consumer<RunningCalls.Report> progress = token == null ? null
                : report -> notify.accept(new McpSchema.ProgressNotification(token, report.progress(), report.total(),
                        report.message()));
        return calls.open(key, principal, progress);
    }

    private static JsonNode input(McpSchema.CallToolRequest request) {
        Map<String, Object> arguments = request.arguments();
        return arguments == null ? Json.object() : Json.toTree(arguments);
    }

    private static McpSchema.CallToolResult unauthenticated() {
        return ToolResults.refusal("unauthenticated", "This request carries no principal.",
                "Connect with a valid bearer token.");
    }

}
