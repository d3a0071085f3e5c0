package dev.warden.api.mcp;

import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** The {@value #NAME} prompt: how an agent works with Warden without surprises for its human. */
final class GuidePrompt {
    static final String NAME = "warden-guide";

    private final String text;

    GuidePrompt(List<Path> roots) {
        var rootList = roots.stream().map(Path::toString).collect(Collectors.joining(", "));
        this.text = """
                You act on this machine through Warden. Work with it like this:
                - Paths are relative to, or must stay under, the allowed roots: %s. A path outside them \
                (or a symlink leading out) is refused with path_outside_roots.
                - Every call, allowed or refused, is recorded in an audit log the humans can read.
                - A result with code confirmation_required did nothing yet: show its preview to the human \
                you act for, and only if they agree call the confirm tool with its confirmToken. Never \
                confirm on your own.
                - A refusal carries a code, a message and a hint: follow the hint rather than retrying the \
                same call.
                - To change a file, prefer fs.edit (exact text replaced) to rewriting it with fs.write.
                - There is no dry run (simulate) over MCP yet: read first (fs.read, fs.stat, fs.list) to \
                know what a change will touch.
                - A change that can be taken back has an undo id; pass it to journal.undo to restore \
                what was there before.
                """.formatted(rootList);
    }

    String text() {
        return text;
    }

    McpServerFeatures.SyncPromptSpecification specification() {
        var prompt = new McpSchema.Prompt(NAME, "Working with Warden safely",
                "How to use Warden's tools: roots, audit, confirmation, edits and undo.", List.of());
        return new McpServerFeatures.SyncPromptSpecification(prompt, (exchange, request) ->
                new McpSchema.GetPromptResult(prompt.description(),
                        List.of(new McpSchema.PromptMessage(McpSchema.Role.USER, new McpSchema.TextContent(text)))));
    }
}
