package dev.warden.api.mcp;

import dev.warden.api.rest.RestServer;
import dev.warden.app.Warden;
import dev.warden.audit.AuditQuery;
import dev.warden.audit.AuditRecord;
import dev.warden.config.WardenConfig;
import dev.warden.identity.Members;
import dev.warden.identity.Role;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** A real Warden serving REST and MCP on one free port, over a temporary data dir and root. */
final class McpFixture implements AutoCloseable {
    static final String ADMIN = "test-admin-secret-0123456789";

    final Path root;
    final Path dataDir;
    final Warden warden;
    final McpHttp mcp;
    final RestServer server;
    final String operatorToken;
    final String viewerToken;
    private final List<McpSyncClient> clients = new ArrayList<>();

    McpFixture(Path temp) {
        try {
            root = Files.createDirectories(temp.resolve("root"));
            dataDir = Files.createDirectories(temp.resolve("data"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var config = new WardenConfig("127.0.0.1", 0, dataDir, List.of(root), dataDir.resolve("policy.yaml"), ADMIN,
                1_048_576, Duration.ofMinutes(5));
        warden = Warden.open(config, Clock.systemUTC());
        warden.tokens().ensureAdmin(ADMIN);
        Members.add(warden.users(), warden.projects(), "default", "olivia", Role.OPERATOR);
        Members.add(warden.users(), warden.projects(), "default", "victor", Role.VIEWER);
        operatorToken = warden.tokens().create("op", "olivia", "default", Role.OPERATOR, null, List.of()).secret();
        viewerToken = warden.tokens().create("viewer", "victor", "default", Role.VIEWER, null, List.of()).secret();
        mcp = new McpHttp(new McpFront(warden.engine(), warden.approvals(),
                n -> new AuditQuery(warden.database()).latest(n).stream().<JsonNode>map(AuditRecord::toJson).toList(),
                warden.policyFile()::text, config.roots(), Clock.systemUTC()), warden.tokens(),
                "127.0.0.1", 1_048_576);
        server = new RestServer(warden.restDependencies(),
                "127.0.0.1", 0, 1_048_576, mcp::mount).start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    /** An initialized SDK client speaking Streamable HTTP with {@code token} as its bearer. */
    McpSyncClient client(String token) {
        return client(token, McpHttp.PATH);
    }

    /** The same, at {@code endpoint} (the path with its query). */
    McpSyncClient client(String token, String endpoint) {
        var transport = HttpClientStreamableHttpTransport.builder(baseUrl())
                .endpoint(endpoint)
                .httpRequestCustomizer((request, method, uri, body, context) ->
                        request.header("Authorization", "Bearer " + token))
                .build();
        var client = McpClient.sync(transport)
                .requestTimeout(Duration.ofSeconds(30))
                // Makes the client check every structured result against the tool's output schema.
                .enableCallToolSchemaCaching(true)
                .build();
        clients.add(client);
        client.initialize();
        return client;
    }

    @Override
    public void close() {
        clients.forEach(McpSyncClient::closeGracefully);
        mcp.close();
        server.close();
        warden.close();
    }
}
