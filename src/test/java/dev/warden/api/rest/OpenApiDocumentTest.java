package dev.warden.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.action.Risk;
import dev.warden.json.Json;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenApiDocumentTest {
    @TempDir
    Path temp;

    RestFixture w;

    @BeforeEach
    void start() {
        w = new RestFixture(temp, null, 1 << 20);
    }

    @AfterEach
    void stop() {
        w.close();
    }

    @Test
    void theDocumentIsValidOpenApi31ForARealParser() {
        var json = Json.write(new OpenApiDocument(w.warden.engine().registry(), "http://127.0.0.1:7878").build());
        var options = new ParseOptions();
        options.setResolve(true);
        var result = new OpenAPIV3Parser().readContents(json, null, options);
        assertThat(result.getMessages()).as("parser messages").isEmpty();
        var api = result.getOpenAPI();
        assertThat(api).isNotNull();
        assertThat(api.getOpenapi()).isEqualTo("3.1.0");
        assertThat(api.getSpecVersion().name()).isEqualTo("V31");
        assertThat(api.getComponents().getSecuritySchemes().get("bearerAuth").getScheme()).isEqualTo("bearer");

        var registry = w.warden.engine().registry();
        assertThat(api.getPaths()).hasSize(registry.all().size() + 7);
        var chat = api.getPaths().get("/v1/chat/sessions/{sessionId}/messages").getPost();
        assertThat(chat.getOperationId()).isEqualTo("sendChatMessage");
        assertThat(chat.getResponses().get("200").getContent()).containsKeys("application/json", "text/event-stream");
        assertThat(api.getPaths().get("/v1/chat/sessions").getPost().getResponses()).containsKey("201");
        assertThat(api.getPaths().get("/v1/chat/sessions").getGet().getOperationId()).isEqualTo("listChatSessions");
        assertThat(api.getPaths().get("/v1/chat/sessions/{sessionId}").getGet().getOperationId()).isEqualTo("getChatSession");
        var follow = api.getPaths().get("/v1/approvals/{approvalId}").getGet();
        assertThat(follow.getOperationId()).isEqualTo("getApproval");
        assertThat(api.getPaths().get("/v1/approvals/{approvalId}").getPost()).as("approving is not offered to agents").isNull();
        for (var action : registry.all()) {
            var spec = action.spec();
            var op = api.getPaths().get("/v1/actions/" + spec.id()).getPost();
            assertThat(op.getOperationId()).matches("[A-Za-z0-9_-]+").isEqualTo(spec.id().replace('.', '_'));
            assertThat(op.getSummary().length()).isLessThanOrEqualTo(300);
            assertThat(op.getDescription().length()).isLessThanOrEqualTo(300);
            boolean consequential = spec.risk() != Risk.READ;
            assertThat(op.getExtensions().get("x-openai-isConsequential")).isEqualTo(consequential);
            var hasConfirm = op.getParameters() != null
                    && op.getParameters().stream().anyMatch(p -> p.getName().equals("confirm") && p.getIn().equals("query"));
            assertThat(hasConfirm).as("%s has the confirm parameter", spec.id()).isEqualTo(consequential);
            assertThat(op.getRequestBody().getContent().get("application/json").getSchema()).isNotNull();
            assertThat(op.getResponses().get("202").getDescription()).contains("getApproval");
        }
    }

    @Test
    void operationIdsAreUnique() {
        var doc = new OpenApiDocument(w.warden.engine().registry(), "http://x").build();
        var ids = doc.get("paths").valueStream()
                .flatMap(p -> p.valueStream().map(op -> op.get("operationId").asString())).toList();
        assertThat(ids).contains("getApproval", "undo", "fs_read", "createChatSession", "sendChatMessage");
        assertThat(ids).doesNotHaveDuplicates();
    }
}
