package dev.warden.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
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
    private static final Pattern MARK = Pattern.compile("line (\\d+), column (\\d+)");

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
            problems.add(syntaxProblem(source, e));
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

    /**
     * SnakeYAML's message without its source excerpts. Its last mark is where the problem is (Jackson's
     * own location can lag behind it); earlier marks, such as where an unclosed quote began, stay in
     * the message.
     */
    private static PolicyProblem syntaxProblem(String source, JacksonException e) {
        var original = e.getOriginalMessage() == null ? "cannot parse" : e.getOriginalMessage();
        var texts = new ArrayList<String>();
        var marks = new ArrayList<int[]>();
        for (var line : original.split("\n")) {
            var stripped = line.strip();
            if (stripped.isEmpty() || line.startsWith("    ") || stripped.equals("^")) continue;
            var mark = MARK.matcher(stripped);
            if (stripped.startsWith("in reader") && mark.find()) {
                if (!marks.isEmpty()) marks.set(marks.size() - 1, new int[] {Integer.parseInt(mark.group(1)), Integer.parseInt(mark.group(2))});
                continue;
            }
            texts.add(stripped);
            marks.add(null);
        }
        int[] at = null;
        int located = -1;
        for (int i = marks.size() - 1; i >= 0 && at == null; i--) {
            if (marks.get(i) != null) {
                at = marks.get(i);
                located = i;
            }
        }
        if (at == null) {
            var location = e.getLocation();
            at = location == null ? new int[] {1, 1} : new int[] {Math.max(1, location.getLineNr()), Math.max(1, location.getColumnNr())};
        }
        var message = new StringBuilder("YAML syntax error: ");
        for (int i = 0; i < texts.size(); i++) {
            if (i > 0) message.append("; ");
            message.append(texts.get(i));
            if (marks.get(i) != null && i != located) {
                message.append(" (line ").append(marks.get(i)[0]).append(", column ").append(marks.get(i)[1]).append(')');
            }
        }
        if (texts.isEmpty()) message.append(original.strip());
        return new PolicyProblem(source, at[0], at[1], "", message.toString());
    }
}
