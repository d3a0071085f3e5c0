package dev.warden.plan;

import dev.warden.json.Json;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * {@code ${steps.ID.result.a.b[0]}} in a step's input: a later step reading an earlier one's result.
 * A string that is exactly one reference takes the referenced value with its type (a number stays a
 * number); a reference inside a longer string is replaced by the value's text.
 */
public final class References {
    private static final Pattern REF = Pattern.compile("\\$\\{steps\\.([A-Za-z][A-Za-z0-9_-]*)\\.result((?:\\.[A-Za-z_][A-Za-z0-9_]*|\\[\\d+])*)}");
    private static final Pattern SEGMENT = Pattern.compile("\\.([A-Za-z_][A-Za-z0-9_]*)|\\[(\\d+)]");

    private References() {}

    /** The ids of the steps whose results {@code input} reads. */
    public static Set<String> stepsReferenced(JsonNode input) {
        var ids = new LinkedHashSet<String>();
        visit(input, text -> {
            var m = REF.matcher(text);
            while (m.find()) ids.add(m.group(1));
        });
        return ids;
    }

    public static boolean hasReferences(JsonNode input) {
        return !stepsReferenced(input).isEmpty();
    }

    /** Thrown when a reference names a path the result does not have. */
    public static final class Unresolved extends RuntimeException {
        public Unresolved(String message) {
            super(message);
        }
    }

    /** {@code input} with every reference replaced from {@code results} (step id to result). */
    public static JsonNode resolve(JsonNode input, Map<String, JsonNode> results) {
        if (input.isString()) return resolveText(input.asString(), results);
        if (input.isObject()) {
            var copy = Json.object();
            input.properties().forEach(e -> copy.set(e.getKey(), resolve(e.getValue(), results)));
            return copy;
        }
        if (input.isArray()) {
            var copy = Json.array();
            input.forEach(item -> copy.add(resolve(item, results)));
            return copy;
        }
        return input;
    }

    private static JsonNode resolveText(String text, Map<String, JsonNode> results) {
        var m = REF.matcher(text);
        if (m.matches()) return lookup(m, results);
        var out = new StringBuilder();
        m.reset();
        while (m.find()) {
            var value = lookup(m, results);
            m.appendReplacement(out, Matcher.quoteReplacement(value.isString() ? value.asString() : Json.write(value)));
        }
        m.appendTail(out);
        return Json.MAPPER.getNodeFactory().stringNode(out.toString());
    }

    private static JsonNode lookup(Matcher m, Map<String, JsonNode> results) {
        var node = Optional.ofNullable(results.get(m.group(1)))
                .orElseThrow(() -> new Unresolved("step '" + m.group(1) + "' has no result"));
        var segments = SEGMENT.matcher(m.group(2));
        while (segments.find()) {
            node = segments.group(1) != null ? node.get(segments.group(1)) : node.get(Integer.parseInt(segments.group(2)));
            if (node == null || node.isMissingNode()) {
                throw new Unresolved(m.group() + " names nothing in the result of step '" + m.group(1) + "'");
            }
        }
        return node;
    }

    private static void visit(JsonNode node, java.util.function.Consumer<String> strings) {
        if (node.isString()) strings.accept(node.asString());
        else if (node.isContainer()) node.forEach(child -> visit(child, strings));
    }
}
