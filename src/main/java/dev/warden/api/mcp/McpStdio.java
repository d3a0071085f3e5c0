package dev.warden.api.mcp;

import dev.warden.identity.Principal;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * MCP over a process's stdin and stdout, for desktop clients that start Warden themselves. One
 * session, one principal: whoever started the process. {@code out} must carry nothing but protocol
 * messages, so the caller keeps logs and stray prints away from it.
 */
public final class McpStdio implements AutoCloseable {
    private final StdioTransport transport;
    private final McpSyncServer server;

    /** {@code naming} is how tool names are spelled in {@code tools/list}; calls accept either spelling. */
    public McpStdio(McpFront front, Principal principal, ToolNames naming, InputStream in, OutputStream out) {
        this.transport = new StdioTransport(McpJsonDefaults.getMapper(), in, out,
                message -> front.inbound(message, "stdio", principal));
        // Handlers run on the transport's thread that read the call (see StdioTransport), not on
        // the SDK's thread pool: one thread hand-off less per call.
        this.server = front.build(McpServer.sync(transport).immediateExecution(true), context -> principal, context -> naming);
    }

    /** Blocks until the client closes the input stream (it ended the session). */
    public void awaitEnd() throws InterruptedException {
        transport.awaitEnd();
    }

    @Override
    public void close() {
        server.closeGracefully();
    }
}
