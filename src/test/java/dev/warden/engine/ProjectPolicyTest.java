package dev.warden.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.identity.Principal;
import dev.warden.identity.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A project's own policy file decides for its principals; a broken one refuses everything for that project only. */
class ProjectPolicyTest {
    static final Principal OPS = new Principal("tok_ops", "otto", Role.OPERATOR, "ops", Principal.Kind.TOKEN, List.of());
    static final Principal LAB = new Principal("tok_lab", "lara", Role.OPERATOR, "lab", Principal.Kind.TOKEN, List.of());

    @TempDir
    Path temp;

    EngineFixture w;

    @AfterEach
    void close() {
        if (w != null) w.close();
    }

    @Test
    void eachProjectIsDecidedByItsOwnFileAndOthersByTheMainOne() throws Exception {
        var ops = Files.createDirectories(temp.resolve("data/projects/ops"));
        Files.writeString(ops.resolve("policy.yaml"), """
                version: 1
                rules:
                  - name: ops-read-only
                    when: 'risk != "read"'
                    effect: deny
                    reason: The ops project is read-only
                """);
        var lab = Files.createDirectories(temp.resolve("data/projects/lab"));
        Files.writeString(lab.resolve("policy.yaml"), "version: 1\nrules: [oops\n");
        w = new EngineFixture(temp, "version: 1\n");

        var opsWrite = w.submit("fs.write", OPS, "{\"path\":\"o.txt\",\"content\":\"x\"}");
        assertThat(opsWrite).isInstanceOfSatisfying(Outcome.Denied.class, d -> assertThat(d.rule()).isEqualTo("ops-read-only"));
        assertThat(w.submit("fs.stat", OPS, "{\"path\":\".\"}")).isInstanceOf(Outcome.Done.class);
        assertThat(w.submit("fs.write", EngineFixture.OPERATOR, "{\"path\":\"d.txt\",\"content\":\"x\"}"))
                .as("the default project follows the main policy").isInstanceOf(Outcome.Done.class);

        // lab's file is broken: lab refuses everything until it is fixed, and the status says why.
        assertThat(w.submit("fs.stat", LAB, "{\"path\":\".\"}")).isInstanceOf(Outcome.Denied.class);
        var status = w.warden.policyStatus().path("projects").path("lab").path("lastReload");
        assertThat(status.path("applied").asBoolean()).isFalse();
        assertThat(status.path("problems")).isNotEmpty();

        Files.writeString(lab.resolve("policy.yaml"), "version: 1\n");
        var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!(w.submit("fs.stat", LAB, "{\"path\":\".\"}") instanceof Outcome.Done)) {
            assertThat(System.nanoTime()).as("lab's fixed policy takes effect").isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
