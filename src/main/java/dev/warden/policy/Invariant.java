package dev.warden.policy;

import dev.warden.json.Json;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * A post-condition: a CEL condition over one {@code observation} (what a read-only action saw after
 * a plan ran, e.g. {@code observation.exists && observation.size > 0}). Compiled once; evaluating
 * to anything but true, or failing to evaluate, counts as violated: an invariant guards against
 * harm, so a broken one must not pass.
 */
public final class Invariant {
    private static final Set<String> VARIABLES = Set.of("observation");

    private final String name;
    private final Condition condition;

    private Invariant(String name, Condition condition) {
        this.name = name;
        this.condition = condition;
    }

    /** The compiled invariant, or the reasons it cannot be used. */
    public record Compiled(Invariant invariant, List<String> errors) {}

    public static Compiled compile(String name, String check) {
        var compiled = Condition.compile(check, VARIABLES);
        return compiled.condition() == null ? new Compiled(null, compiled.errors())
                : new Compiled(new Invariant(name, compiled.condition()), List.of());
    }

    public String name() {
        return name;
    }

    public String check() {
        return condition.expression();
    }

    /** Holds, violated, or could not be evaluated (which counts as violated), with why. */
    public record Verdict(boolean holds, String error) {}

    public Verdict evaluate(JsonNode observation) {
        var result = condition.evaluate(Json.object().set("observation", observation));
        return new Verdict(result.matches(), result.error());
    }
}
