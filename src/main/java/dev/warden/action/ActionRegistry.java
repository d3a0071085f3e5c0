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

    public ActionRegistry(Collection<? extends Action> actions) {
        var map = new LinkedHashMap<String, Action>();
        for (var action : actions) {
            var id = action.spec().id();
            if (map.putIfAbsent(id, action) != null) {
                throw new IllegalArgumentException("two actions claim the id " + id);
            }
        }
        this.byId = Map.copyOf(map);
    }

    public Optional<Action> find(String id) {
        return Optional.ofNullable(byId.get(id));
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
