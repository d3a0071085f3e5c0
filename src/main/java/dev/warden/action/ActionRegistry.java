package dev.warden.action;

import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The catalog: every action Warden can run, by id. Built once at start-up, then read-only. */
public final class ActionRegistry {
    private final Map<String, Action> byId;
    private final Map<String, Action> byToolName;

    public ActionRegistry(Collection<? extends Action> actions) {
        var map = new LinkedHashMap<String, Action>();
        var tools = new LinkedHashMap<String, Action>();
        for (var action : actions) {
            var id = action.spec().id();
            if (map.putIfAbsent(id, action) != null) {
                throw new IllegalArgumentException("two actions claim the id " + id);
            }
            var previous = tools.putIfAbsent(toolName(id), action);
            if (previous != null) {
                // Ids are the contract: two actions one spelling confuses would make a tool call ambiguous.
                throw new IllegalArgumentException("tool name " + toolName(id) + " would name both "
                        + previous.spec().id() + " and " + id);
            }
        }
        this.byId = Map.copyOf(map);
        this.byToolName = Map.copyOf(tools);
    }

    /**
     * An action id spelled for tool-calling APIs that allow only letters, digits, {@code _} and
     * {@code -} in a name (OpenAI, Anthropic, some MCP clients): {@code fs.read} is {@code fs_read}.
     */
    public static String toolName(String actionId) {
        return actionId.replace('.', '_');
    }

    public Optional<Action> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** The action a tool name stands for, spelled as its id or as its {@link #toolName}. */
    public Optional<Action> findByToolName(String name) {
        var action = byId.get(name);
        return Optional.ofNullable(action != null ? action : byToolName.get(name));
    }

    /** Every action, sorted by id, so catalogs and OpenAPI documents are stable. */
    public List<Action> all() {
        return byId.values().stream().sorted(Comparator.comparing(a -> a.spec().id())).toList();
    }

    /** Ids that look like {@code id}, best first: what a caller probably meant. */
    public List<String> closest(String id, int limit) {
        return byId.keySet().stream()
                .map(known -> Map.entry(known, distance(id, known)))
                .filter(e -> e.getValue() <= Math.max(3, id.length() / 2) || e.getKey().startsWith(prefix(id)))
                .sorted(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .limit(limit)
                .map(Map.Entry::getKey)
                .toList();
    }

    private static String prefix(String id) {
        int dot = id.indexOf('.');
        return dot > 0 ? id.substring(0, dot + 1) : "\u0000";
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
