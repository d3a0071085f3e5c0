package dev.warden.api.mcp;

import dev.warden.identity.Principal;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CountDownLatch;

/**
 * MCP over a process's stdin and stdout, for desktop clients that start Warden themselves. One
 * session, one principal: whoever started the process. {@code out} must carry nothing but protocol
 * messages, so the caller keeps logs and stray prints away from it.
 */
public final class McpStdio implements AutoCloseable {
    private final CountDownLatch ended = new CountDownLatch(1);
    private final McpSyncServer server;

    public McpStdio(McpFront front, Principal principal, InputStream in, OutputStream out) {
        var transport = new StdioServerTransportProvider(McpJsonDefaults.getMapper(), new EndSignalling(
                new MessageLines(in, message -> front.inbound(message, "stdio", principal)), ended), out);
        this.server = front.build(McpServer.sync(transport), context -> principal);
    }

    /** Blocks until the client closes the input stream (it ended the session). */
    public void awaitEnd() throws InterruptedException {
        ended.await();
    }

    @Override
    public void close() {
        server.closeGracefully();
    }

    /** Counts the latch down when the stream ends, the only sign a stdio client gives that it is gone. */
    private static final class EndSignalling extends FilterInputStream {
        private final CountDownLatch ended;

        EndSignalling(InputStream in, CountDownLatch ended) {
            super(in);
            this.ended = ended;
        }

        @Override
        public int read() throws IOException {
            try {
                return signal(super.read());
            } catch (IOException e) {
                ended.countDown();
                throw e;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return signal(super.read(b, off, len));
            } catch (IOException e) {
                ended.countDown();
                throw e;
            }
        }

        private int signal(int n) {
            if (n < 0) ended.countDown();
            return n;
        }

        @Override
        public void close() throws IOException {
            ended.countDown();
            super.close();
        }
    }
}
