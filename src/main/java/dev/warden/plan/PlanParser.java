package dev.warden.plan;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Turns a plan's JSON into a {@link PlanSpec}, or every problem with its JSON path: unknown keys,
 * duplicate ids, a {@code dependsOn} naming no step, a cycle (with the steps on it), too many steps,
 * and a reference to a step that does not come before (a step may only read results of the steps it
 * depends on, directly or not, so the order is always defined).
 */
public final class PlanParser {
    private static final Pattern ID = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");
    private static final Set<String> TOP_KEYS = Set.of("mode", "simulate", "steps", "invariants");
    private static final Set<String> INVARIANT_KEYS = Set.of("name", "observe", "check");
    private static final Set<String> OBSERVE_KINDS = Set.of("file", "command", "disk", "process", "action");
    private static final Set<String> STEP_KEYS = Set.of("id", "action", "input", "dependsOn");

    /** One problem, at a JSON path of the plan (e.g. {@code $.steps[1].dependsOn[0]}). */
    public record Problem(String path, String message) {}

    /** The parsed plan, or the problems that stop it (then {@code plan} is null). */
    public record Result(PlanSpec plan, List<Problem> problems) {
        public Result {
            problems = List.copyOf(problems);
        }
    }

    private PlanParser() {}

    public static Result parse(JsonNode node, int maxSteps) {
        var problems = new ArrayList<Problem>();
        if (node == null || !node.isObject()) {
            return new Result(null, List.of(new Problem("$", "a plan is an object with mode, simulate, steps and invariants")));
        }
        node.propertyNames().forEach(k -> {
            if (!TOP_KEYS.contains(k)) problems.add(new Problem("$." + k, "unknown key; a plan has mode, simulate, steps and invariants"));
        });
        var mode = PlanSpec.Mode.ATOMIC;
        if (node.has("mode")) {
            try {
                if (!node.get("mode").isString()) throw new IllegalArgumentException();
                mode = PlanSpec.Mode.parse(node.get("mode").asString());
            } catch (IllegalArgumentException e) {
                problems.add(new Problem("$.mode", "mode is \"atomic\" or \"bestEffort\""));
            }
        }
        var simulate = false;
        if (node.has("simulate")) {
            if (node.get("simulate").isBoolean()) simulate = node.get("simulate").asBoolean();
            else problems.add(new Problem("$.simulate", "simulate is true or false"));
        }
        var invariants = invariants(node.get("invariants"), problems);
        var stepsNode = node.get("steps");
        if (stepsNode == null || !stepsNode.isArray() || stepsNode.isEmpty()) {
            problems.add(new Problem("$.steps", "steps is a non-empty list of {id, action, input, dependsOn}"));
            return new Result(null, problems);
        }
        if (stepsNode.size() > maxSteps) {
            problems.add(new Problem("$.steps", "the plan has " + stepsNode.size() + " steps; the policy allows at most " + maxSteps));
            return new Result(null, problems);
        }

        var steps = new LinkedHashMap<String, PlanSpec.Step>();
        var indexOf = new HashMap<String, Integer>();
        for (int i = 0; i < stepsNode.size(); i++) {
            var step = step(stepsNode.get(i), "$.steps[" + i + "]", problems);
            if (step == null) continue;
            if (steps.containsKey(step.id())) {
                problems.add(new Problem("$.steps[" + i + "].id", "duplicate step id '" + step.id() + "'"));
                continue;
            }
            steps.put(step.id(), step);
            indexOf.put(step.id(), i);
        }
        for (var step : steps.values()) {
            for (int d = 0; d < step.dependsOn().size(); d++) {
                var dep = step.dependsOn().get(d);
                if (!steps.containsKey(dep)) {
                    problems.add(new Problem("$.steps[" + indexOf.get(step.id()) + "].dependsOn[" + d + "]",
                            "no step has the id '" + dep + "'"));
                } else if (dep.equals(step.id())) {
                    problems.add(new Problem("$.steps[" + indexOf.get(step.id()) + "].dependsOn[" + d + "]",
                            "a step cannot depend on itself"));
                }
            }
        }
        if (!problems.isEmpty()) return new Result(null, problems);

        var order = topologicalOrder(steps, problems);
        if (order == null) return new Result(null, problems);
        for (var step : order) {
            var before = ancestors(step, steps);
            for (var ref : References.stepsReferenced(step.input())) {
                if (!before.contains(ref)) {
                    problems.add(new Problem("$.steps[" + indexOf.get(step.id()) + "].input",
                            "it reads the result of step '" + ref + "', which is not among the steps it depends on;"
                                    + " add '" + ref + "' to dependsOn"));
                }
            }
        }
        if (!problems.isEmpty()) return new Result(null, problems);
        return new Result(new PlanSpec(mode, simulate, order, invariants), List.of());
    }

    private static List<PlanSpec.InvariantSpec> invariants(JsonNode node, List<Problem> problems) {
        var list = new ArrayList<PlanSpec.InvariantSpec>();
        if (node == null) return list;
        if (!node.isArray()) {
            problems.add(new Problem("$.invariants", "invariants is a list of {name, observe, check}"));
            return list;
        }
        var names = new HashSet<String>();
        for (int i = 0; i < node.size(); i++) {
            var path = "$.invariants[" + i + "]";
            var item = node.get(i);
            if (!item.isObject()) {
                problems.add(new Problem(path, "an invariant is {name, observe, check}"));
                continue;
            }
            int before = problems.size();
            item.propertyNames().forEach(k -> {
                if (!INVARIANT_KEYS.contains(k)) problems.add(new Problem(path + "." + k, "unknown key; an invariant has name, observe, check"));
            });
            var name = item.path("name");
            if (!name.isString() || !ID.matcher(name.asString()).matches()) {
                problems.add(new Problem(path + ".name", "name is letters, digits, '_' or '-', starting with a letter"));
            } else if (!names.add(name.asString())) {
                problems.add(new Problem(path + ".name", "duplicate invariant name '" + name.asString() + "'"));
            }
            var observe = item.get("observe");
            if (observe == null || !observe.isObject() || observe.size() != (observe.has("action") ? (observe.has("input") ? 2 : 1) : 1)
                    || observe.propertyNames().stream().noneMatch(OBSERVE_KINDS::contains)) {
                problems.add(new Problem(path + ".observe", "observe is one of {\"file\": PATH}, {\"command\": LINE},"
                        + " {\"disk\": PATH}, {\"process\": NAME} or {\"action\": ID, \"input\": {...}} (a read-only action)"));
            }
            var check = item.path("check");
            if (!check.isString() || check.asString().isBlank()) {
                problems.add(new Problem(path + ".check", "check is a CEL condition over observation, e.g. \"observation.exists\""));
            }
            if (problems.size() == before) list.add(new PlanSpec.InvariantSpec(name.asString(), observe, check.asString()));
        }
        return list;
    }

    private static PlanSpec.Step step(JsonNode node, String path, List<Problem> problems) {
        if (node == null || !node.isObject()) {
            problems.add(new Problem(path, "a step is an object with id, action, input and dependsOn"));
            return null;
        }
        int before = problems.size();
        node.propertyNames().forEach(k -> {
            if (!STEP_KEYS.contains(k)) problems.add(new Problem(path + "." + k, "unknown key; a step has id, action, input, dependsOn"));
        });
        var id = node.path("id");
        if (!id.isString() || !ID.matcher(id.asString()).matches()) {
            problems.add(new Problem(path + ".id", "id is a name of letters, digits, '_' or '-', starting with a letter (at most 64)"));
        }
        var action = node.path("action");
        if (!action.isString() || action.asString().isBlank()) {
            problems.add(new Problem(path + ".action", "action is an action id, e.g. \"fs.write\""));
        }
        var input = node.get("input");
        if (input != null && !input.isObject()) problems.add(new Problem(path + ".input", "input is the action's input object"));
        var deps = new ArrayList<String>();
        var dependsOn = node.get("dependsOn");
        if (dependsOn != null) {
            if (!dependsOn.isArray()) {
                problems.add(new Problem(path + ".dependsOn", "dependsOn is a list of step ids"));
            } else {
                for (int i = 0; i < dependsOn.size(); i++) {
                    if (dependsOn.get(i).isString()) deps.add(dependsOn.get(i).asString());
                    else problems.add(new Problem(path + ".dependsOn[" + i + "]", "a step id is a string"));
                }
            }
        }
        if (problems.size() > before) return null;
        return new PlanSpec.Step(id.asString(), action.asString(), input == null ? dev.warden.json.Json.object() : input,
                List.copyOf(new java.util.LinkedHashSet<>(deps)));
    }

    /** Kahn's algorithm, keeping the caller's order among ready steps; null (and a problem naming the cycle) if there is one. */
    private static List<PlanSpec.Step> topologicalOrder(Map<String, PlanSpec.Step> steps, List<Problem> problems) {
        var pending = new HashMap<String, Integer>();
        var dependents = new HashMap<String, List<String>>();
        for (var s : steps.values()) {
            pending.put(s.id(), s.dependsOn().size());
            for (var d : s.dependsOn()) dependents.computeIfAbsent(d, k -> new ArrayList<>()).add(s.id());
        }
        var order = new ArrayList<PlanSpec.Step>();
        var ready = new ArrayDeque<String>();
        steps.keySet().forEach(id -> { if (pending.get(id) == 0) ready.add(id); });
        while (!ready.isEmpty()) {
            var id = ready.poll();
            order.add(steps.get(id));
            for (var next : dependents.getOrDefault(id, List.of())) {
                if (pending.merge(next, -1, Integer::sum) == 0) ready.add(next);
            }
        }
        if (order.size() == steps.size()) return order;
        var onCycle = steps.keySet().stream().filter(id -> pending.get(id) > 0).toList();
        problems.add(new Problem("$.steps", "dependsOn forms a cycle through " + String.join(", ", onCycle)
                + "; a plan's steps must form a DAG"));
        return null;
    }

    private static Set<String> ancestors(PlanSpec.Step step, Map<String, PlanSpec.Step> steps) {
        var seen = new HashSet<String>();
        var todo = new ArrayDeque<>(step.dependsOn());
        while (!todo.isEmpty()) {
            var id = todo.poll();
            if (seen.add(id)) todo.addAll(steps.get(id).dependsOn());
        }
        return seen;
    }
}
