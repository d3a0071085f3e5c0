package dev.warden.policy;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelOptions;
import dev.cel.common.types.SimpleType;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * A CEL condition over named JSON values, compiled once: an invariant's check over its
 * {@code observation}, an alert rule over a system sample ({@code memory.usedPercent > 90}). Anything
 * but {@code true} is false, and a condition that cannot be evaluated says why, so each caller
 * decides what a broken condition means for it (an invariant counts it as violated).
 */
public final class Condition {
    private final String expression;
    private final Set<String> variables;
    private final CelRuntime.Program program;

    private Condition(String expression, Set<String> variables, CelRuntime.Program program) {
        this.expression = expression;
        this.variables = variables;
        this.program = program;
    }

    /** The compiled condition, or the reasons it cannot be used. */
    public record Compiled(Condition condition, List<String> errors) {}

    /** Compiles {@code expression} with each of {@code variables} declared as a dynamic value. */
    public static Compiled compile(String expression, Set<String> variables) {
        var builder = CelFactory.standardCelBuilder()
                .setOptions(CelOptions.current().enableHeterogeneousNumericComparisons(true).comprehensionMaxIterations(10_000).build())
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .addCompilerLibraries(CelExtensions.strings())
                .addRuntimeLibraries(CelExtensions.strings());
        variables.forEach(name -> builder.addVar(name, SimpleType.DYN));
        Cel cel = builder.build();
        var validation = cel.compile(expression);
        if (validation.hasError()) {
            return new Compiled(null, validation.getErrors().stream().map(i -> "CEL: " + i.getMessage()).toList());
        }
        try {
            var ast = validation.getAst();
            var type = ast.getResultType();
            if (!type.equals(SimpleType.BOOL) && !type.equals(SimpleType.DYN)) {
                return new Compiled(null, List.of("must be a condition (bool), but it gives " + type.name()));
            }
            return new Compiled(new Condition(expression, Set.copyOf(variables), cel.createProgram(ast)), List.of());
        } catch (Exception e) {
            return new Compiled(null, List.of("CEL: " + e.getMessage()));
        }
    }

    public String expression() {
        return expression;
    }

    /** True, false, or false with the reason it could not be evaluated. */
    public record Result(boolean matches, String error) {}

    /** Evaluates with each declared variable bound to the field of that name in {@code values} (null when absent). */
    public Result evaluate(JsonNode values) {
        var bindings = new HashMap<String, Object>();
        for (var name : variables) bindings.put(name, RuleInputs.toCel(values.get(name)));
        try {
            return new Result(Boolean.TRUE.equals(program.eval(bindings)), null);
        } catch (CelEvaluationException e) {
            return new Result(false, "could not be evaluated: " + e.getMessage());
        }
    }
}
