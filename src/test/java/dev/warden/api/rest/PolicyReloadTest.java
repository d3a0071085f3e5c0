package dev.warden.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The policy file is reloaded on change; a broken file keeps the policy in force; both are audited with the hash. */
class PolicyReloadTest {
    @TempDir
    Path temp;

    RestFixture w;
    Path policy;

    @BeforeEach
    void start() {
        w = new RestFixture(temp, "version: 1\n", 1_048_576);
        policy = w.warden.config().policyFile();
    }

    @AfterEach
    void stop() {
        w.close();
    }

    @Test
    void aChangedFileTakesEffectAndABrokenOneIsRefusedWithItsProblems() throws Exception {
        var before = w.get("/v1/policy", RestFixture.ADMIN).body();
        assertThat(w.post("/v1/actions/fs.mkdir", w.operatorToken, "{\"path\":\"a\"}").status()).isEqualTo(200);

        Files.writeString(policy, """
                version: 1
                rules:
                  - name: no-mkdir
                    when: 'action == "fs.mkdir"'
                    effect: deny
                """);
        await(() -> w.post("/v1/actions/fs.mkdir", w.operatorToken, "{\"path\":\"b\"}").status() == 403);
        var after = w.get("/v1/policy", RestFixture.ADMIN).body();
        assertThat(after.path("sha256").asString()).isNotEqualTo(before.path("sha256").asString());
        assertThat(after.path("lastReload").path("applied").asBoolean()).isTrue();

        Files.writeString(policy, "version: 1\nrules:\n  - name: broken\n    when: 'action =='\n    effect: allow\n");
        await(() -> !w.get("/v1/policy", RestFixture.ADMIN).body().path("lastReload").path("applied").asBoolean(true));
        var refused = w.get("/v1/policy", RestFixture.ADMIN).body();
        assertThat(refused.path("sha256").asString()).as("the policy in force is unchanged").isEqualTo(after.path("sha256").asString());
        assertThat(refused.path("lastReload").path("problems").get(0).path("line").asInt()).isEqualTo(4);
        assertThat(w.post("/v1/actions/fs.mkdir", w.operatorToken, "{\"path\":\"c\"}").status()).isEqualTo(403);

        var reloads = new dev.warden.audit.AuditQuery(w.warden.database()).latest(50).stream().filter(r -> r.action().equals("policy.reload")).toList();
        assertThat(reloads).extracting(r -> r.outcome()).contains("done", "failed");
        assertThat(reloads).allSatisfy(r -> assertThat(r.input().path("sha256").asString()).hasSize(64));

        assertThat(w.get("/v1/policy", w.operatorToken).status()).isEqualTo(403);
        var metrics = w.warden.metrics().scrape();
        assertThat(metrics).contains("warden_policy_reloads_total{result=\"applied\"} 1.0")
                .contains("warden_policy_reloads_total{result=\"refused\"} 1.0");
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("within 10 s").isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
