package dev.warden.policy;

import static dev.warden.policy.Requests.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.action.Risk;
import dev.warden.identity.Principal;
import dev.warden.identity.Role;
import dev.warden.json.Json;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicyDecisionTest {

    private static Policy policy(String rules) {
        return Policy.parse("""
                version: 1
                roles:
                  viewer: read
                  operator: medium
                  admin: critical
                rules:
                """ + rules, "test.yaml");
    }

    @Test
    void risk_above_the_role_ceiling_is_denied_by_the_role_check() {
        var policy = policy("  []\n");

        var decision = policy.decide(request(Role.OPERATOR, "proc.kill", "{}", Risk.HIGH));

        assertThat(decision).isEqualTo(new Decision(Effect.DENY, "role operator may run up to medium risk; this is high", null));
        assertThat(policy.decide(request(Role.VIEWER, "fs.write", "{}", Risk.LOW)).reason())
                .isEqualTo("role viewer may run up to read risk; this is low");
    }

    @Test
    void risk_at_the_ceiling_is_allowed_when_no_rule_applies() {
        var policy = policy("  []\n");

        assertThat(policy.decide(request(Role.OPERATOR, "fs.write", "{}", Risk.MEDIUM)))
                .isEqualTo(new Decision(Effect.ALLOW, "no policy rule applies", null));
        assertThat(policy.decide(request(Role.VIEWER, "fs.read", "{}", Risk.READ)).effect()).isEqualTo(Effect.ALLOW);
        assertThat(policy.decide(request(Role.ADMIN, "sys.reboot", "{}", Risk.CRITICAL)).effect()).isEqualTo(Effect.ALLOW);
    }

    @Test
    void an_allow_rule_does_not_lift_the_role_ceiling() {
        var policy = policy("""
                  - name: operators-may-do-anything
                    when: 'principal.role == "operator"'
                    effect: allow
                """);

        var decision = policy.decide(request(Role.OPERATOR, "proc.kill", "{}", Risk.CRITICAL));

        assertThat(decision.effect()).isEqualTo(Effect.DENY);
        assertThat(decision.rule()).isNull();
    }

    @Test
    void ceilings_come_from_the_file_and_missing_roles_keep_the_built_in_ones() {
        var policy = Policy.parse("""
                version: 1
                roles:
                  operator: low
                """, "t.yaml");

        assertThat(policy.maxRisk(Role.OPERATOR)).isEqualTo(Risk.LOW);
        assertThat(policy.maxRisk(Role.VIEWER)).isEqualTo(Risk.READ);
        assertThat(policy.maxRisk(Role.ADMIN)).isEqualTo(Risk.CRITICAL);
        assertThat(policy.decide(request(Role.OPERATOR, "fs.write", "{}", Risk.MEDIUM)).effect()).isEqualTo(Effect.DENY);
    }

    @Test
    void the_strongest_matching_effect_wins_whatever_the_order_in_the_file() {
        var policy = policy("""
                  - name: allow-everything
                    when: 'true'
                    effect: allow
                    reason: fine
                  - name: deny-huge
                    when: 'input.n > 10'
                    effect: deny
                    reason: too big
                  - name: confirm-deploys
                    when: 'action == "app.deploy"'
                    effect: confirm
                    reason: deploys are confirmed
                  - name: approve-big
                    when: 'input.n > 5'
                    effect: approve
                    reason: big needs approval
                """);

        assertThat(policy.decide(request(Role.OPERATOR, "app.status", "{\"n\": 1}", Risk.READ)))
                .isEqualTo(new Decision(Effect.ALLOW, "fine", "allow-everything"));
        assertThat(policy.decide(request(Role.OPERATOR, "app.deploy", "{\"n\": 1}", Risk.LOW)))
                .isEqualTo(new Decision(Effect.CONFIRM, "deploys are confirmed", "confirm-deploys"));
        assertThat(policy.decide(request(Role.OPERATOR, "app.deploy", "{\"n\": 6}", Risk.LOW)))
                .isEqualTo(new Decision(Effect.APPROVE, "big needs approval", "approve-big"));
        assertThat(policy.decide(request(Role.OPERATOR, "app.deploy", "{\"n\": 11}", Risk.LOW)))
                .isEqualTo(new Decision(Effect.DENY, "too big", "deny-huge"));
    }

    @Test
    void among_rules_with_the_same_effect_the_first_in_the_file_decides() {
        var policy = policy("""
                  - name: first-deny
                    when: 'action.startsWith("fs.")'
                    effect: deny
                  - name: second-deny
                    when: 'action == "fs.write"'
                    effect: deny
                    reason: second
                """);

        var decision = policy.decide(request(Role.OPERATOR, "fs.write", "{}", Risk.LOW));

        assertThat(decision.rule()).isEqualTo("first-deny");
        assertThat(decision.reason()).isEqualTo("policy rule first-deny");
    }

    @Test
    void rules_read_input_fields_lists_nested_maps_and_nulls() {
        var policy = policy("""
                  - name: prod-tag
                    when: 'has(input.tags) && input.tags.exists(t, t == "prod")'
                    effect: approve
                  - name: forced
                    when: 'has(input.options) && input.options.force == true && input.size >= 1000'
                    effect: confirm
                  - name: explicit-null
                    when: '"owner" in input && input.owner == null'
                    effect: deny
                  - name: srv-append
                    when: 'has(input.path) && input.path.startsWith("/srv/") && input.mode == "append"'
                    effect: deny
                """);

        assertThat(policy.decide(request(Role.OPERATOR, "app.x", "{\"tags\": [\"dev\", \"prod\"]}", Risk.LOW)).rule())
                .isEqualTo("prod-tag");
        assertThat(policy.decide(request(Role.OPERATOR, "app.x", "{\"tags\": [\"dev\"]}", Risk.LOW)).effect())
                .isEqualTo(Effect.ALLOW);
        assertThat(policy.decide(request(Role.OPERATOR, "app.x", "{\"options\": {\"force\": true}, \"size\": 1000}", Risk.LOW)).rule())
                .isEqualTo("forced");
        assertThat(policy.decide(request(Role.OPERATOR, "app.x", "{\"options\": {\"force\": true}, \"size\": 999.5}", Risk.LOW)).effect())
                .isEqualTo(Effect.ALLOW);
        assertThat(policy.decide(request(Role.OPERATOR, "app.x", "{\"owner\": null}", Risk.LOW)).rule())
                .isEqualTo("explicit-null");
        assertThat(policy.decide(request(Role.OPERATOR, "fs.write", "{\"path\": \"/srv/log\", \"mode\": \"append\"}", Risk.LOW)).rule())
                .isEqualTo("srv-append");
        assertThat(policy.decide(request(Role.OPERATOR, "fs.write", "{\"path\": \"/srv/log\", \"mode\": \"create\"}", Risk.LOW)).effect())
                .isEqualTo(Effect.ALLOW);
    }

    @Test
    void rules_read_principal_risk_paths_and_context() {
        var monday9 = Clock.fixed(Instant.parse("2026-11-02T09:30:00Z"), ZoneOffset.UTC);
        var yaml = """
                version: 1
                rules:
                  - name: tokens-in-prod
                    when: 'principal.kind == "token" || principal.project == "prod"'
                    effect: deny
                  - name: risky-via-mcp
                    when: 'context.origin == "mcp" && riskLevel >= 2 && risk.atLeast("medium")'
                    effect: approve
                  - name: monday-morning
                    when: 'context.weekday == "monday" && context.hour == 9 && context.date == "2026-11-02"'
                    effect: confirm
                  - name: under-srv
                    when: 'paths.exists(p, p.under("/srv/data"))'
                    effect: deny
                """;
        var policy = Policy.parse(yaml, "t.yaml", monday9);

        assertThat(policy.decide(request(Role.ADMIN, "fs.write", "{}", Risk.MEDIUM, Map.of("origin", "mcp"))).rule())
                .isEqualTo("risky-via-mcp");
        assertThat(policy.decide(request(Role.ADMIN, "fs.write", "{}", Risk.LOW, Map.of("origin", "mcp"))).rule())
                .isEqualTo("monday-morning");
        assertThat(policy.decide(request(Role.ADMIN, "fs.move", "{\"from\": \"/tmp/a\", \"to\": \"/srv/x/../data/b\"}", Risk.LOW)).rule())
                .isEqualTo("under-srv");
        assertThat(policy.decide(request(Role.ADMIN, "fs.move", "{\"from\": \"/tmp/a\", \"to\": \"/srv/database\"}", Risk.LOW)).rule())
                .isEqualTo("monday-morning");
        var tuesday = Policy.parse(yaml, "t.yaml", Clock.fixed(Instant.parse("2026-11-03T09:30:00Z"), ZoneOffset.UTC));
        assertThat(tuesday.decide(request(Role.ADMIN, "fs.write", "{}", Risk.LOW)).effect()).isEqualTo(Effect.ALLOW);
        assertThat(tuesday.decide(new DecisionRequest(Requests.principal(Role.ADMIN), "fs.write", Json.object(), Risk.LOW,
                Map.of("weekday", "monday", "hour", 9, "date", "2026-11-02"))).rule())
                .as("the caller's context wins over the clock").isEqualTo("monday-morning");
        var token = new Principal("token:1", "ci", Role.OPERATOR, "default", Principal.Kind.TOKEN, List.of());
        assertThat(tuesday.decide(new DecisionRequest(token, "fs.read", Json.object(), Risk.READ, Map.of())).rule())
                .isEqualTo("tokens-in-prod");
    }

    @Test
    void a_deny_rule_that_fails_to_evaluate_denies() {
        var policy = policy("""
                  - name: no-secrets
                    when: 'input.path.contains("/secret/")'
                    effect: deny
                    reason: secrets are off limits
                """);

        var decision = policy.decide(request(Role.OPERATOR, "proc.list", "{}", Risk.READ));

        assertThat(decision.effect()).isEqualTo(Effect.DENY);
        assertThat(decision.rule()).isEqualTo("no-secrets");
        assertThat(decision.reason()).startsWith("secrets are off limits").contains("could not be evaluated", "path");
        assertThat(policy.decide(request(Role.OPERATOR, "fs.read", "{\"path\": \"/srv/a\"}", Risk.READ)).effect())
                .isEqualTo(Effect.ALLOW);
    }

    @Test
    void confirm_and_approve_rules_that_fail_also_apply_but_failed_allow_rules_do_not() {
        var policy = Policy.parse("""
                version: 1
                default: deny
                rules:
                  - name: allow-srv
                    when: 'input.path.startsWith("/srv/")'
                    effect: allow
                  - name: confirm-big
                    when: 'input.size > 100'
                    effect: confirm
                """, "t.yaml");

        assertThat(policy.decide(request(Role.OPERATOR, "fs.read", "{\"size\": 1, \"path\": \"/srv/a\"}", Risk.READ)))
                .isEqualTo(new Decision(Effect.ALLOW, "policy rule allow-srv", "allow-srv"));
        var noSize = policy.decide(request(Role.OPERATOR, "fs.read", "{\"path\": \"/srv/a\"}", Risk.READ));
        assertThat(noSize.effect()).isEqualTo(Effect.CONFIRM);
        assertThat(noSize.reason()).contains("could not be evaluated");
        var noPath = policy.decide(request(Role.OPERATOR, "fs.read", "{\"size\": 1}", Risk.READ));
        assertThat(noPath).isEqualTo(new Decision(Effect.DENY, "no policy rule applies, and the policy's default is deny", null));
    }

    @Test
    void a_deny_rule_giving_a_non_boolean_denies() {
        var policy = policy("""
                  - name: flagged
                    when: 'input.flag'
                    effect: deny
                """);

        assertThat(policy.decide(request(Role.OPERATOR, "x.y", "{\"flag\": \"yes\"}", Risk.READ)).reason())
                .contains("instead of true or false");
        assertThat(policy.decide(request(Role.OPERATOR, "x.y", "{\"flag\": false}", Risk.READ)).effect()).isEqualTo(Effect.ALLOW);
        assertThat(policy.decide(request(Role.OPERATOR, "x.y", "{\"flag\": true}", Risk.READ)).effect()).isEqualTo(Effect.DENY);
    }

    @Test
    void a_non_object_input_reads_as_an_empty_map() {
        var policy = policy("""
                  - name: has-path
                    when: 'has(input.path) || size(input) > 0'
                    effect: deny
                """);

        assertThat(policy.decide(request(Role.OPERATOR, "x.y", "[1, 2]", Risk.READ)).effect()).isEqualTo(Effect.ALLOW);
        assertThat(policy.decide(request(Role.OPERATOR, "x.y", "null", Risk.READ)).effect()).isEqualTo(Effect.ALLOW);
    }

    @Test
    void the_policy_exposes_its_rules_in_file_order() {
        var policy = policy("""
                  - name: b
                    when: 'true'
                    effect: allow
                  - name: a
                    when: 'false'
                    effect: deny
                    reason: never
                """);

        assertThat(policy.rules()).extracting(Rule::name).containsExactly("b", "a");
        assertThat(policy.rules().get(1)).isEqualTo(new Rule("a", "false", Effect.DENY, "never", 10));
        assertThat(policy.source()).isEqualTo("test.yaml");
    }
}
