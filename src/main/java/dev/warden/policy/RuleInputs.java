package dev.warden.policy;

import dev.cel.common.values.NullValue;
import dev.cel.runtime.CelVariableResolver;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The variables one decision exposes to CEL rules. Each is built on first use and kept for the
 * rest of the decision, so a rule that never reads {@code input} never pays for converting it, and
 * the many rules of one decision convert it at most once. Not thread-safe: one per decision.
 */
final class RuleInputs implements CelVariableResolver {
    /** The input fields that name file system paths; {@code paths} collects their values. */
    static final Set<String> PATH_FIELDS = Set.of(
            "path", "paths", "from", "to", "source", "destination", "target", "cwd", "dir", "directory");

    private final DecisionRequest request;
    private final Clock clock;
    private Map<String, Object> principal;
    private Object input;
    private List<String> paths;
    private Map<String, Object> context;

    RuleInputs(DecisionRequest request, Clock clock) {
        this.request = request;
        this.clock = clock;
    }

    @Override
    public Optional<Object> find(String name) {
        return Optional.ofNullable(switch (name) {
            case "principal" -> principal();
            case "action" -> request.actionId();
            case "input" -> input();
            case "paths" -> paths();
            case "risk" -> request.risk().id();
            case "riskLevel" -> (long) request.risk().ordinal();
            case "context" -> context();
            default -> null;
        });
    }

    private Map<String, Object> principal() {
        if (principal == null) {
            var p = request.principal();
            // keys as in RuleCompiler.PRINCIPAL_FIELDS, which validation checks rules against
            principal = Map.of("id", p.id(), "name", p.name(), "role", p.role().id(), "project", p.project(),
                    "kind", p.kind().name().toLowerCase(Locale.ROOT));
        }
        return principal;
    }

    private Object input() {
        if (input == null) {
            var node = request.input();
            // rules address input as a map; an absent or non-object input reads as an empty one
            input = node != null && node.isObject() ? toCel(node) : Map.of();
        }
        return input;
    }

    private List<String> paths() {
        if (paths == null) {
            var found = new ArrayList<String>();
            var node = request.input();
            if (node != null && node.isObject()) {
                for (var entry : node.properties()) {
                    if (!PATH_FIELDS.contains(entry.getKey())) continue;
                    var value = entry.getValue();
                    if (value.isString()) found.add(LexicalPath.normalize(value.asString()));
                    else if (value.isArray()) {
                        for (var item : value) if (item.isString()) found.add(LexicalPath.normalize(item.asString()));
                    }
                }
            }
            paths = List.copyOf(found);
        }
        return paths;
    }

    private Map<String, Object> context() {
        if (context == null) {
            var map = new HashMap<String, Object>();
            var now = ZonedDateTime.now(clock);
            map.put("hour", (long) now.getHour());
            map.put("minute", (long) now.getMinute());
            map.put("weekday", now.getDayOfWeek().name().toLowerCase(Locale.ROOT));
            map.put("date", now.toLocalDate().toString());
            // what the caller passed wins over the clock, so a replay can pin the time it ran at
            request.context().forEach((key, value) -> map.put(key, toCel(value)));
            context = map;
        }
        return context;
    }

    /** A Java value as CEL expects it: ints as Long, floats as Double, JSON null as CEL null, trees as maps and lists. */
    static Object toCel(Object value) {
        return switch (value) {
            case null -> NullValue.NULL_VALUE;
            case JsonNode node -> toCel(node);
            case Integer i -> (long) i;
            case Short s -> (long) s;
            case Byte b -> (long) b;
            case Float f -> (double) f;
            case Enum<?> e -> e.name().toLowerCase(Locale.ROOT);
            case Map<?, ?> map -> {
                var out = new LinkedHashMap<String, Object>();
                map.forEach((k, v) -> out.put(String.valueOf(k), toCel(v)));
                yield out;
            }
            case List<?> list -> list.stream().map(RuleInputs::toCel).toList();
            default -> value;
        };
    }

    static Object toCel(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) return NullValue.NULL_VALUE;
        if (node.isObject()) {
            var out = new LinkedHashMap<String, Object>();
            for (var entry : node.properties()) out.put(entry.getKey(), toCel(entry.getValue()));
            return out;
        }
        if (node.isArray()) {
            var out = new ArrayList<Object>(node.size());
            for (var item : node) out.add(toCel(item));
            return out;
        }
        if (node.isString()) return node.asString();
        if (node.isBoolean()) return node.asBoolean();
        if (node.isIntegralNumber()) return node.canConvertToLong() ? (Object) node.asLong() : (Object) node.asDouble();
        if (node.isNumber()) return node.asDouble();
        return node.asString();
    }
}
