package dev.warden.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyValidationTest {

    private static final String BROKEN = """
            version: 1
            roles:
              viewer: read
              guest: low
              operator: extreme
            rules:
              - name: broken-syntax
                when: 'action =='
                effect: deny
              - name: not-bool
                when: 'riskLevel + 1'
                effect: allow
              - name: broken-syntax
                when: 'true'
                effect: block
              - name: no-when
                effect: deny
              - name: typo
                wen: 'true'
                effect: deny
              - name: no-effect
                when: 'true'
              - name: string-risk
                when: 'risk >= "high"'
                effect: confirm
              - name: bad-risk-name
                when: 'risk.atLeast("hihg") || risk == "hgih"'
                effect: confirm
              - name: undeclared
                when: 'inptu.path == "x"'
                effect: deny
            extra: 1
            """;

    private final List<PolicyProblem> problems = Policy.validate(BROKEN, "broken.yaml");

    @Test
    void reports_an_unknown_role_and_an_unknown_risk_where_they_are() {
        assertProblem(4, 3, "roles.guest", "unknown role 'guest'");
        assertProblem(5, 13, "roles.operator", "unknown risk 'extreme'");
    }

    @Test
    void reports_cel_that_does_not_compile_with_cels_own_message() {
        assertProblem(8, 11, "rules[0].when", "CEL: mismatched input '<EOF>'");
        assertProblem(30, 11, "rules[8].when", "CEL: undeclared reference to 'inptu'");
    }

    @Test
    void reports_cel_that_does_not_give_a_bool() {
        assertProblem(11, 11, "rules[1].when", "gives int");
    }

    @Test
    void reports_duplicate_rule_names_and_unknown_effects() {
        assertProblem(13, 11, "rules[2].name", "rule name 'broken-syntax' is already used by the rule on line 7");
        assertProblem(15, 13, "rules[2].effect", "unknown effect 'block'; use allow, deny, confirm or approve");
    }

    @Test
    void reports_missing_when_and_effect_and_unknown_keys() {
        assertProblem(16, 5, "rules[3]", "missing 'when'");
        assertProblem(18, 5, "rules[4]", "missing 'when'");
        assertProblem(19, 5, "rules[4].wen", "unknown key 'wen'; did you mean 'when'?");
        assertProblem(21, 5, "rules[5]", "missing 'effect'");
        assertProblem(32, 1, "extra", "unknown key 'extra'");
    }

    @Test
    void rejects_comparing_risk_names_as_strings_and_unknown_risk_names() {
        assertProblem(24, 11, "rules[6].when", "'risk' is a string, and >= compares strings alphabetically");
        assertProblem(27, 11, "rules[7].when", "\"hihg\" is not a risk level");
        assertProblem(27, 11, "rules[7].when", "\"hgih\" is not a risk level");
    }

    @Test
    void reports_every_problem_in_file_order_and_parse_throws_them_all() {
        assertThat(problems).hasSize(15);
        assertThat(problems).extracting(PolicyProblem::line).isSorted();
        assertThatThrownBy(() -> Policy.parse(BROKEN, "broken.yaml"))
                .isInstanceOfSatisfying(PolicyException.class, e -> {
                    assertThat(e.problems()).isEqualTo(problems);
                    assertThat(e.getMessage()).startsWith("the policy has 15 problems:\nbroken.yaml:4:3: roles.guest: unknown role");
                });
    }

    @Test
    void a_problem_reads_as_file_line_column_path_message() {
        assertThat(new PolicyProblem("p.yaml", 3, 7, "rules[0].when", "bad").toString()).isEqualTo("p.yaml:3:7: rules[0].when: bad");
        assertThat(new PolicyProblem("p.yaml", 1, 1, "", "empty").toString()).isEqualTo("p.yaml:1:1: empty");
    }

    @Test
    void reports_yaml_syntax_errors_with_their_line() {
        var problems = Policy.validate("""
                version: 1
                rules:
                  - name: a
                    when: 'true
                    effect: deny
                """, "syntax.yaml");

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.message()).startsWith("YAML syntax error: while scanning a quoted scalar (line 4, column 11)");
            assertThat(p.line()).isEqualTo(6);
            assertThat(p.source()).isEqualTo("syntax.yaml");
        });
        assertThat(Policy.validate("version: 1\nroles:\n\tviewer: read\n", "tabs.yaml")).singleElement().satisfies(p -> {
            assertThat(p.message()).contains("TAB");
            assertThat(p).extracting(PolicyProblem::line, PolicyProblem::column).containsExactly(3, 1);
        });
    }

    @Test
    void reports_duplicate_keys_aliases_and_wrong_shapes() {
        var problems = Policy.validate("""
                version: 1
                version: 1
                roles: [viewer]
                rules:
                  - name: &n a
                    when: 'true'
                    effect: deny
                  - name: *n
                    when: 'true'
                    effect: deny
                  - just a string
                """, "shapes.yaml");

        assertThat(problems).extracting(PolicyProblem::line, PolicyProblem::path).contains(
                org.assertj.core.groups.Tuple.tuple(2, "version"),
                org.assertj.core.groups.Tuple.tuple(3, "roles"),
                org.assertj.core.groups.Tuple.tuple(8, "rules[1].name"),
                org.assertj.core.groups.Tuple.tuple(11, "rules[2]"));
        assertThat(problems.get(0).message()).contains("appears twice");
    }

    @Test
    void requires_version_1_and_a_non_empty_document() {
        assertThat(Policy.validate("", "e.yaml")).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("empty"));
        assertThat(Policy.validate("rules: []\n", "v.yaml")).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("missing 'version: 1'"));
        assertThat(Policy.validate("version: 2\n", "v.yaml")).singleElement()
                .satisfies(p -> assertThat(p).extracting(PolicyProblem::line, PolicyProblem::column).containsExactly(1, 10));
        assertThat(Policy.validate("- 1\n", "l.yaml")).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("a policy is a mapping"));
        assertThat(Policy.validate("version: 1\n---\nversion: 1\n", "two.yaml")).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("one YAML document"));
    }

    @Test
    void rejects_unknown_principal_fields_and_role_names() {
        var problems = Policy.validate("""
                version: 1
                rules:
                  - name: typo
                    when: 'principal.rol == "admin" || principal.role == "admn" || principal.kind == "token"'
                    effect: deny
                """, "p.yaml");

        assertThat(problems).extracting(PolicyProblem::message).satisfiesExactlyInAnyOrder(
                m -> assertThat(m).startsWith("principal has no field 'rol'").endsWith("it has id, kind, name, project, role"),
                m -> assertThat(m).startsWith("\"admn\" is not a role"));
    }

    @Test
    void accepts_multi_line_conditions_and_numbers_of_either_kind() {
        var problems = Policy.validate("""
                version: 1
                default: confirm
                rules:
                  - name: multi-line
                    when: >-
                      action.startsWith("fs.")
                        && input.size > 1.5
                        && riskLevel >= 1
                    effect: Deny
                """, "ok.yaml");

        assertThat(problems).isEmpty();
    }

    @Test
    void load_reads_a_file_and_names_it_in_problems(@TempDir Path dir) throws Exception {
        var good = dir.resolve("good.yaml");
        Files.writeString(good, "version: 1\nrules:\n  - name: a\n    when: 'true'\n    effect: confirm\n");
        var bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "version: 1\nrules:\n  - name: a\n    when: 'nope'\n    effect: confirm\n");

        assertThat(Policy.load(good).rules()).extracting(Rule::effect).containsExactly(Effect.CONFIRM);
        assertThatThrownBy(() -> Policy.load(bad)).isInstanceOfSatisfying(PolicyException.class,
                e -> assertThat(e.problems()).singleElement().satisfies(p -> {
                    assertThat(p.source()).isEqualTo(bad.toString());
                    assertThat(p.line()).isEqualTo(4);
                }));
        assertThatThrownBy(() -> Policy.load(dir.resolve("missing.yaml"))).isInstanceOf(PolicyException.class)
                .hasMessageContaining("cannot read the policy file");
        assertThat(Policy.validate(dir.resolve("missing.yaml"))).hasSize(1);
    }

    private void assertProblem(int line, int column, String path, String message) {
        assertThat(problems)
                .as("a problem at %d:%d %s containing %s, in %s", line, column, path, message, problems)
                .anySatisfy(p -> {
                    assertThat(p.line()).isEqualTo(line);
                    assertThat(p.column()).isEqualTo(column);
                    assertThat(p.path()).isEqualTo(path);
                    assertThat(p.message()).contains(message);
                    assertThat(p.source()).isEqualTo("broken.yaml");
                });
    }
}
