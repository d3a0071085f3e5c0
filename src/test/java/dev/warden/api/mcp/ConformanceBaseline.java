package dev.warden.api.mcp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The MCP conformance scenarios that do not apply to Warden, each with its reason, and the verdict on
 * a run against it. The baseline must stay honest: a baselined scenario that passes is as much a
 * problem as an unlisted one that fails, so neither can linger unnoticed.
 *
 * @param reasons scenario name to the reason it does not apply, in file order
 */
record ConformanceBaseline(Map<String, String> reasons) {

    /** One scenario's outcome: passed, or the messages of the checks that failed (or why none ran). */
    record Outcome(boolean passed, List<String> failures) {
        static Outcome pass() {
            return new Outcome(true, List.of());
        }

        static Outcome fail(List<String> failures) {
            return new Outcome(false, List.copyOf(failures));
        }
    }

    /** Parses {@code name  reason} lines; blank lines and {@code #} comments are skipped. */
    static ConformanceBaseline parse(String text) {
        var reasons = new LinkedHashMap<String, String>();
        var lineNo = 0;
        for (var raw : text.split("\n", -1)) {
            lineNo++;
            var line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            var parts = line.split("\\s+", 2);
            if (parts.length < 2 || parts[1].isBlank()) {
                throw new IllegalArgumentException("baseline line " + lineNo + ": '" + parts[0] + "' has no reason");
            }
            if (reasons.putIfAbsent(parts[0], parts[1].strip()) != null) {
                throw new IllegalArgumentException("baseline line " + lineNo + ": '" + parts[0] + "' is listed twice");
            }
        }
        return new ConformanceBaseline(Map.copyOf(reasons));
    }

    /**
     * Every way the run disagrees with the baseline, one message each; empty when the run is as expected.
     *
     * @param listed   the scenarios the suite says it has
     * @param outcomes the outcome of each scenario that produced results
     * @param required scenarios that must pass and may never be baselined
     */
    List<String> problems(Set<String> listed, Map<String, Outcome> outcomes, Set<String> required) {
        var problems = new ArrayList<String>();
        for (var name : new TreeSet<>(required)) {
            if (reasons.containsKey(name)) {
                problems.add(name + ": required to pass, so it may not be in the baseline");
            }
            if (!listed.contains(name)) {
                problems.add(name + ": required, but the suite no longer lists it");
            }
        }
        for (var name : new TreeSet<>(reasons.keySet())) {
            if (!listed.contains(name)) {
                problems.add(name + ": in the baseline, but the suite has no such scenario; remove it from the baseline");
            }
        }
        for (var name : new TreeSet<>(listed)) {
            var outcome = outcomes.get(name);
            var baselined = reasons.containsKey(name);
            if (outcome == null) {
                problems.add(name + ": the suite lists it but it produced no results");
            } else if (outcome.passed() && baselined && !required.contains(name)) {
                problems.add(name + ": passes now but is in the baseline (" + reasons.get(name)
                        + "); remove it from the baseline");
            } else if (!outcome.passed() && required.contains(name)) {
                problems.add(name + ": required to pass, but fails: " + String.join("; ", outcome.failures()));
            } else if (!outcome.passed() && !baselined) {
                problems.add(name + ": fails and is not in the baseline: " + String.join("; ", outcome.failures())
                        + " (fix Warden, or if the scenario does not apply, add it to the baseline with the reason)");
            }
        }
        return problems;
    }
}
