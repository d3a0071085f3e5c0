package dev.warden.cli;

import dev.warden.api.mcp.McpFront;
import dev.warden.api.mcp.McpStdio;
import dev.warden.api.mcp.ToolNames;
import dev.warden.audit.AuditQuery;
import dev.warden.audit.AuditRecord;
import dev.warden.identity.Principal;
import java.time.Clock;
import tools.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code warden mcp}: an MCP server on stdin and stdout, started by a desktop client. It acts as the
 * token in {@code WARDEN_TOKEN}, else as the local admin (whoever can start it here can read the
 * data dir and its keys anyway).
 */
@Command(name = "mcp", mixinStandardHelpOptions = true,
        description = "Serve MCP over stdin/stdout for a desktop client (Claude Desktop, Cursor, ...).",
        footer = {"", "Acts as the token in WARDEN_TOKEN if set, else as the local admin. Logs go to stderr."})
final class McpCommand implements Callable<Integer> {
    @Mixin
    DataDirOptions data;

    @Option(names = "--tool-names", paramLabel = "dotted|underscore", defaultValue = "dotted",
            converter = ToolNamesConverter.class,
            description = "Spelling of tool names in tools/list: fs.read (dotted, default) or fs_read (underscore,"
                    + " for clients that reject dots). Calls accept both.")
    ToolNames toolNames;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    static final class ToolNamesConverter implements CommandLine.ITypeConverter<ToolNames> {
        @Override
        public ToolNames convert(String value) {
            return ToolNames.parse(value).orElseThrow(() ->
                    new CommandLine.TypeConversionException("expected dotted or underscore, not '" + value + "'"));
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        // stdout carries only protocol messages: anything else that prints to it goes to stderr instead.
        var protocol = System.out;
        System.setOut(System.err);
        var err = spec.commandLine().getErr();
        try (var warden = data.open()) {
            Principal principal;
            var token = System.getenv("WARDEN_TOKEN");
            if (token != null && !token.isBlank()) {
                var found = warden.tokens().authenticate(token.strip());
                if (found.isEmpty()) {
                    err.println("error: WARDEN_TOKEN is unknown, expired or revoked; unset it to act as the local admin.");
                    return 1;
                }
                principal = found.get();
            } else {
                principal = Principal.localAdmin(System.getProperty("user.name", "local"));
            }
            var front = new McpFront(warden.engine(), warden.approvals(),
                n -> new AuditQuery(warden.database()).latest(n).stream().<JsonNode>map(AuditRecord::toJson).toList(),
                warden.policyFile()::text, warden.jail().roots(), Clock.systemUTC());
            try (var stdio = new McpStdio(front, principal, toolNames, System.in, protocol)) {
                stdio.awaitEnd();
            }
            return 0;
        }
    }
}
