package dev.warden.policy;

import static dev.warden.policy.Requests.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.action.Risk;
import dev.warden.identity.Role;
import dev.warden.json.Json;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DefaultPolicyTest {
    private final Policy policy = Policy.parse(Policy.defaultYaml(), "default-policy.yaml");

    @Test
    void ships_valid_with_the_documented_ceilings() {
        assertThat(Policy.validate(Policy.defaultYaml(), "default-policy.yaml")).isEmpty();
        assertThat(policy.maxRisk(Role.VIEWER)).isEqualTo(Risk.READ);
        assertThat(policy.maxRisk(Role.OPERATOR)).isEqualTo(Risk.MEDIUM);
        assertThat(policy.maxRisk(Role.ADMIN)).isEqualTo(Risk.CRITICAL);
        assertThat(policy.defaultEffect()).isEqualTo(Effect.ALLOW);
    }

    @Test
    void allows_ordinary_writes_in_a_temp_dir(@TempDir Path dir) {
        var input = Json.object().put("path", dir.resolve("notes.txt").toString()).put("content", "hello");

        var decision = policy.decide(new DecisionRequest(Requests.principal(Role.OPERATOR), "fs.write", input, Risk.MEDIUM,
                Map.of("origin", "rest", "mode", "execute", "tainted", false)));

        assertThat(decision).isEqualTo(new Decision(Effect.ALLOW, "no policy rule applies", null));
    }

    @Test
    void reads_of_system_files_are_allowed_but_changes_are_denied() {
        assertThat(policy.decide(request(Role.OPERATOR, "fs.read", "{\"path\": \"/etc/hosts\"}", Risk.READ)).effect())
                .isEqualTo(Effect.ALLOW);
        for (var path : new String[] {"/etc/passwd", "/boot/grub/grub.cfg", "/usr/bin/ls", "/tmp/../etc/sudoers", "//etc//cron.d/x"}) {
            var decision = policy.decide(request(Role.ADMIN, "fs.write", "{\"path\": \"" + path + "\"}", Risk.MEDIUM));
            assertThat(decision.rule()).as(path).isEqualTo("system-paths-read-only");
            assertThat(decision.effect()).isEqualTo(Effect.DENY);
        }
        assertThat(policy.decide(request(Role.ADMIN, "fs.move", "{\"from\": \"/tmp/x\", \"to\": \"/usr/local/bin/x\"}", Risk.MEDIUM)).rule())
                .isEqualTo("system-paths-read-only");
        assertThat(policy.decide(request(Role.OPERATOR, "fs.write", "{\"path\": \"/etcetera/x\"}", Risk.MEDIUM)).effect())
                .isEqualTo(Effect.ALLOW);
    }

    @Test
    void key_directories_are_denied_even_for_reads() {
        for (var path : new String[] {"/home/ann/.ssh/id_ed25519", "~/.ssh/authorized_keys", "/root/.gnupg", ".ssh/config"}) {
            var decision = policy.decide(request(Role.ADMIN, "fs.read", "{\"path\": \"" + path + "\"}", Risk.READ));
            assertThat(decision.rule()).as(path).isEqualTo("no-private-keys");
            assertThat(decision.reason()).isEqualTo("SSH and GnuPG key directories are off limits to agents");
        }
        assertThat(policy.decide(request(Role.ADMIN, "fs.list", "{\"paths\": [\"/srv\", \"/home/ann/.ssh\"]}", Risk.READ)).effect())
                .isEqualTo(Effect.DENY);
        assertThat(policy.decide(request(Role.ADMIN, "fs.read", "{\"path\": \"/home/ann/.sshrc\"}", Risk.READ)).effect())
                .isEqualTo(Effect.ALLOW);
    }

    @Test
    void high_risk_is_confirmed_and_critical_is_for_admins_who_confirm() {
        assertThat(policy.decide(request(Role.ADMIN, "proc.kill", "{}", Risk.HIGH)).rule()).isEqualTo("confirm-high-risk");
        assertThat(policy.decide(request(Role.ADMIN, "sys.reboot", "{}", Risk.CRITICAL)))
                .isEqualTo(new Decision(Effect.CONFIRM, "High-risk actions need a deliberate second step", "confirm-high-risk"));
        assertThat(policy.decide(request(Role.OPERATOR, "sys.reboot", "{}", Risk.CRITICAL)).effect()).isEqualTo(Effect.DENY);
    }

    @Test
    void critical_stays_admin_only_when_an_operator_ceiling_is_raised() {
        var raised = Policy.parse(Policy.defaultYaml().replace("operator: medium", "operator: critical"), "raised.yaml");

        assertThat(raised.decide(request(Role.OPERATOR, "sys.reboot", "{}", Risk.CRITICAL)))
                .isEqualTo(new Decision(Effect.DENY, "Only an admin may run critical-risk actions", "critical-is-admin-only"));
    }

    @Test
    void changes_inside_git_internals_and_in_tainted_sessions_are_confirmed() {
        assertThat(policy.decide(request(Role.OPERATOR, "fs.write", "{\"path\": \"/srv/app/.git/hooks/pre-commit\"}", Risk.MEDIUM)).rule())
                .isEqualTo("confirm-git-internals");
        assertThat(policy.decide(request(Role.OPERATOR, "fs.read", "{\"path\": \"/srv/app/.git/config\"}", Risk.READ)).effect())
                .isEqualTo(Effect.ALLOW);
        assertThat(policy.decide(request(Role.OPERATOR, "fs.write", "{\"path\": \"/srv/app/.gitignore\"}", Risk.MEDIUM)).effect())
                .isEqualTo(Effect.ALLOW);
        var tainted = Map.<String, Object>of("origin", "mcp", "mode", "execute", "tainted", true);
        assertThat(policy.decide(request(Role.OPERATOR, "fs.write", "{\"path\": \"/srv/a\"}", Risk.MEDIUM, tainted)).rule())
                .isEqualTo("confirm-changes-in-tainted-session");
        assertThat(policy.decide(request(Role.OPERATOR, "fs.read", "{\"path\": \"/srv/a\"}", Risk.READ, tainted)).effect())
                .isEqualTo(Effect.ALLOW);
    }

    @Test
    void actions_without_paths_or_context_do_not_trip_any_rule() {
        assertThat(policy.decide(request(Role.OPERATOR, "sys.info", "{}", Risk.READ, Map.of())).effect()).isEqualTo(Effect.ALLOW);
        assertThat(policy.decide(request(Role.OPERATOR, "proc.exec", "{\"command\": \"ls\", \"cwd\": 7}", Risk.MEDIUM, Map.of())).effect())
                .isEqualTo(Effect.ALLOW);
    }
}
