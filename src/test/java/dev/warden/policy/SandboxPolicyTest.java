package dev.warden.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SandboxPolicyTest {

    @Test
    void withoutASandboxSectionCommandsRunAtTheProcessLevelWithoutNetwork() {
        var policy = Policy.parse("version: 1\n", "p.yaml");

        assertThat(policy.sandbox()).isEqualTo(SandboxPolicy.DEFAULT);
        assertThat(policy.sandbox().defaultLevel()).isEqualTo("process");
        assertThat(policy.sandbox().network()).isFalse();
    }

    @Test
    void theDefaultPolicySpellsOutTheDefaults() {
        assertThat(Policy.parse(Policy.defaultYaml(), "default.yaml").sandbox()).isEqualTo(SandboxPolicy.DEFAULT);
    }

    @Test
    void readsEverySetting() {
        var policy = Policy.parse("""
                version: 1
                sandbox:
                  default: preview
                  minimum: isolated
                  network: true
                  memoryMb: 256
                  pids: 64
                  cpus: 0.5
                  previewTtlMinutes: 5
                """, "p.yaml");

        assertThat(policy.sandbox()).isEqualTo(new SandboxPolicy("preview", "isolated", true, 256, 64, 0.5, 5));
    }

    @Test
    void reportsEachBadSettingAtItsLine() {
        var problems = Policy.validate("""
                version: 1
                sandbox:
                  default: process
                  minimum: isolated
                  network: maybe
                  memoryMb: -1
                  cpus: lots
                  previewTtlMinutes: 0
                  level: preview
                """, "p.yaml");

        assertThat(problems).extracting(PolicyProblem::line).containsExactly(3, 5, 6, 7, 8, 9);
        assertThat(problems.get(0).message()).contains("default level 'process' is weaker than the minimum 'isolated'");
        assertThat(problems.get(1).message()).contains("network is true or false");
        assertThat(problems.get(5).message()).contains("unknown key 'level'");
    }

    @Test
    void anUnknownLevelIsAProblem() {
        var problems = Policy.validate("version: 1\nsandbox:\n  default: jail\n", "p.yaml");

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(3);
            assertThat(p.message()).contains("process, isolated or preview");
        });
    }
}
