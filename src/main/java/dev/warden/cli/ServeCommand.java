package dev.warden.cli;

import dev.warden.api.mcp.McpFront;
import dev.warden.api.mcp.McpHttp;
import dev.warden.api.rest.RestServer;
import dev.warden.app.Warden;
import dev.warden.audit.AuditQuery;
import dev.warden.audit.AuditRecord;
import java.time.Clock;
import tools.jackson.databind.JsonNode;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import org.slf4j.LoggerFactory;

@Command(name = "serve", mixinStandardHelpOptions = true, description = "Start the Warden server (REST on /v1).")
final class ServeCommand implements Runnable {
    @Mixin
    DataDirOptions data;

    @Option(names = "--host", paramLabel = "HOST", description = "Address to listen on (default 127.0.0.1).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", description = "Port to listen on (default 7878; 0 picks a free one).")
    Integer port;

    // The launcher starts the server once after a build and lets it exit normally, so the JVM can
    // write the class-data archive that makes every later start faster.
    @Option(names = "--exit-when-ready", hidden = true)
    boolean exitWhenReady;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        var config = data.config(host, port);
        var warden = Warden.open(config, Clock.systemUTC());
        var out = spec.commandLine().getOut();
        warden.tokens().ensureAdmin(config.adminToken()).ifPresent(secret -> {
            out.println("Created the first admin token. It is shown only this once; keep it safe:");
            out.println();
            out.println("    " + secret);
            out.println();
        });
        var mcp = new McpHttp(new McpFront(warden.engine(), warden.approvals(),
                n -> new AuditQuery(warden.database()).latest(n).stream().<JsonNode>map(AuditRecord::toJson).toList(),
                warden.policyFile()::text, warden.jail().roots(), Clock.systemUTC()),
                warden.tokens(), config.host(), config.maxBodyBytes());
        var server = new RestServer(warden.restDependencies(),
                config.host(), config.port(), config.maxBodyBytes(), mcp::mount).start();
        out.println("Data dir: " + config.dataDir());
        for (var root : warden.jail().roots()) out.println("Root:     " + root);
        out.println("Policy:   " + config.policyFile());
        warnAboutProtectedInsideRoots(warden);
        out.println("MCP:      http://" + config.host() + ":" + server.port() + McpHttp.PATH + " (Streamable HTTP)");
        if (!config.monitor().alerts().isEmpty()) {
            out.println("Alerts:   " + config.monitor().alerts().size() + " rule(s), checked every "
                    + config.monitor().interval().toSeconds() + " s");
        }
        out.println("Warden listening on http://" + config.host() + ":" + server.port());
        out.flush();
        if (exitWhenReady) {
            mcp.close();
            server.close();
            warden.close();
            return;
        }
        warden.monitor().start();
        var stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            mcp.close();
            server.close();
            warden.close();
            stopped.countDown();
        }, "warden-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A root that holds Warden's own files leaves only the path jail between an agent and its policy
     * or audit database (a {@code process}-level command is not jailed); the operator should know.
     */
    private void warnAboutProtectedInsideRoots(Warden warden) {
        var err = spec.commandLine().getErr();
        for (var path : warden.jail().protectedInsideRoots()) {
            LoggerFactory.getLogger(ServeCommand.class).warn("an allowed root contains Warden's own file {}", path);
            err.println("Warning:  an allowed root contains " + path + " (Warden's data, policy or config). Actions are refused"
                    + " there (path_protected), but commands at the process sandbox level are not jailed: keep it outside the roots.");
        }
        err.flush();
    }
}
