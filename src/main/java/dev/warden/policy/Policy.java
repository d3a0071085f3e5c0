package dev.warden.policy;

import dev.warden.action.Risk;
import dev.warden.identity.Role;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The compiled, immutable policy: a risk ceiling per role and CEL rules with effects. Built once
 * per load (every CEL expression is compiled then), shared by all threads, and asked about every
 * intent, so {@link #decide} does no parsing and builds request data only when a rule reads it.
 *
 * <p>Decision order: an intent above its role's ceiling is denied whatever the rules say; then
 * the strongest effect among the matching rules wins (deny, approve, confirm, allow), the first
 * such rule in the file naming the decision; with no match the policy's {@code default} (allow
 * unless set) applies. A rule that fails to evaluate counts as matching when its effect restricts
 * (deny, approve, confirm) and as not matching when it is allow: a broken rule must never let an
 * intent through that the rule was written to stop.
 */
public final class Policy {
    private static final String DEFAULT_RESOURCE = "/policy/default-policy.yaml";

    private final String source;
    private final Map<Role, Risk> roles;
    private final Effect defaultEffect;
    private final List<Rule> rules;
    /** Strongest effect first, file order within an effect: the first match decides. */
    private final List<PolicyReader.Compiled> byStrength;
    private final Clock clock;
    private final int maxPlanSteps;
    private final List<PolicyInvariant> invariants;
    private final Limits limits;
    private final Untrusted untrusted;
    private final SandboxPolicy sandbox;

    private Policy(String source, PolicyReader.Parts parts, Clock clock) {
        this.source = source;
        this.roles = Collections.unmodifiableMap(new EnumMap<>(parts.roles()));
        this.defaultEffect = parts.defaultEffect();
        this.rules = parts.rules().stream().map(PolicyReader.Compiled::rule).toList();
        var sorted = new ArrayList<>(parts.rules());
        sorted.sort(Comparator.comparing((PolicyReader.Compiled c) -> c.rule().effect()).reversed());
        this.byStrength = List.copyOf(sorted);
        this.clock = clock;
        this.maxPlanSteps = parts.maxPlanSteps();
        this.invariants = List.copyOf(parts.invariants());
        this.limits = parts.limits();
        this.untrusted = parts.untrusted();
        this.sandbox = parts.sandbox();
    }

    /** Which content taints the session that reads it. */
    public Untrusted untrusted() {
        return untrusted;
    }

    /** Rate limits, the daily budget and execution windows. */
    public Limits limits() {
        return limits;
    }

    /** The {@code sandbox} section: default and minimum level, network, limits of isolated runs, preview lifetime. */
    public SandboxPolicy sandbox() {
        return sandbox;
    }

    /** Post-conditions checked after every plan, besides the plan's own. */
    public List<PolicyInvariant> invariants() {
        return invariants;
    }

    /** The most steps one plan may have ({@code plans.maxSteps}, default 50). */
    public int maxPlanSteps() {
        return maxPlanSteps;
    }

    /** Parses and compiles a policy; throws {@link PolicyException} listing every problem. Time fields use the system clock and zone. */
    public static Policy parse(String yaml, String source) {
        return parse(yaml, source, Clock.systemDefaultZone());
    }

    /** As {@link #parse(String, String)}, with the clock (and its zone) that {@code context.hour} and friends read. */
    public static Policy parse(String yaml, String source, Clock clock) {
        var problems = new ArrayList<PolicyProblem>();
        var parts = PolicyReader.read(yaml, source, problems);
        if (!problems.isEmpty()) throw new PolicyException(sorted(problems));
        return new Policy(source, parts, clock);
    }

    /** Every problem in a policy, in file order; empty when the policy can be used. */
    public static List<PolicyProblem> validate(String yaml, String source) {
        var problems = new ArrayList<PolicyProblem>();
        PolicyReader.read(yaml, source, problems);
        return sorted(problems);
    }

    public static Policy load(Path file) {
        return load(file, Clock.systemDefaultZone());
    }

    public static Policy load(Path file, Clock clock) {
        return parse(read(file), file.toString(), clock);
    }

    /** Validates a file; a file that cannot be read is one problem, not an exception. */
    public static List<PolicyProblem> validate(Path file) {
        try {
            return validate(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            return List.of(unreadable(file, e));
        }
    }

    /** The policy Warden ships with, commented for operators; written to the data dir on first start. */
    public static String defaultYaml() {
        try (var in = Policy.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) throw new IllegalStateException("the default policy " + DEFAULT_RESOURCE + " is missing from the build");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the default policy", e);
        }
    }

    public Decision decide(DecisionRequest request) {
        var role = request.principal().role();
        var ceiling = maxRisk(role);
        if (request.risk().compareTo(ceiling) > 0) {
            return new Decision(Effect.DENY, "role " + role.id() + " may run up to " + ceiling.id() + " risk; this is "
                    + request.risk().id(), null);
        }
        var inputs = new RuleInputs(request, clock);
        for (var compiled : byStrength) {
            var rule = compiled.rule();
            Object result;
            try {
                result = compiled.program().eval(inputs);
            } catch (Exception e) {
                if (rule.effect() == Effect.ALLOW) continue;
                return failedClosed(rule, message(e));
            }
            if (result instanceof Boolean matched) {
                if (matched) return new Decision(rule.effect(), rule.reason(), rule.name(), rule.approvers());
            } else if (rule.effect() != Effect.ALLOW) {
                return failedClosed(rule, "it gave " + result + " instead of true or false");
            }
        }
        return new Decision(defaultEffect, defaultEffect == Effect.ALLOW
                ? "no policy rule applies" : "no policy rule applies, and the policy's default is " + defaultEffect.id(), null);
    }

    /** The highest risk a role may run; rules can restrict further but never lift it. */
    public Risk maxRisk(Role role) {
        return roles.get(role);
    }

    public List<Rule> rules() {
        return rules;
    }

    public Map<Role, Risk> roles() {
        return roles;
    }

    public Effect defaultEffect() {
        return defaultEffect;
    }

    public String source() {
        return source;
    }

    private static Decision failedClosed(Rule rule, String why) {
        return new Decision(rule.effect(), rule.reason() + " (rule '" + rule.name() + "' could not be evaluated: " + why
                + "; a rule that cannot be evaluated applies, so fix the rule, e.g. guard fields with has())", rule.name());
    }

    private static String message(Exception e) {
        var text = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return text.replaceFirst("^evaluation error at <input>:\\d+: ", "").replaceFirst("\\.$", "");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PolicyException(List.of(unreadable(file, e)));
        }
    }

    private static PolicyProblem unreadable(Path file, IOException e) {
        return new PolicyProblem(file.toString(), 1, 1, "", "cannot read the policy file: " + e);
    }

    private static List<PolicyProblem> sorted(List<PolicyProblem> problems) {
        var copy = new ArrayList<>(problems);
        copy.sort(Comparator.comparingInt(PolicyProblem::line).thenComparingInt(PolicyProblem::column));
        return List.copyOf(copy);
    }
}
