package dev.warden.cli;

import dev.warden.api.mcp.McpHttp;
import dev.warden.api.mcp.ToolNames;
import dev.warden.config.WardenConfig;
import dev.warden.json.Json;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code warden connect claude|cursor}: prints the MCP client configuration that reaches this
 * Warden, over stdio (the client starts {@code warden mcp} itself) and over Streamable HTTP (a
 * running {@code warden serve}). Lines starting with {@code #} say where each block goes; every
 * other block is JSON to paste as is.
 */
@Command(name = "connect", mixinStandardHelpOptions = true,
        description = "Print the MCP configuration for a desktop client.",
        subcommands = {ConnectCommand.Claude.class, ConnectCommand.Cursor.class})
final class ConnectCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** What the printed configuration points at; the data-dir options are those {@code warden mcp} will get. */
    static final class Target {
        @Mixin
        DataDirOptions data;

        @Option(names = "--host", paramLabel = "HOST", description = "Host of the HTTP server (default 127.0.0.1).")
        String host;

        @Option(names = "--port", paramLabel = "PORT", description = "Port of the HTTP server (default 7878).")
        Integer port;

        WardenConfig config() {
            return data.config(host, port);
        }

        List<String> mcpArgs(WardenConfig config, ToolNames naming) {
            var args = new ArrayList<>(List.of("mcp", "--data-dir", config.dataDir().toString()));
            if (naming != ToolNames.DOTTED) args.add("--tool-names=" + naming.value());
            for (var root : config.roots()) {
                args.add("--root");
                args.add(root.toString());
            }
            if (data.configFile != null) {
                args.add("--config");
                args.add(data.configFile.toAbsolutePath().normalize().toString());
            }
            return args;
        }

        String url(WardenConfig config, ToolNames naming) {
            var host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
            return "http://" + host + ":" + config.port() + McpHttp.PATH
                    + (naming == ToolNames.DOTTED ? "" : "?" + ToolNames.PARAMETER + "=" + naming.value());
        }
    }

    @Command(name = "claude", mixinStandardHelpOptions = true,
            description = "Print the configuration for Claude Desktop and Claude Code.")
    static final class Claude implements Runnable {
        /** Some versions of Claude Desktop reject tool names with dots, so Claude is shown fs_read. */
        static final ToolNames NAMING = ToolNames.UNDERSCORE;

        @Mixin
        Target target;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            var config = target.config();
            var out = spec.commandLine().getOut();
            var command = launcher();
            var args = target.mcpArgs(config, NAMING);
            var url = target.url(config, NAMING);

            out.println("# Claude Desktop, stdio: merge into \"mcpServers\" of claude_desktop_config.json");
            out.println("# (macOS ~/Library/Application Support/Claude/, Windows %APPDATA%\\Claude\\), then restart it.");
            out.println("# It acts as the local admin; add \"env\": {\"WARDEN_TOKEN\": \"...\"} to act as a token.");
            printJson(out, servers(stdio(command, args)));
            out.println();
            out.println("# Claude Desktop, Streamable HTTP (needs `warden serve` running): its config file starts stdio");
            out.println("# servers only, so the mcp-remote bridge (npm) carries the session; put your token after Bearer.");
            printJson(out, servers(bridge(url, config.host())));
            out.println();
            out.println("# Claude Code, stdio:");
            out.println("#   claude mcp add warden -- " + shellLine(command, args));
            out.println("# or as .mcp.json in the project:");
            printJson(out, servers(stdio(command, args)));
            out.println();
            out.println("# Claude Code, Streamable HTTP (needs `warden serve` running; export WARDEN_TOKEN first):");
            out.println("#   claude mcp add --transport http warden " + shellLine(url, List.of())
                    + " --header \"Authorization: Bearer ${WARDEN_TOKEN}\"");
            out.println("# or as .mcp.json in the project (Claude Code expands ${WARDEN_TOKEN} from the environment):");
            var http = servers(http(url, "Bearer ${WARDEN_TOKEN}"));
            ((ObjectNode) http.path("mcpServers").path("warden")).put("type", "http");
            printJson(out, http);
            out.flush();
        }
    }

    @Command(name = "cursor", mixinStandardHelpOptions = true, description = "Print the configuration for Cursor.")
    static final class Cursor implements Runnable {
        @Mixin
        Target target;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            var config = target.config();
            var out = spec.commandLine().getOut();
            out.println("# Cursor, stdio: merge into \"mcpServers\" of ~/.cursor/mcp.json (or .cursor/mcp.json in a project).");
            out.println("# It acts as the local admin; add \"env\": {\"WARDEN_TOKEN\": \"...\"} to act as a token.");
            printJson(out, servers(stdio(launcher(), target.mcpArgs(config, ToolNames.DOTTED))));
            out.println();
            out.println("# Cursor, Streamable HTTP (needs `warden serve` running): merge into \"mcpServers\" of ~/.cursor/mcp.json.");
            out.println("# Cursor expands ${env:WARDEN_TOKEN} from the environment it was started in.");
            printJson(out, servers(http(target.url(config, ToolNames.DOTTED), "Bearer ${env:WARDEN_TOKEN}")));
            out.flush();
        }
    }

    private static ObjectNode servers(ObjectNode server) {
        var root = Json.object();
        root.putObject("mcpServers").set("warden", server);
        return root;
    }

    private static ObjectNode stdio(String command, List<String> args) {
        var node = Json.object();
        node.put("command", command);
        args.forEach(node.putArray("args")::add);
        return node;
    }

    /**
     * mcp-remote as a stdio server that forwards to {@code url}. The header is passed as
     * {@code Authorization:${AUTH_HEADER}}, without a space, because some clients split arguments
     * at spaces; mcp-remote fills in the variable from {@code env}.
     */
    private static ObjectNode bridge(String url, String host) {
        var node = Json.object();
        node.put("command", "npx");
        var args = node.putArray("args");
        args.add("-y").add("mcp-remote").add(url).add("--header").add("Authorization:${AUTH_HEADER}");
        // mcp-remote refuses plain http except to this machine.
        if (!LOOPBACK.contains(host)) args.add("--allow-http");
        node.putObject("env").put("AUTH_HEADER", "Bearer wdn_...");
        return node;
    }

    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "::1");

    private static ObjectNode http(String url, String authorization) {
        var node = Json.object();
        node.put("url", url);
        node.putObject("headers").put("Authorization", authorization);
        return node;
    }

    private static void printJson(PrintWriter out, ObjectNode node) {
        out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node));
    }

    /**
     * The launcher script at the top of the checkout this jar was built in (the jar is
     * {@code target/warden.jar}, the script {@code ../warden}), else {@code warden} on PATH.
     */
    static String launcher() {
        try {
            var source = ConnectCommand.class.getProtectionDomain().getCodeSource();
            if (source != null) {
                var built = Path.of(source.getLocation().toURI()).toAbsolutePath();
                var target = built.getParent();
                var checkout = target == null ? null : target.getParent();
                if (checkout != null) {
                    var script = checkout.resolve("warden");
                    if (Files.isRegularFile(script) && Files.isExecutable(script)) return script.toString();
                }
            }
        } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
            // An unusual class source (not a file): the client will have to find warden on PATH.
        }
        return "warden";
    }

    private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    private static String shellLine(String command, List<String> args) {
        var words = new ArrayList<String>();
        words.add(command);
        words.addAll(args);
        return String.join(" ", words.stream()
                .map(w -> SHELL_SAFE.matcher(w).matches() ? w : "'" + w.replace("'", "'\\''") + "'").toList());
    }
}
