package dev.warden.api.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.engine.Origin;
import dev.warden.identity.Principal;
import dev.warden.identity.Role;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An approve rule over MCP: the result names the request, and check_approval follows it to its result. */
class McpApprovalTest {
    @TempDir
    Path temp;

    McpFixture fx;

    @BeforeEach
    void start() throws Exception {
        Files.createDirectories(temp.resolve("data"));
        Files.writeString(temp.resolve("data/policy.yaml"), """
                version: 1
                rules:
                  - name: mkdir-needs-approval
                    when: 'action == "fs.mkdir"'
                    effect: approve
                    reason: New directories need an admin's approval
                """);
        fx = new McpFixture(temp);
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    @Test
    void theResultCarriesTheApprovalIdAndCheckApprovalWaitsForTheOutcome() throws Exception {
        var client = fx.client(fx.operatorToken);
        assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).contains("check_approval");

        var held = client.callTool(new McpSchema.CallToolRequest("fs.mkdir", Map.of("path", "newdir")));
        assertThat(held.isError()).isTrue();
        @SuppressWarnings("unchecked")
        var error = (Map<String, Object>) held.meta().get("error");
        assertThat(error.get("code")).isEqualTo("approval_required");
        var id = (String) error.get("approvalId");
        assertThat(id).startsWith("apr_");
        assertThat((String) error.get("hint")).contains("check_approval").contains(id);
        assertThat(fx.root.resolve("newdir")).doesNotExist();

        var now = client.callTool(new McpSchema.CallToolRequest("check_approval", Map.of("approvalId", id)));
        assertThat(now.isError()).isFalse();
        assertThat(now.structuredContent()).isInstanceOfSatisfying(Map.class, m -> assertThat(m.get("status")).isEqualTo("pending"));

        // Not on the common pool: on a 2-core machine it has one worker, which the client's own
        // response handling needs while this call blocks.
        var pool = Executors.newVirtualThreadPerTaskExecutor();
        var waiting = CompletableFuture.supplyAsync(() -> client.callTool(
                new McpSchema.CallToolRequest("check_approval", Map.of("approvalId", id, "waitSeconds", 20))), pool);
        Thread.sleep(300);
        assertThat(waiting).isNotDone();
        var ada = new Principal("tok_ada", "ada", Role.ADMIN, "default", Principal.Kind.TOKEN, List.of());
        fx.warden.approvals().approve(ada, id, "go", Origin.REST);

        var decided = waiting.get(10, TimeUnit.SECONDS);
        pool.close();
        assertThat(decided.isError()).isFalse();
        @SuppressWarnings("unchecked")
        var body = (Map<String, Object>) decided.structuredContent();
        assertThat(body.get("status")).isEqualTo("executed");
        assertThat(((Map<?, ?>) body.get("result")).get("status")).isEqualTo("done");
        assertThat(fx.root.resolve("newdir")).isDirectory();
    }

    @Test
    void aDeniedRequestIsAnErrorWithItsCodeAndOthersCannotSeeIt() {
        var client = fx.client(fx.operatorToken);
        var held = client.callTool(new McpSchema.CallToolRequest("fs.mkdir", Map.of("path", "nope")));
        var id = (String) ((Map<?, ?>) held.meta().get("error")).get("approvalId");
        var ada = new Principal("tok_ada", "ada", Role.ADMIN, "default", Principal.Kind.TOKEN, List.of());
        fx.warden.approvals().deny(ada, id, "no", Origin.REST);

        var denied = client.callTool(new McpSchema.CallToolRequest("check_approval", Map.of("approvalId", id)));
        assertThat(denied.isError()).isTrue();
        assertThat(((Map<?, ?>) denied.meta().get("error")).get("code")).isEqualTo("approval_denied");

        var viewer = fx.client(fx.viewerToken);
        var foreign = viewer.callTool(new McpSchema.CallToolRequest("check_approval", Map.of("approvalId", id)));
        assertThat(foreign.isError()).isTrue();
        assertThat(((Map<?, ?>) foreign.meta().get("error")).get("code")).isEqualTo("approval_not_found");

        var bad = client.callTool(new McpSchema.CallToolRequest("check_approval", Map.of("approvalId", id, "waitSeconds", 999)));
        assertThat(bad.isError()).isTrue();
        assertThat(((Map<?, ?>) bad.meta().get("error")).get("code")).isEqualTo("invalid_input");
        assertThat(fx.root.resolve("nope")).doesNotExist();
    }
}
