package dev.warden.api.mcp;

import dev.warden.identity.Principal;
import dev.warden.identity.Role;
import dev.warden.json.Json;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;

/**
 * The read-only resources a client can show its user: the newest audit records (admins only, as on
 * REST) and the policy in force. Both are cheap to read and change nothing.
 */
final class WardenResources {
    static final String AUDIT_TAIL = "warden://audit/tail";
    static final String POLICY = "warden://policy";
    static final int AUDIT_TAIL_SIZE = 50;
    /** JSON-RPC server-error range; the SDK passes an {@link McpError} to the client unchanged. */
    static final int FORBIDDEN = -32003;

    private final IntFunction<List<JsonNode>> newestAudit;
    private final Supplier<String> policyText;

    /** {@code newestAudit} gives the n newest audit records, newest first; {@code policyText} the policy in force. */
    WardenResources(IntFunction<List<JsonNode>> newestAudit, Supplier<String> policyText) {
        this.newestAudit = newestAudit;
        this.policyText = policyText;
    }

    List<McpServerFeatures.SyncResourceSpecification> specifications(Function<McpTransportContext, Principal> callers) {
        var audit = McpSchema.Resource.builder()
                .uri(AUDIT_TAIL)
                .name("audit-tail")
                .title("Audit tail")
                .description("The " + AUDIT_TAIL_SIZE + " newest audit records, newest first (admins only).")
                .mimeType("application/json")
                .build();
        var policy = McpSchema.Resource.builder()
                .uri(POLICY)
                .name("policy")
                .title("Policy in force")
                .description("The policy file Warden loaded: role ceilings and rules.")
                .mimeType("application/yaml")
                .build();
        return List.of(
                new McpServerFeatures.SyncResourceSpecification(audit,
                        (exchange, request) -> auditTail(callers.apply(exchange.transportContext()))),
                new McpServerFeatures.SyncResourceSpecification(policy,
                        (exchange, request) -> policy(callers.apply(exchange.transportContext()))));
    }

    McpSchema.ReadResourceResult auditTail(Principal principal) {
        if (principal == null || principal.role() != Role.ADMIN) {
            throw McpError.builder(FORBIDDEN)
                    .message("Only admins may read the audit trail.")
                    .data(Map.of("code", "admin_required",
                            "hint", "Ask an admin, or connect with an admin token to read " + AUDIT_TAIL + "."))
                    .build();
        }
        var records = Json.array();
        newestAudit.apply(AUDIT_TAIL_SIZE).forEach(records::add);
        return new McpSchema.ReadResourceResult(List.of(
                new McpSchema.TextResourceContents(AUDIT_TAIL, "application/json", Json.write(records))));
    }

    McpSchema.ReadResourceResult policy(Principal principal) {
        if (principal == null) {
            throw McpError.builder(FORBIDDEN).message("This request carries no principal.")
                    .data(Map.of("code", "unauthenticated", "hint", "Connect with a valid bearer token.")).build();
        }
        return new McpSchema.ReadResourceResult(List.of(
                new McpSchema.TextResourceContents(POLICY, "application/yaml", policyText.get())));
    }
}
