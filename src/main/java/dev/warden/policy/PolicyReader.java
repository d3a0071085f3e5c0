package dev.warden.policy;

import dev.cel.runtime.CelRuntime;
import dev.warden.action.Risk;
import dev.warden.identity.Role;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a policy's YAML into roles and compiled rules, collecting every problem with its position
 * instead of stopping at the first, so that one run of {@code policy validate} shows them all.
 */
final class PolicyReader {
    private static final List<String> TOP_KEYS = List.of("version", "roles", "default", "rules", "plans", "invariants",
            "limits", "budgets", "windows", "untrusted", "untrustedPaths", "sandbox");
    private static final List<String> RULE_KEYS = List.of("name", "when", "effect", "reason", "approvers");
    private static final String EFFECTS = "allow, deny, confirm or approve";
    private static final String RISKS = "read, low, medium, high or critical";

    /** A rule with its compiled condition. */
    record Compiled(Rule rule, CelRuntime.Program program) {}

    record Parts(Map<Role, Risk> roles, Effect defaultEffect, List<Compiled> rules, int maxPlanSteps,
                 List<PolicyInvariant> invariants, Limits limits, Untrusted untrusted, SandboxPolicy sandbox) {}

    static final int DEFAULT_MAX_PLAN_STEPS = 50;

    private final String source;
    private final List<PolicyProblem> problems = new ArrayList<>();

    private PolicyReader(String source) {
        this.source = source;
    }

    /** The parts of the policy, which are only usable when {@code problems} stayed empty. */
    static Parts read(String yaml, String source, List<PolicyProblem> problems) {
        var reader = new PolicyReader(source);
        var parts = reader.read(yaml);
        problems.addAll(reader.problems);
        return parts;
    }

    private Parts read(String yaml) {
        var roles = new EnumMap<Role, Risk>(Role.class);
        roles.put(Role.VIEWER, Risk.READ);
        roles.put(Role.OPERATOR, Risk.MEDIUM);
        roles.put(Role.ADMIN, Risk.CRITICAL);
        var rules = new ArrayList<Compiled>();
        var defaultEffect = Effect.ALLOW;

        var root = YamlTree.read(yaml, source, problems);
        if (root == null) {
            if (problems.isEmpty()) problem(1, 1, "", "the policy is empty; it needs at least 'version: 1'");
            return new Parts(roles, defaultEffect, rules, DEFAULT_MAX_PLAN_STEPS, List.of(), Limits.NONE, Untrusted.NONE, SandboxPolicy.DEFAULT);
        }
        if (!(root instanceof YamlTree.Mapping top)) {
            problem(root, "a policy is a mapping with the keys " + String.join(", ", TOP_KEYS));
            return new Parts(roles, defaultEffect, rules, DEFAULT_MAX_PLAN_STEPS, List.of(), Limits.NONE, Untrusted.NONE, SandboxPolicy.DEFAULT);
        }
        YamlTree.Node version = null;
        int maxPlanSteps = DEFAULT_MAX_PLAN_STEPS;
        List<PolicyInvariant> invariants = List.of();
        List<Limits.RateLimit> rates = List.of();
        Limits.Budget budget = null;
        List<Limits.Window> windows = List.of();
        List<String> untrustedActions = List.of();
        List<String> untrustedPaths = List.of();
        var sandbox = SandboxPolicy.DEFAULT;
        for (var entry : top.entries()) {
            var value = entry.value();
            switch (entry.key()) {
                case "version" -> version = value;
                case "roles" -> readRoles(value, roles);
                case "default" -> defaultEffect = effect(value);
                case "rules" -> readRules(value, rules);
                case "plans" -> maxPlanSteps = readPlans(value);
                case "invariants" -> invariants = PolicyInvariant.read(value, this::problem);
                case "limits" -> rates = Limits.readRates(value, this::problem);
                case "budgets" -> budget = Limits.readBudget(value, this::problem);
                case "windows" -> windows = Limits.readWindows(value, this::problem);
                case "untrusted" -> untrustedActions = strings(value, "untrusted is a list of action globs whose results are untrusted, e.g. ['net.*']", false);
                case "untrustedPaths" -> untrustedPaths = strings(value, "untrustedPaths is a list of absolute directories whose files are untrusted", true);
                case "sandbox" -> sandbox = SandboxPolicy.read(value, this::problem);
                default -> problem(entry.line(), entry.column(), entry.key(), unknownKey(entry.key(), TOP_KEYS));
            }
        }
        if (version == null) {
            problem(top, "missing 'version: 1' at the top of the policy");
        } else if (!(version instanceof YamlTree.Scalar s) || !"1".equals(s.text())) {
            problem(version, "unsupported version " + text(version) + "; this Warden reads version 1");
        }
        return new Parts(roles, defaultEffect == null ? Effect.ALLOW : defaultEffect, rules, maxPlanSteps, invariants,
                new Limits(rates, budget, windows), new Untrusted(untrustedActions, untrustedPaths),
                sandbox);
    }

    private List<String> strings(YamlTree.Node node, String what, boolean absolutePaths) {
        if (!(node instanceof YamlTree.Sequence seq)) {
            problem(node, what);
            return List.of();
        }
        var list = new ArrayList<String>();
        for (var item : seq.items()) {
            if (!(item instanceof YamlTree.Scalar s) || s.isNull() || s.text().isBlank()
                    || (absolutePaths && !s.text().startsWith("/"))) {
                problem(item, what);
            } else {
                list.add(absolutePaths ? LexicalPath.normalize(s.text().strip()) : s.text().strip());
            }
        }
        return list;
    }

    /** {@code plans: {maxSteps: N}}: the most steps one plan may have. */
    private int readPlans(YamlTree.Node node) {
        if (!(node instanceof YamlTree.Mapping mapping)) {
            problem(node, "plans is a mapping, e.g. 'plans: {maxSteps: 50}'");
            return DEFAULT_MAX_PLAN_STEPS;
        }
        int max = DEFAULT_MAX_PLAN_STEPS;
        for (var entry : mapping.entries()) {
            if (!entry.key().equals("maxSteps")) {
                problem(entry.line(), entry.column(), entry.value().path(), unknownKey(entry.key(), List.of("maxSteps")));
                continue;
            }
            if (entry.value() instanceof YamlTree.Scalar s && s.text() != null && s.text().matches("[0-9]{1,4}")
                    && Integer.parseInt(s.text()) >= 1) {
                max = Integer.parseInt(s.text());
            } else {
                problem(entry.value(), "maxSteps is a whole number from 1 to 9999");
            }
        }
        return max;
    }

    private void readRoles(YamlTree.Node node, Map<Role, Risk> roles) {
        if (!(node instanceof YamlTree.Mapping mapping)) {
            problem(node, "roles is a mapping from role to the highest risk it may run, e.g. 'operator: medium'");
            return;
        }
        for (var entry : mapping.entries()) {
            Role role;
            try {
                role = Role.parse(entry.key());
            } catch (IllegalArgumentException e) {
                problem(entry.line(), entry.column(), entry.value().path(),
                        "unknown role '" + entry.key() + "'; roles are viewer, operator and admin");
                continue;
            }
            var risk = risk(entry.value());
            if (risk != null) roles.put(role, risk);
        }
    }

    private Risk risk(YamlTree.Node node) {
        if (node instanceof YamlTree.Scalar s && !s.isNull()) {
            try {
                return Risk.parse(s.text());
            } catch (IllegalArgumentException e) {
                // reported below
            }
        }
        problem(node, "unknown risk " + text(node) + "; use " + RISKS);
        return null;
    }

    private void readRules(YamlTree.Node node, List<Compiled> rules) {
        if (node instanceof YamlTree.Scalar s && s.isNull()) return;
        if (!(node instanceof YamlTree.Sequence sequence)) {
            problem(node, "rules is a list; start each rule with '- name: ...'");
            return;
        }
        var firstLineByName = new HashMap<String, Integer>();
        for (var item : sequence.items()) {
            var compiled = readRule(item, firstLineByName);
            if (compiled != null) rules.add(compiled);
        }
    }

    private Compiled readRule(YamlTree.Node node, Map<String, Integer> firstLineByName) {
        if (!(node instanceof YamlTree.Mapping rule)) {
            problem(node, "a rule is a mapping with the keys " + String.join(", ", RULE_KEYS));
            return null;
        }
        YamlTree.Node name = null, when = null, effect = null, reason = null;
        var approvers = Approvers.DEFAULT;
        for (var entry : rule.entries()) {
            switch (entry.key()) {
                case "name" -> name = entry.value();
                case "when" -> when = entry.value();
                case "effect" -> effect = entry.value();
                case "reason" -> reason = entry.value();
                case "approvers" -> approvers = approvers(entry.value());
                default -> problem(entry.line(), entry.column(), entry.value().path(), unknownKey(entry.key(), RULE_KEYS));
            }
        }
        var nameText = requiredText(rule, name, "name", "a unique name such as 'no-ssh-keys'");
        var duplicate = false;
        if (nameText != null) {
            var first = firstLineByName.putIfAbsent(nameText, name.line());
            if (first != null) {
                duplicate = true;
                problem(name, "rule name '" + nameText + "' is already used by the rule on line " + first
                        + "; names identify the deciding rule in decisions and the audit trail, so each must be unique");
            }
        }
        var whenText = requiredText(rule, when, "when", "the CEL condition under which the rule applies");
        Effect effectValue = null;
        if (effect == null) missing(rule, "effect", EFFECTS);
        else effectValue = effect(effect);
        String reasonText = null;
        if (reason != null) {
            if (reason instanceof YamlTree.Scalar s && !s.isNull() && !s.text().isBlank()) reasonText = s.text().strip();
            else problem(reason, "reason is the sentence shown to the caller when this rule decides; write one or remove the key");
        }
        CelRuntime.Program program = null;
        if (whenText != null) {
            var result = RuleCompiler.compile(whenText);
            for (var error : result.errors()) problem(when, error);
            program = result.program();
        }
        if (nameText == null || duplicate || program == null || effectValue == null) return null;
        if (reasonText == null) reasonText = "policy rule " + nameText;
        return new Compiled(new Rule(nameText, whenText, effectValue, reasonText, rule.line(), approvers), program);
    }

    /** {@code approvers: {role: admin, count: 2}}: who, and how many distinct people, must approve. */
    private Approvers approvers(YamlTree.Node node) {
        if (!(node instanceof YamlTree.Mapping mapping)) {
            problem(node, "approvers is a mapping, e.g. '{role: admin, count: 2}'");
            return Approvers.DEFAULT;
        }
        var role = Role.ADMIN;
        int count = 1;
        for (var entry : mapping.entries()) {
            var value = entry.value();
            switch (entry.key()) {
                case "role" -> {
                    try {
                        role = Role.parse(value instanceof YamlTree.Scalar s && s.text() != null ? s.text() : "");
                    } catch (IllegalArgumentException e) {
                        problem(value, "role is viewer, operator or admin: the least role an approver must have");
                    }
                }
                case "count" -> {
                    if (value instanceof YamlTree.Scalar s && s.text() != null && s.text().matches("[1-9]")) count = Integer.parseInt(s.text());
                    else problem(value, "count is how many distinct people must approve, from 1 to 9");
                }
                default -> problem(entry.line(), entry.column(), value.path(), unknownKey(entry.key(), List.of("role", "count")));
            }
        }
        return new Approvers(role, count);
    }

    private String requiredText(YamlTree.Mapping rule, YamlTree.Node node, String key, String what) {
        if (node == null) {
            missing(rule, key, what);
            return null;
        }
        if (node instanceof YamlTree.Scalar s && !s.isNull() && !s.text().isBlank()) return s.text().strip();
        problem(node, "'" + key + "' must not be empty: it is " + what);
        return null;
    }

    private void missing(YamlTree.Mapping rule, String key, String what) {
        problem(rule.line(), rule.column(), rule.path(), "missing '" + key + "': " + what);
    }

    private Effect effect(YamlTree.Node node) {
        if (node instanceof YamlTree.Scalar s && !s.isNull()) {
            for (var effect : Effect.values()) {
                if (effect.id().equals(s.text().strip().toLowerCase(Locale.ROOT))) return effect;
            }
        }
        problem(node, "unknown effect " + text(node) + "; use " + EFFECTS);
        return null;
    }

    private static String unknownKey(String key, List<String> known) {
        var closest = known.stream().min((a, b) -> distance(key, a) - distance(key, b)).orElseThrow();
        var hint = distance(key, closest) <= 2 ? "did you mean '" + closest + "'? " : "";
        return "unknown key '" + key + "'; " + hint + "the keys here are " + String.join(", ", known);
    }

    private static String text(YamlTree.Node node) {
        return switch (node) {
            case YamlTree.Scalar s when s.isNull() -> "(empty)";
            case YamlTree.Scalar s -> "'" + s.text() + "'";
            case YamlTree.Mapping m -> "(a mapping)";
            case YamlTree.Sequence l -> "(a list)";
        };
    }

    /** Levenshtein distance, for suggesting the key an operator probably meant. */
    private static int distance(String a, String b) {
        var previous = new int[b.length() + 1];
        var current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) previous[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                var cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            var swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private void problem(YamlTree.Node node, String message) {
        problem(node.line(), node.column(), node.path(), message);
    }

    private void problem(int line, int column, String path, String message) {
        problems.add(new PolicyProblem(source, line, column, path, message));
    }
}
