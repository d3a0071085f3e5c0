package dev.warden.policy;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonToken;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLParser;

/**
 * A YAML document read into a small tree that remembers the line and column of every key and
 * value. Jackson's {@code JsonNode} forgets positions, and an operator fixing a policy needs them.
 */
final class YamlTree {
    private static final YAMLMapper MAPPER = YAMLMapper.builder().build();

    sealed interface Node permits Scalar, Mapping, Sequence {
        String path();
        int line();
        int column();
    }

    /** A scalar; {@code text} is null for an explicit or implied YAML null. */
    record Scalar(String text, JsonToken token, String path, int line, int column) implements Node {
        boolean isNull() {
            return text == null;
        }
    }

    record Entry(String key, int line, int column, Node value) {}

    record Mapping(List<Entry> entries, String path, int line, int column) implements Node {}

    record Sequence(List<Node> items, String path, int line, int column) implements Node {}

    private final String source;
    private final List<PolicyProblem> problems;

    private YamlTree(String source, List<PolicyProblem> problems) {
        this.source = source;
        this.problems = problems;
    }

    /** Reads the one document in {@code yaml}; null when it is empty or cannot be parsed (the problems say why). */
    static Node read(String yaml, String source, List<PolicyProblem> problems) {
        var tree = new YamlTree(source, problems);
        try (var parser = (YAMLParser) MAPPER.createParser(yaml)) {
            if (parser.nextToken() == null) return null;
            var root = tree.value(parser, "");
            if (parser.nextToken() != null) {
                var at = parser.currentTokenLocation();
                problems.add(new PolicyProblem(source, at.getLineNr(), at.getColumnNr(), "",
                        "a policy file holds one YAML document; remove the second one (after '---')"));
            }
            return root;
        } catch (JacksonException e) {
            var at = e.getLocation();
            problems.add(new PolicyProblem(source, at == null ? 1 : Math.max(1, at.getLineNr()),
                    at == null ? 1 : Math.max(1, at.getColumnNr()), "", "YAML syntax error: " + syntaxMessage(e)));
            return null;
        }
    }

    private Node value(YAMLParser parser, String path) {
        var at = parser.currentTokenLocation();
        int line = at.getLineNr(), column = at.getColumnNr();
        var token = parser.currentToken();
        if (token == JsonToken.START_OBJECT) {
            var entries = new ArrayList<Entry>();
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                var keyAt = parser.currentTokenLocation();
                var key = parser.currentName();
                var keyPath = path.isEmpty() ? key : path + "." + key;
                for (var seen : entries) {
                    if (seen.key().equals(key)) {
                        problem(keyAt.getLineNr(), keyAt.getColumnNr(), keyPath,
                                "'" + key + "' appears twice in this mapping (first on line " + seen.line() + "); keep one");
                    }
                }
                parser.nextToken();
                entries.add(new Entry(key, keyAt.getLineNr(), keyAt.getColumnNr(), value(parser, keyPath)));
            }
            return new Mapping(List.copyOf(entries), path, line, column);
        }
        if (token == JsonToken.START_ARRAY) {
            var items = new ArrayList<Node>();
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                items.add(value(parser, path + "[" + items.size() + "]"));
            }
            return new Sequence(List.copyOf(items), path, line, column);
        }
        if (parser.isCurrentAlias()) {
            problem(line, column, path, "YAML aliases (*name) are not supported in a policy; write the value out");
        }
        var text = token == JsonToken.VALUE_NULL ? null : parser.getString();
        return new Scalar(text, token, path, line, column);
    }

    private void problem(int line, int column, String path, String message) {
        problems.add(new PolicyProblem(source, line, column, path, message));
    }

    /** SnakeYAML's message without its own position lines and source excerpts, which the problem already carries. */
    private static String syntaxMessage(JacksonException e) {
        var original = e.getOriginalMessage() == null ? "cannot parse" : e.getOriginalMessage();
        var parts = new ArrayList<String>();
        for (var line : original.split("\n")) {
            if (line.isBlank() || line.startsWith("    ") || line.strip().startsWith("in reader") || line.strip().equals("^")) continue;
            parts.add(line.strip());
        }
        return parts.isEmpty() ? original.strip() : String.join("; ", parts);
    }
}
