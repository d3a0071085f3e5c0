package dev.warden.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.action.Risk;
import dev.warden.app.Warden;
import dev.warden.audit.AuditQuery;
import dev.warden.config.WardenConfig;
import dev.warden.identity.Principal;
import dev.warden.identity.Role;
import dev.warden.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Every action in the catalog, with a valid input, is refused by a policy rule that names it, by a
 * role below its risk, and for an unknown field, and in each case nothing changes and the refusal
 * is audited. A new action must add its sample input here, or this test fails.
 */
class EveryActionRefusalTest {
    private static final Principal ADMIN = new Principal("tok_admin", "ada", Role.ADMIN, "default", Principal.Kind.TOKEN, List.of());
    private static final Principal VIEWER = new Principal("tok_viewer", "vic", Role.VIEWER, "default", Principal.Kind.TOKEN, List.of());

    @TempDir
    Path temp;

    private static Map<String, String> samples() {
        return Map.ofEntries(
                Map.entry("fs.read", "{\"path\":\"a.txt\"}"),
                Map.entry("fs.write", "{\"path\":\"new.txt\",\"content\":\"x\"}"),
                Map.entry("fs.edit", "{\"path\":\"a.txt\",\"oldText\":\"alpha\",\"newText\":\"beta\"}"),
                Map.entry("fs.list", "{\"path\":\".\"}"),
                Map.entry("fs.stat", "{\"path\":\"a.txt\"}"),
                Map.entry("fs.search", "{\"path\":\".\",\"content\":\"alpha\"}"),
                Map.entry("fs.move", "{\"from\":\"a.txt\",\"to\":\"moved.txt\"}"),
                Map.entry("fs.copy", "{\"from\":\"a.txt\",\"to\":\"copy.txt\"}"),
                Map.entry("fs.delete", "{\"path\":\"a.txt\"}"),
                Map.entry("fs.mkdir", "{\"path\":\"newdir\"}"),
                Map.entry("shell.exec", "{\"argv\":[\"touch\",\"ran.txt\"]}"),
                Map.entry("journal.undo", "{\"undoId\":\"u_aaaaaaaaaaaa\"}"),
                Map.entry("preview.commit", "{\"previewId\":\"pv_00000000000000000000\"}"),
                Map.entry("preview.discard", "{\"previewId\":\"pv_00000000000000000000\"}"),
                Map.entry("job.start", "{\"argv\":[\"touch\",\"ran.txt\"]}"),
                Map.entry("job.output", "{\"jobId\":\"job_0000000000000000\"}"),
                Map.entry("job.input", "{\"jobId\":\"job_0000000000000000\",\"data\":\"x\"}"),
                Map.entry("job.cancel", "{\"jobId\":\"job_0000000000000000\"}"),
                Map.entry("job.list", "{}"),
                Map.entry("sys.info", "{}"),
                Map.entry("sys.metrics", "{}"),
                Map.entry("proc.list", "{\"name\":\"java\"}"),
                Map.entry("proc.info", "{\"pid\":1}"),
                Map.entry("proc.kill", "{\"pid\":4194304}"),
                Map.entry("memory.remember", "{\"fact\":\"x\"}"),
                Map.entry("memory.forget", "{\"id\":\"mem_0000000000000000\"}"),
                Map.entry("memory.list", "{}"));
    }

    @Test
    void eachActionIsRefusedByPolicyByRoleAndForBadInputWithoutEffect() throws Exception {
        var root = Files.createDirectories(temp.resolve("root"));
        var data = Files.createDirectories(temp.resolve("data"));
        Files.writeString(root.resolve("a.txt"), "alpha");
        var ids = samples().keySet().stream().sorted().toList();
        var rules = new StringBuilder("version: 1\nrules:\n");
        for (var id : ids) {
            rules.append("  - name: deny-").append(id.replace('.', '-')).append('\n')
                    .append("    when: 'action == \"").append(id).append("\" && principal.name == \"ada\"'\n")
                    .append("    effect: deny\n")
                    .append("    reason: test denies ").append(id).append('\n');
        }
        Files.writeString(data.resolve("policy.yaml"), rules.toString());
        var config = new WardenConfig("127.0.0.1", 0, data, List.of(root), data.resolve("policy.yaml"), null,
                WardenConfig.DEFAULT_MAX_BODY_BYTES, Duration.ofMinutes(5));
        try (var warden = Warden.open(config, Clock.systemUTC())) {
            var registry = warden.engine().registry();
            assertThat(registry.all().stream().map(a -> a.spec().id()).toList())
                    .as("every action has a sample input in this test").containsExactlyInAnyOrderElementsOf(ids);
            var audit = new AuditQuery(warden.database());
            for (var id : ids) {
                JsonNode input = Json.parse(samples().get(id));

                var byPolicy = warden.engine().submit(Intent.execute(id, input, ADMIN, Origin.REST));
                assertThat(byPolicy).as(id).isInstanceOfSatisfying(Outcome.Denied.class, d -> {
                    assertThat(d.code()).isEqualTo("policy_denied");
                    assertThat(d.rule()).isEqualTo("deny-" + id.replace('.', '-'));
                });
                assertThat(audit.find(byPolicy.auditSeq()).orElseThrow().outcome()).isEqualTo("denied");

                var spec = registry.find(id).orElseThrow().spec();
                if (spec.risk() != Risk.READ) {
                    var byRole = warden.engine().submit(Intent.execute(id, input, VIEWER, Origin.REST));
                    assertThat(byRole).as(id + " for a viewer").isInstanceOfSatisfying(Outcome.Denied.class,
                            d -> assertThat(d.code()).isEqualTo("role_insufficient"));
                }

                var bad = input.deepCopy();
                ((tools.jackson.databind.node.ObjectNode) bad).put("surprise", true);
                var invalid = warden.engine().submit(Intent.execute(id, bad, VIEWER, Origin.REST));
                assertThat(invalid).as(id + " with an unknown field").isInstanceOfSatisfying(Outcome.Invalid.class,
                        i -> assertThat(i.errors()).extracting(Outcome.FieldError::path).contains("$.surprise"));
            }
        }
        assertThat(Files.readString(root.resolve("a.txt"))).isEqualTo("alpha");
        try (var files = Files.list(root)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("a.txt");
        }
    }
}
