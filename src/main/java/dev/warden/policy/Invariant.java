package dev.warden.policy;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelOptions;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * A post-condition: a CEL condition over one {@code observation} (what a read-only action saw after
 * a plan ran, e.g. {@code observation.exists && observation.size > 0}). Compiled once; evaluating
 * to anything but true, or failing to evaluate, counts as violated: an invariant guards against
 * harm, so a broken one must not pass.
 */
public final class Invariant {
    private static final Cel CEL = CelFactory.standardCelBuilder()
            .setOptions(CelOptions.current().enableHeterogeneousNumericComparisons(true).comprehensionMaxIterations(10_000).build())
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addCompilerLibraries(CelExtensions.strings())
            .addRuntimeLibraries(CelExtensions.strings())
            .addVar("observation", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .build();

    private final String name;
    private final String check;
    private final CelRuntime.Program program;

    private Invariant(String name, String check, CelRuntime.Program program) {
        this.name = name;
        this.check = check;
        this.program = program;
    }

    /** The compiled invariant, or the reasons it cannot be used. */
    public record Compiled(Invariant invariant, List<String> errors) {}

    public static Compiled compile(String name, String check) {
        var validation = CEL.compile(check);
        if (validation.hasError()) {
            return new Compiled(null, validation.getErrors().stream().map(i -> "CEL: " + i.getMessage()).toList());
        }
        try {
            var ast = validation.getAst();
            var type = ast.getResultType();
            if (!type.equals(SimpleType.BOOL) && !type.equals(SimpleType.DYN)) {
                return new Compiled(null, List.of("must be a condition (bool), but it gives " + type.name()));
            }
            return new Compiled(new Invariant(name, check, CEL.createProgram(ast)), List.of());
        } catch (Exception e) {
            return new Compiled(null, List.of("CEL: " + e.getMessage()));
        }
    }

    public String name() {
        return name;
    }

    public String check() {
        return check;
    }

    /** Holds, violated, or could not be evaluated (which counts as violated), with why. */
    public record Verdict(boolean holds, String error) {}

    public Verdict evaluate(JsonNode observation) {
        try {
            var value = program.eval(Map.of("observation", RuleInputs.toCel(observation)));
            return new Verdict(Boolean.TRUE.equals(value), null);
        } catch (CelEvaluationException e) {
            return new Verdict(false, "could not be evaluated: " + e.getMessage());
        }
    }
}
