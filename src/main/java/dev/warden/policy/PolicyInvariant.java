package dev.warden.policy;

import dev.warden.json.Json;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;

/**
 * A post-condition the policy declares for every plan ({@code invariants:} in the policy file), in
 * the same shape a plan uses: {@code name}, {@code observe} (one of {@code file}, {@code command},
 * {@code disk}, {@code process}, or {@code action} with {@code input}) and a CEL {@code check}.
 */
public record PolicyInvariant(String name, JsonNode observe, Invariant invariant) {
    private static final Set<String> KEYS = Set.of("name", "observe", "check");
    private static final Set<String> KINDS = Set.of("file", "command", "disk", "process", "action");

    /** Reads the {@code invariants} list, reporting each problem at its node. */
    static List<PolicyInvariant> read(YamlTree.Node node, BiConsumer<YamlTree.Node, String> problem) {
        var list = new ArrayList<PolicyInvariant>();
        if (node instanceof YamlTree.Scalar s && s.isNull()) return list;
        if (!(node instanceof YamlTree.Sequence sequence)) {
            problem.accept(node, "invariants is a list; start each with '- name: ...'");
            return list;
        }
        var names = new HashSet<String>();
        for (var item : sequence.items()) {
            if (!(item instanceof YamlTree.Mapping mapping)) {
                problem.accept(item, "an invariant is a mapping with name, observe and check");
                continue;
            }
            String name = null, check = null;
            JsonNode observe = null;
            YamlTree.Node checkNode = null;
            for (var entry : mapping.entries()) {
                var value = entry.value();
                switch (entry.key()) {
                    case "name" -> name = value instanceof YamlTree.Scalar s && !s.isNull() ? s.text().strip() : null;
                    case "check" -> {
                        check = value instanceof YamlTree.Scalar s && !s.isNull() ? s.text() : null;
                        checkNode = value;
                    }
                    case "observe" -> {
                        observe = json(value);
                        if (!observe.isObject() || observe.propertyNames().stream().noneMatch(KINDS::contains)) {
                            problem.accept(value, "observe is one of file: PATH, command: LINE, disk: PATH, process: NAME,"
                                    + " or action: ID with input: {...}");
                            observe = null;
                        }
                    }
                    default -> problem.accept(value, "unknown key '" + entry.key() + "'; an invariant has " + String.join(", ", KEYS));
                }
            }
            if (name == null || name.isBlank()) problem.accept(mapping, "an invariant needs a name");
            else if (!names.add(name)) problem.accept(mapping, "invariant name '" + name + "' is used twice");
            if (check == null || check.isBlank()) {
                problem.accept(checkNode == null ? mapping : checkNode, "an invariant needs a check: a CEL condition over observation");
                continue;
            }
            var compiled = Invariant.compile(name, check);
            compiled.errors().forEach(e -> problem.accept(mapping, "check of invariant '" + mapping.path() + "': " + e));
            if (name != null && observe != null && compiled.invariant() != null) {
                list.add(new PolicyInvariant(name, observe, compiled.invariant()));
            }
        }
        return list;
    }

    /** A YAML node as JSON, scalars typed by their YAML token. */
    private static JsonNode json(YamlTree.Node node) {
        return switch (node) {
            case YamlTree.Scalar s when s.isNull() -> Json.MAPPER.nullNode();
            case YamlTree.Scalar s when s.token() == JsonToken.VALUE_NUMBER_INT -> Json.MAPPER.getNodeFactory().numberNode(Long.parseLong(s.text()));
            case YamlTree.Scalar s when s.token() == JsonToken.VALUE_NUMBER_FLOAT -> Json.MAPPER.getNodeFactory().numberNode(Double.parseDouble(s.text()));
            case YamlTree.Scalar s when s.token() == JsonToken.VALUE_TRUE || s.token() == JsonToken.VALUE_FALSE ->
                    Json.MAPPER.getNodeFactory().booleanNode(Boolean.parseBoolean(s.text()));
            case YamlTree.Scalar s -> Json.MAPPER.getNodeFactory().stringNode(s.text());
            case YamlTree.Mapping m -> {
                var o = Json.object();
                m.entries().forEach(e -> o.set(e.key(), json(e.value())));
                yield o;
            }
            case YamlTree.Sequence q -> {
                var a = Json.array();
                q.items().forEach(i -> a.add(json(i)));
                yield a;
            }
        };
    }
}
