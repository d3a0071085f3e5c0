package dev.warden.policy;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The policy's limits on how much and when: rate limits per minute and hour, a daily budget in
 * cost units, and execution windows. Patterns are action-id globs ({@code *}, {@code fs.*}).
 */
public record Limits(List<RateLimit> rates, Budget budget, List<Window> windows) {
    public static final Limits NONE = new Limits(List.of(), null, List.of());

    public Limits {
        rates = List.copyOf(rates);
        windows = List.copyOf(windows);
    }

    /** Whom a limit counts: each principal on its own, or a whole project together. */
    public enum Scope { PRINCIPAL, PROJECT }

    public record RateLimit(String match, long perMinute, long perHour, Scope per) {}

    /** {@code costs}: glob to cost, first match wins, unmatched actions cost 1. */
    public record Budget(long daily, Map<String, Long> costs, Scope per, ZoneId zone) {
        public long costOf(String actionId) {
            for (var e : costs.entrySet()) if (matches(e.getKey(), actionId)) return e.getValue();
            return 1;
        }
    }

    public record Window(String match, Set<DayOfWeek> days, LocalTime from, LocalTime to, ZoneId zone) {}

    public static boolean matches(String glob, String actionId) {
        if (glob.equals("*")) return true;
        if (glob.endsWith("*")) return actionId.startsWith(glob.substring(0, glob.length() - 1));
        return glob.equals(actionId);
    }

    // ---- reading, with every problem reported at its node ----

    static List<RateLimit> readRates(YamlTree.Node node, BiConsumer<YamlTree.Node, String> problem) {
        var list = new ArrayList<RateLimit>();
        if (!(node instanceof YamlTree.Sequence seq)) {
            problem.accept(node, "limits is a list of {match, perMinute, perHour, per}");
            return list;
        }
        for (var item : seq.items()) {
            if (!(item instanceof YamlTree.Mapping m)) {
                problem.accept(item, "a limit is a mapping: match, perMinute, perHour, per");
                continue;
            }
            String match = "*";
            long perMinute = 0, perHour = 0;
            var per = Scope.PRINCIPAL;
            for (var e : m.entries()) {
                switch (e.key()) {
                    case "match" -> match = text(e.value(), problem, "match is an action id or glob such as 'fs.*'");
                    case "perMinute" -> perMinute = count(e.value(), problem);
                    case "perHour" -> perHour = count(e.value(), problem);
                    case "per" -> per = scope(e.value(), problem);
                    default -> problem.accept(e.value(), "unknown key '" + e.key() + "'; a limit has match, perMinute, perHour, per");
                }
            }
            if (perMinute == 0 && perHour == 0) problem.accept(m, "a limit needs perMinute or perHour (or both)");
            else if (match != null) list.add(new RateLimit(match, perMinute, perHour, per));
        }
        return list;
    }

    static Budget readBudget(YamlTree.Node node, BiConsumer<YamlTree.Node, String> problem) {
        if (!(node instanceof YamlTree.Mapping m)) {
            problem.accept(node, "budgets is a mapping: daily, costs, per, zone");
            return null;
        }
        long daily = 0;
        var costs = new LinkedHashMap<String, Long>();
        var per = Scope.PRINCIPAL;
        var zone = ZoneId.of("UTC");
        for (var e : m.entries()) {
            switch (e.key()) {
                case "daily" -> daily = count(e.value(), problem);
                case "per" -> per = scope(e.value(), problem);
                case "zone" -> zone = zone(e.value(), problem);
                case "costs" -> {
                    if (e.value() instanceof YamlTree.Mapping c) {
                        for (var ce : c.entries()) costs.put(ce.key(), count(ce.value(), problem));
                    } else {
                        problem.accept(e.value(), "costs maps an action glob to its cost, e.g. {'shell.exec': 5, '*': 1}");
                    }
                }
                default -> problem.accept(e.value(), "unknown key '" + e.key() + "'; budgets has daily, costs, per, zone");
            }
        }
        if (daily <= 0) {
            problem.accept(m, "budgets needs daily: the cost units one principal (or project) may spend per day");
            return null;
        }
        return new Budget(daily, costs, per, zone);
    }

    static List<Window> readWindows(YamlTree.Node node, BiConsumer<YamlTree.Node, String> problem) {
        var list = new ArrayList<Window>();
        if (!(node instanceof YamlTree.Sequence seq)) {
            problem.accept(node, "windows is a list of {match, days, hours, zone}");
            return list;
        }
        for (var item : seq.items()) {
            if (!(item instanceof YamlTree.Mapping m)) {
                problem.accept(item, "a window is a mapping: match, days, hours, zone");
                continue;
            }
            String match = "*";
            Set<DayOfWeek> days = EnumSet.allOf(DayOfWeek.class);
            LocalTime from = LocalTime.MIN, to = LocalTime.MAX;
            var zone = ZoneId.of("UTC");
            boolean ok = true;
            for (var e : m.entries()) {
                switch (e.key()) {
                    case "match" -> match = text(e.value(), problem, "match is an action id or glob");
                    case "zone" -> zone = zone(e.value(), problem);
                    case "days" -> {
                        var parsed = days(e.value());
                        if (parsed == null) {
                            problem.accept(e.value(), "days is a range or list of Mon..Sun, e.g. 'Mon-Fri' or 'Mon,Wed,Sat'");
                            ok = false;
                        } else {
                            days = parsed;
                        }
                    }
                    case "hours" -> {
                        var t = e.value() instanceof YamlTree.Scalar s && s.text() != null ? s.text().strip() : "";
                        var parts = t.split("-");
                        try {
                            if (parts.length != 2) throw new DateTimeException(t);
                            from = LocalTime.parse(parts[0].strip());
                            to = LocalTime.parse(parts[1].strip());
                            if (!from.isBefore(to)) throw new DateTimeException(t);
                        } catch (DateTimeException ex) {
                            problem.accept(e.value(), "hours is 'HH:MM-HH:MM' with the start before the end, e.g. '09:00-17:00'");
                            ok = false;
                        }
                    }
                    default -> problem.accept(e.value(), "unknown key '" + e.key() + "'; a window has match, days, hours, zone");
                }
            }
            if (ok && match != null) list.add(new Window(match, days, from, to, zone));
        }
        return list;
    }

    private static final List<String> DAY_NAMES = List.of("mon", "tue", "wed", "thu", "fri", "sat", "sun");

    private static Set<DayOfWeek> days(YamlTree.Node node) {
        if (!(node instanceof YamlTree.Scalar s) || s.text() == null) return null;
        var set = EnumSet.noneOf(DayOfWeek.class);
        for (var part : s.text().toLowerCase(Locale.ROOT).split(",")) {
            var range = part.strip().split("-");
            if (range.length == 1) {
                var d = DAY_NAMES.indexOf(range[0].strip());
                if (d < 0) return null;
                set.add(DayOfWeek.of(d + 1));
            } else if (range.length == 2) {
                int a = DAY_NAMES.indexOf(range[0].strip()), b = DAY_NAMES.indexOf(range[1].strip());
                if (a < 0 || b < 0) return null;
                for (int i = a; ; i = (i + 1) % 7) {
                    set.add(DayOfWeek.of(i + 1));
                    if (i == b) break;
                }
            } else {
                return null;
            }
        }
        return set;
    }

    private static String text(YamlTree.Node node, BiConsumer<YamlTree.Node, String> problem, String what) {
        if (node instanceof YamlTree.Scalar s && s.text() != null && !s.text().isBlank()) return s.text().strip();
        problem.accept(node, what);
        return null;
    }

    private static long count(YamlTree.Node node, BiConsumer<YamlTree.Node, String> problem) {
        if (node instanceof YamlTree.Scalar s && s.text() != null && s.text().matches("[0-9]{1,12}")) return Long.parseLong(s.text());
        problem.accept(node, "expected a whole number of 0 or more");
        return 0;
    }

    private static Scope scope(YamlTree.Node node, BiConsumer<YamlTree.Node, String> problem) {
        if (node instanceof YamlTree.Scalar s && s.text() != null) {
            switch (s.text().strip()) {
                case "principal" -> { return Scope.PRINCIPAL; }
                case "project" -> { return Scope.PROJECT; }
                default -> { }
            }
        }
        problem.accept(node, "per is 'principal' or 'project'");
        return Scope.PRINCIPAL;
    }

    private static ZoneId zone(YamlTree.Node node, BiConsumer<YamlTree.Node, String> problem) {
        try {
            if (node instanceof YamlTree.Scalar s && s.text() != null) return ZoneId.of(s.text().strip());
        } catch (DateTimeException e) {
            // reported below
        }
        problem.accept(node, "zone is a time zone id such as 'Europe/Berlin' or 'UTC'");
        return ZoneId.of("UTC");
    }
}
