package dev.warden.api.mcp;

import dev.warden.identity.Principal;
import dev.warden.identity.TokenService;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import jakarta.servlet.DispatcherType;
import java.util.EnumSet;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;

/**
 * MCP over Streamable HTTP at {@value #PATH}, mounted on the REST server's Jetty context: the SDK's
 * servlet behind {@link McpRequestGuard}. Every request is authenticated on its own; the principal
 * travels to the tool handlers in the SDK's transport context, so a session id alone grants nothing.
 * {@code /mcp?toolNames=underscore} lists tool names as {@code fs_read} (see {@link ToolNames}); the
 * client sends every request of the session to the same URL, so the choice holds for the session.
 */
public final class McpHttp implements AutoCloseable {
    public static final String PATH = "/mcp";
    private static final String PRINCIPAL_KEY = "principal";
    private static final String NAMING_KEY = "toolNames";

    private final HttpServletStreamableServerTransportProvider transport;
    private final McpSyncServer server;
    private final McpRequestGuard guard;
    private final InboundFilter inbound;

    public McpHttp(McpFront front, TokenService tokens, String serverHost, long maxBodyBytes) {
        this.guard = new McpRequestGuard(tokens, serverHost);
        this.inbound = new InboundFilter(front, maxBodyBytes);
        this.transport = HttpServletStreamableServerTransportProvider.builder()
                .mcpEndpoint(PATH)
                .maxRequestSize((int) Math.min(Integer.MAX_VALUE, maxBodyBytes))
                .contextExtractor(request -> request.getAttribute(McpRequestGuard.PRINCIPAL) instanceof Principal p
                        ? McpTransportContext.create(Map.of(PRINCIPAL_KEY, p, NAMING_KEY,
                                request.getAttribute(McpRequestGuard.TOOL_NAMES) instanceof ToolNames n ? n : ToolNames.DOTTED))
                        : McpTransportContext.EMPTY)
                .build();
        // Handlers run on the request's own (virtual) thread rather than hopping to a Reactor pool.
        this.server = front.build(McpServer.sync(transport).immediateExecution(true),
                context -> context.get(PRINCIPAL_KEY) instanceof Principal p ? p : null,
                context -> context.get(NAMING_KEY) instanceof ToolNames n ? n : ToolNames.DOTTED);
    }

    /** Registers the guard and the SDK's servlet on the server's servlet context. */
    public void mount(ServletContextHandler context) {
        var holder = new ServletHolder("mcp", transport);
        holder.setAsyncSupported(true);
        context.addServlet(holder, PATH);
        var filter = new FilterHolder(guard);
        filter.setAsyncSupported(true);
        context.addFilter(filter, PATH, EnumSet.of(DispatcherType.REQUEST));
        // After the guard: only an authenticated request's body is read.
        var calls = new FilterHolder(inbound);
        calls.setAsyncSupported(true);
        context.addFilter(calls, PATH, EnumSet.of(DispatcherType.REQUEST));
    }

    @Override
    public void close() {
        server.closeGracefully();
    }
}
