package dev.warden.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.policy.Policy;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The governance example policy, as written, loads and decides: approvals, limits, budgets, windows, untrusted. */
class ExamplePolicyTest {
    static final String EXAMPLE = """
            version: 1
            roles: {viewer: read, operator: medium, admin: critical}
            rules:
              - name: deletes-need-approval
                when: 'action.id == "fs.delete"'
                effect: approve          # allow | deny | confirm | approve
                approvers: {role: admin, count: 1}
                reason: Deletes need a second pair of eyes
            limits:
              - match: '*'               # action id glob
                perMinute: 120
                perHour: 2000
            budgets: {daily: 1000, costs: {'shell.exec': 5, '*': 1}}
            windows:
              - match: 'pkg.*'
                days: Mon-Fri
                hours: '09:00-17:00'
                zone: Europe/Berlin
            untrusted: ['net.*']
            """;

    @TempDir
    Path temp;

    EngineFixture w;

    @AfterEach
    void close() {
        if (w != null) w.close();
    }

    @Test
    void theExampleLoadsAndItsRulesDecide() throws Exception {
        assertThat(Policy.validate(EXAMPLE, "example.yaml")).isEmpty();
        w = new EngineFixture(temp, EXAMPLE);
        Files.writeString(w.root.resolve("old.txt"), "old");
        var held = w.submit("fs.delete", EngineFixture.ADMIN, "{\"path\":\"old.txt\"}");
        assertThat(held).isInstanceOfSatisfying(Outcome.PendingApproval.class,
                p -> assertThat(p.reason()).isEqualTo("Deletes need a second pair of eyes"));
        assertThat(w.submit("fs.stat", EngineFixture.OPERATOR, "{\"path\":\"old.txt\"}")).isInstanceOf(Outcome.Done.class);
    }

    @Test
    void actionIdIsOnlyAnAliasOutsideStringLiterals() {
        var policy = Policy.parse("""
                version: 1
                rules:
                  - name: literal
                    when: 'action == "action.id" || action.id == "fs.read"'
                    effect: deny
                """, "p.yaml");
        assertThat(policy.rules().getFirst().when()).contains("action.id");
        assertThat(Policy.validate("version: 1\nrules:\n  - name: x\n    when: 'action.ids == \"a\"'\n    effect: deny\n", "p.yaml"))
                .as("action.ids is not the alias").isNotEmpty();
    }
}
