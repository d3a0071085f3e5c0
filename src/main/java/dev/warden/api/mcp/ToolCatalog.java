package dev.warden.api.mcp;

import dev.warden.action.Action;
import dev.warden.action.ActionRegistry;
import dev.warden.action.ActionSpec;
import dev.warden.action.Schemas;
import dev.warden.identity.Principal;
import dev.warden.json.Json;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiPredicate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The registry seen as MCP tools: one tool per action and spelling of its name ({@link ToolNames}:
 * {@code fs.read} and {@code fs_read}), plus {@code confirm} and {@code check_approval}. Both
 * spellings are registered with the SDK so that a call under either finds its handler; a list shows
 * only the spelling the connection asked for. Which tools a principal sees is decided here; what it
 * may actually run is still decided by the engine on every call.
 */
final class ToolCatalog {
    static final String CONFIRM = "confirm";
    static final String CHECK_APPROVAL = "check_approval";

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private final ActionRegistry registry;
    private final BiPredicate<Principal, Action> offered;
    private final List<McpSchema.Tool> tools;
    /** {@code offered} says whether a principal could ever run an action ({@code Engine::offers}). */
    ToolCatalog(ActionRegistry registry, BiPredicate<Principal, Action> offered) {
        this.registry = registry;
        this.offered = offered;
        var all = new ArrayList<McpSchema.Tool>();
        for (var action : registry.all()) {
            var id = action.spec().id();
            // An id without a dot is spelled the same both ways: one tool.
            for (var name : new LinkedHashSet<>(Arrays.stream(ToolNames.values()).map(n -> n.of(id)).toList())) {
                all.add(tool(action.spec(), name));
            }
        }
        for (var fixed : List.of(CONFIRM, CHECK_APPROVAL)) {
            if (registry.findByToolName(fixed).isPresent()) throw new IllegalStateException("tool name " + fixed + " is Warden's own");
        }
        this.tools = List.copyOf(all);
    }

    List<McpSchema.Tool> actionTools() {
        return tools;
    }

    /**
     * Whether {@code principal} is shown {@code tool}: the token's action patterns must admit it and
     * the lowest risk a call of the action can be assessed at must be within the role's ceiling. So a
     * viewer sees {@code shell.exec} (a read-only command is a read) but never {@code fs.write}: the
     * list holds no action the principal can never run, and the engine still judges every call.
     */
    boolean visible(Principal principal, McpSchema.Tool tool, ToolNames naming) {
        if (principal == null) return false;
        if (tool.name().equals(CONFIRM) || tool.name().equals(CHECK_APPROVAL)) return true;
        return action(tool.name())
                .filter(action -> naming.of(action.spec().id()).equals(tool.name()))
                .map(action -> offered.test(principal, action))
                .orElse(false);
    }

    /** The action a tool name runs, under either spelling. */
    Optional<Action> action(String toolName) {
        return registry.findByToolName(toolName);
    }

    /** The action id of a tool name under either spelling; empty for Warden's own tools and unknown names. */
    Optional<String> actionId(String toolName) {
        return action(toolName).map(a -> a.spec().id());
    }

    static McpSchema.Tool tool(ActionSpec spec, String name) {
        return McpSchema.Tool.builder()
                .name(name)
                .title(spec.title())
                .description(spec.description())
                .inputSchema(schema(spec.inputSchema()))
                .outputSchema(outputSchema(spec.outputSchema()))
                .annotations(new McpSchema.ToolAnnotations(spec.title(), spec.readOnly(), spec.destructive(),
                        spec.idempotent(), spec.openWorld(), null))
                .build();
    }

    static McpSchema.Tool confirmTool() {
        var input = Json.object();
        input.put("type", "object");
        var token = input.putObject("properties").putObject("token");
        token.put("type", "string");
        token.put("description", "The confirmToken from the result that asked for confirmation.");
        input.putArray("required").add("token");
        input.put("additionalProperties", false);
        var output = Json.object();
        output.put("type", "object");
        return McpSchema.Tool.builder()
                .name(CONFIRM)
                .title("Confirm a held request")
                .description("Run a request that answered confirmation_required, once, after the person you act for"
                        + " agreed to its preview. Returns that action's result.")
                .inputSchema(schema(input))
                .outputSchema(schema(output))
                .annotations(new McpSchema.ToolAnnotations("Confirm a held request", false, true, false, false, null))
                .build();
    }

    static McpSchema.Tool checkApprovalTool() {
        var input = Json.object();
        input.put("type", "object");
        var properties = input.putObject("properties");
        var id = properties.putObject("approvalId");
        id.put("type", "string");
        id.put("description", "The approvalId from the result that answered approval_required.");
        var wait = properties.putObject("waitSeconds");
        wait.put("type", "integer");
        wait.put("minimum", 0);
        wait.put("maximum", McpFront.MAX_APPROVAL_WAIT_SECONDS);
        wait.put("description", "Wait up to this long for a decision (default 0: answer at once).");
        input.putArray("required").add("approvalId");
        input.put("additionalProperties", false);
        return McpSchema.Tool.builder()
                .name(CHECK_APPROVAL)
                .title("Check an approval request")
                .description("Status of a request held for another person's approval; once approved it has run,"
                        + " and this returns its result.")
                .inputSchema(schema(input))
                .outputSchema(Map.of("type", "object"))
                .annotations(new McpSchema.ToolAnnotations("Check an approval request", true, false, true, false, null))
                .build();
    }

    /** The schema as a tool carries it: without {@code $schema} and {@code $id}, which only cost tokens. */
    static Map<String, Object> schema(JsonNode schema) {
        return Json.MAPPER.convertValue(Schemas.bare(schema), MAP);
    }

    /**
     * An output schema without its prose: a client validates the result against its shape, and the
     * model reads the result itself. The descriptions stay in the REST front's OpenAPI document;
     * here they would be paid for on every turn (about a fifth of the whole list).
     */
    static Map<String, Object> outputSchema(JsonNode schema) {
        var copy = schema.deepCopy();
        stripProse(copy);
        return schema(copy);
    }

    private static void stripProse(JsonNode node) {
        if (node instanceof ObjectNode object) {
            // "properties" maps names to schemas: a property may itself be called description or title.
            for (var entry : object.properties()) {
                if (entry.getKey().equals("properties") && entry.getValue() instanceof ObjectNode props) {
                    props.forEach(ToolCatalog::stripProse);
                } else {
                    stripProse(entry.getValue());
                }
            }
            object.remove("description");
            object.remove("title");
        } else if (node != null && node.isArray()) {
            node.forEach(ToolCatalog::stripProse);
        }
    }
}
