package dev.warden.agent;

import dev.warden.action.ActionRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Action ids as model tool names and back. Both OpenAI and Anthropic accept only
 * {@code [A-Za-z0-9_-]} in a tool name, so {@code fs.read} is offered as {@code fs_read}; the
 * reverse comes from the registry, so a name no action has is an unknown tool, never a guess.
 */
final class ToolNames {
    private final Map<String, String> actionsByTool = new HashMap<>();

    ToolNames(ActionRegistry registry) {
        registry.all().forEach(a -> actionsByTool.put(toolName(a.spec().id()), a.spec().id()));
    }

    static String toolName(String actionId) {
        return actionId.replace('.', '_');
    }

    /** The action a tool name stands for; the dotted id is accepted too, as models copy it from text. */
    Optional<String> actionId(String toolName) {
        var id = actionsByTool.get(toolName);
        if (id == null && actionsByTool.containsValue(toolName)) id = toolName;
        return Optional.ofNullable(id);
    }
}
