package dev.warden.api.mcp;

import dev.warden.action.ActionRegistry;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * How action ids are spelled as MCP tool names in {@code tools/list}. MCP allows dots, so the
 * default is the id itself ({@code fs.read}); some clients (Claude Desktop in some versions) accept
 * only letters, digits, {@code _} and {@code -}, and are shown {@code fs_read}. A {@code tools/call}
 * is accepted under either spelling in either mode, so a client that maps names itself still works.
 */
public enum ToolNames {
    DOTTED, UNDERSCORE;

    /** The query parameter of {@code /mcp} that chooses the spelling: {@code /mcp?toolNames=underscore}. */
    public static final String PARAMETER = "toolNames";

    /** The tool name of {@code actionId} in this spelling. */
    public String of(String actionId) {
        return this == DOTTED ? actionId : ActionRegistry.toolName(actionId);
    }

    /** As written on the command line and in the query parameter. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code dotted} or {@code underscore}, in any case; empty for anything else. */
    public static Optional<ToolNames> parse(String text) {
        if (text == null) return Optional.empty();
        return Arrays.stream(values()).filter(v -> v.value().equalsIgnoreCase(text.strip())).findFirst();
    }
}
