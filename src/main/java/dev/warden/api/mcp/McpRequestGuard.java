package dev.warden.api.mcp;

import dev.warden.identity.Principal;
import dev.warden.identity.TokenService;
import dev.warden.api.rest.Problem;
import dev.warden.json.Json;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Stands in front of the MCP servlet: a request addressed to a foreign host name (DNS rebinding: a
 * malicious name that resolves to this machine) or sent by a page of a foreign origin is refused
 * with 403, a request without a valid bearer token with 401, before the SDK reads a byte. The principal of an accepted request is left in a request attribute for the
 * SDK's context extractor.
 */
final class McpRequestGuard implements Filter {
    static final String PRINCIPAL = "warden.mcp.principal";
    static final String TOOL_NAMES = "warden.mcp.toolNames";
    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

    private final TokenService tokens;
    private final Set<String> ownHosts;
    private final boolean wildcard;

    /** {@code serverHost} is the address the server listens on; a wildcard address adds no name. */
    McpRequestGuard(TokenService tokens, String serverHost) {
        this.tokens = tokens;
        var own = new HashSet<>(LOOPBACK);
        if (serverHost != null && !serverHost.isBlank() && !serverHost.equals("0.0.0.0") && !serverHost.equals("::")) {
            own.add(serverHost.toLowerCase(Locale.ROOT));
        }
        this.ownHosts = Set.copyOf(own);
        this.wildcard = serverHost != null && (serverHost.equals("0.0.0.0") || serverHost.equals("::"));
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        var request = (HttpServletRequest) req;
        var response = (HttpServletResponse) res;
        var host = request.getServerName();
        if (!allowedHost(host)) {
            refuse(response, 403, "host_not_allowed", "Requests addressed to the host " + host + " are not accepted.",
                    "Address the server as localhost, 127.0.0.1, [::1] or the host it listens on.");
            return;
        }
        var origin = request.getHeader("Origin");
        if (origin != null && !allowedOrigin(origin)) {
            refuse(response, 403, "origin_not_allowed", "Requests from the web origin " + origin + " are not accepted.",
                    "Call /mcp from a local client; browsers may only reach it from http://localhost or the server's own host.");
            return;
        }
        // Only the query string: the body is the SDK's to read.
        var spelling = request.getParameter(ToolNames.PARAMETER);
        var naming = spelling == null ? Optional.of(ToolNames.DOTTED) : ToolNames.parse(spelling);
        if (naming.isEmpty()) {
            refuse(response, 400, "invalid_tool_names", ToolNames.PARAMETER + "=" + spelling + " is not a spelling of tool names.",
                    "Use " + McpHttp.PATH + "?" + ToolNames.PARAMETER + "=underscore (fs_read) or leave it out (fs.read).");
            return;
        }
        var header = request.getHeader("Authorization");
        Optional<Principal> principal = Optional.empty();
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            principal = tokens.authenticate(header.substring(7).trim());
        }
        if (principal.isEmpty()) {
            response.setHeader("WWW-Authenticate", "Bearer realm=\"warden\"");
            refuse(response, 401, header == null ? "unauthenticated" : "invalid_token",
                    header == null ? "No bearer token was sent." : "The bearer token is unknown, expired or revoked.",
                    "Send Authorization: Bearer <token>; an admin creates tokens with ./warden token create.");
            return;
        }
        request.setAttribute(PRINCIPAL, principal.get());
        request.setAttribute(TOOL_NAMES, naming.get());
        chain.doFilter(req, res);
    }

    /**
     * The host the request was addressed to (the Host header without its port). On a wildcard
     * address any IP literal is accepted too: a rebinding attack always arrives under a DNS name.
     */
    boolean allowedHost(String host) {
        if (host == null || host.isBlank()) return false;
        var name = host.strip().toLowerCase(Locale.ROOT);
        if (ownHosts.contains(name)) return true;
        return wildcard && (name.matches("\\d{1,3}(\\.\\d{1,3}){3}") || name.startsWith("[") || name.contains(":"));
    }

    boolean allowedOrigin(String origin) {
        try {
            var host = URI.create(origin.strip()).getHost();
            return host != null && ownHosts.contains(host.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void refuse(HttpServletResponse response, int status, String code, String detail, String hint)
            throws IOException {
        var body = Problem.of(status, code, detail, hint).toJson();
        response.setStatus(status);
        response.setContentType(Problem.CONTENT_TYPE);
        response.getOutputStream().write(Json.write(body).getBytes(StandardCharsets.UTF_8));
    }
}
