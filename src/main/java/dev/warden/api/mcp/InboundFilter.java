package dev.warden.api.mcp;

import dev.warden.api.rest.Problem;
import dev.warden.identity.Principal;
import dev.warden.json.Json;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Behind {@link McpRequestGuard}: hands the body of each authenticated POST to the front's
 * {@link McpFront#inbound} before the SDK reads it (a cancellation is answered here with 202, a
 * tool call goes on with its request id in {@code _meta}). A body over the size limit is refused
 * with 413 {@code body_too_large}.
 */
final class InboundFilter implements Filter {
    private static final String SESSION_HEADER = "Mcp-Session-Id";

    private final McpFront front;
    private final long maxBodyBytes;

    InboundFilter(McpFront front, long maxBodyBytes) {
        this.front = front;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        var request = (HttpServletRequest) req;
        if (!"POST".equals(request.getMethod()) || !(request.getAttribute(McpRequestGuard.PRINCIPAL) instanceof Principal principal)) {
            chain.doFilter(req, res);
            return;
        }
        var body = request.getInputStream().readNBytes((int) Math.min(Integer.MAX_VALUE - 1, maxBodyBytes) + 1);
        if (body.length > maxBodyBytes) {
            // Refused here rather than read whole into memory for the SDK to refuse.
            var response = (HttpServletResponse) res;
            response.setStatus(413);
            response.setContentType(Problem.CONTENT_TYPE);
            response.getOutputStream().write(Json.write(Problem.of(413, "body_too_large",
                    "The request body is larger than " + maxBodyBytes + " bytes.",
                    "Send a smaller message; put large content in a file inside the roots.").toJson())
                    .getBytes(StandardCharsets.UTF_8));
            return;
        }
        var scope = "http:" + request.getHeader(SESSION_HEADER);
        var passed = front.inbound(new String(body, StandardCharsets.UTF_8), scope, principal);
        if (passed == null) {
            ((HttpServletResponse) res).setStatus(HttpServletResponse.SC_ACCEPTED);
            return;
        }
        body = passed.getBytes(StandardCharsets.UTF_8);
        chain.doFilter(new Body(request, body), res);
    }

    /** The request with its body already read. */
    private static final class Body extends HttpServletRequestWrapper {
        private final byte[] bytes;

        Body(HttpServletRequest request, byte[] bytes) {
            super(request);
            this.bytes = bytes;
        }

        @Override
        public int getContentLength() {
            return bytes.length;
        }

        @Override
        public long getContentLengthLong() {
            return bytes.length;
        }

        @Override
        public BufferedReader getReader() {
            return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(bytes), StandardCharsets.UTF_8));
        }

        @Override
        public ServletInputStream getInputStream() {
            var in = new ByteArrayInputStream(bytes);
            return new ServletInputStream() {
                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("the body is already in memory");
                }

                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }
            };
        }
    }
}
