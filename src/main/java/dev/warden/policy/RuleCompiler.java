package dev.warden.policy;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOptions;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.CelSourceLocation;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.navigation.CelNavigableExpr;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelRuntime;
import dev.warden.action.Risk;
import dev.warden.identity.Role;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Compiles the {@code when} expressions of policy rules: the CEL environment (variables, helper
 * functions), type checking, and checks for mistakes CEL accepts but that would silently misjudge
 * risk. Compilation happens once per policy load; evaluation then costs microseconds.
 */
final class RuleCompiler {
    private static final Set<String> RISKS = Arrays.stream(Risk.values()).map(Risk::id).collect(Collectors.toUnmodifiableSet());
    private static final Set<String> ROLES = Arrays.stream(Role.values()).map(Role::id).collect(Collectors.toUnmodifiableSet());
    /** The keys of the {@code principal} map that {@link RuleInputs} builds. */
    static final Set<String> PRINCIPAL_FIELDS = Set.of("id", "name", "role", "project", "kind");
    private static final String RISK_NAMES = "read, low, medium, high or critical";
    private static final Set<String> ORDERINGS = Set.of("_<_", "_<=_", "_>_", "_>=_");
    private static final Set<String> EQUALITIES = Set.of("_==_", "_!=_");

    /** Immutable once built, so one environment serves every policy and thread. */
    private static final Cel CEL = CelFactory.standardCelBuilder()
            .setOptions(CelOptions.current()
                    // JSON does not say whether 1000 is an int or a double; `input.size > 100` must work for both
                    .enableHeterogeneousNumericComparisons(true)
                    // a rule iterating a huge input must not stall the request path; past this it errors (and fails closed)
                    .comprehensionMaxIterations(10_000)
                    .build())
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addCompilerLibraries(CelExtensions.strings())
            .addRuntimeLibraries(CelExtensions.strings())
            .addVar("principal", MapType.create(SimpleType.STRING, SimpleType.STRING))
            .addVar("action", SimpleType.STRING)
            .addVar("input", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .addVar("paths", ListType.create(SimpleType.STRING))
            .addVar("risk", SimpleType.STRING)
            .addVar("riskLevel", SimpleType.INT)
            .addVar("context", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .addFunctionDeclarations(
                    CelFunctionDecl.newFunctionDeclaration("atLeast", CelOverloadDecl.newMemberOverload(
                            "string_atLeast_string", SimpleType.BOOL, SimpleType.STRING, SimpleType.STRING)),
                    CelFunctionDecl.newFunctionDeclaration("under",
                            CelOverloadDecl.newMemberOverload("string_under_string", SimpleType.BOOL, SimpleType.STRING, SimpleType.STRING),
                            CelOverloadDecl.newMemberOverload("string_under_list", SimpleType.BOOL, SimpleType.STRING,
                                    ListType.create(SimpleType.STRING))),
                    CelFunctionDecl.newFunctionDeclaration("hasSegment", CelOverloadDecl.newMemberOverload(
                            "string_hasSegment_string", SimpleType.BOOL, SimpleType.STRING, SimpleType.STRING)))
            .addFunctionBindings(
                    CelFunctionBinding.from("string_atLeast_string", String.class, String.class,
                            (risk, floor) -> Risk.parse(risk).atLeast(Risk.parse(floor))),
                    CelFunctionBinding.from("string_under_string", String.class, String.class, LexicalPath::under),
                    CelFunctionBinding.from("string_under_list", String.class, List.class, LexicalPath::underAny),
                    CelFunctionBinding.from("string_hasSegment_string", String.class, String.class, LexicalPath::hasSegment))
            .build();

    private RuleCompiler() {}

    /**
     * {@code action.id} reads as {@code action}: rules may name the action either way ({@code action}
     * is the id string, which has no fields). Text inside string literals is left alone.
     */
    static String aliases(String expression) {
        var out = new StringBuilder(expression.length());
        char quote = 0;
        for (int i = 0; i < expression.length(); i++) {
            char c = expression.charAt(i);
            if (quote != 0) {
                out.append(c);
                if (c == '\\' && i + 1 < expression.length()) out.append(expression.charAt(++i));
                else if (c == quote) quote = 0;
                continue;
            }
            if (c == '"' || c == '\'') {
                quote = c;
                out.append(c);
                continue;
            }
            if (expression.startsWith("action.id", i)
                    && (i == 0 || !isIdentifierPart(expression.charAt(i - 1)))
                    && (i + 9 == expression.length() || !isIdentifierPart(expression.charAt(i + 9)))) {
                out.append("action");
                i += 8;
                continue;
            }
            out.append(c);
        }
        return out.toString();
    }

    private static boolean isIdentifierPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '.';
    }

    /** A compiled expression, or every reason it cannot be used (then {@code program} is null). */
    record Result(CelRuntime.Program program, List<String> errors) {}

    static Result compile(String expression) {
        var validation = CEL.compile(aliases(expression));
        if (validation.hasError()) {
            var errors = validation.getErrors().stream()
                    .map(issue -> "CEL: " + issue.getMessage() + at(issue.getSourceLocation()))
                    .toList();
            return new Result(null, errors);
        }
        CelAbstractSyntaxTree ast;
        try {
            ast = validation.getAst();
        } catch (Exception e) {
            return new Result(null, List.of("CEL: " + e.getMessage()));
        }
        var errors = new ArrayList<String>();
        var type = ast.getResultType();
        if (!type.equals(SimpleType.BOOL) && !type.equals(SimpleType.DYN)) {
            errors.add("must be a condition that is true or false (bool), but it gives " + type.name());
        }
        lint(ast, errors);
        if (!errors.isEmpty()) return new Result(null, errors);
        try {
            return new Result(CEL.createProgram(ast), List.of());
        } catch (CelEvaluationException e) {
            return new Result(null, List.of("CEL: " + e.getMessage()));
        }
    }

    /** Catches comparisons CEL type-checks but that cannot mean what the author meant. */
    private static void lint(CelAbstractSyntaxTree ast, List<String> errors) {
        CelNavigableAst.fromAst(ast).getRoot().allNodes().forEach(node -> {
            if (node.getKind() == CelExpr.ExprKind.Kind.SELECT) {
                var select = node.expr().select();
                if (isIdent(select.operand(), "principal") && !PRINCIPAL_FIELDS.contains(select.field())) {
                    errors.add("principal has no field '" + select.field() + "'" + at(ast, node) + "; it has "
                            + String.join(", ", PRINCIPAL_FIELDS.stream().sorted().toList()));
                }
                return;
            }
            if (node.getKind() != CelExpr.ExprKind.Kind.CALL) return;
            var call = node.expr().call();
            var fn = call.function();
            var args = call.args();
            if (ORDERINGS.contains(fn) && args.stream().anyMatch(RuleCompiler::isRiskIdent)) {
                errors.add("'risk' is a string, and " + fn.replace("_", "") + " compares strings alphabetically (\"critical\" < \"high\")"
                        + at(ast, node) + "; write risk.atLeast(\"high\") or compare riskLevel (0 read … 4 critical)");
            } else if (EQUALITIES.contains(fn) && args.size() == 2 && args.stream().anyMatch(RuleCompiler::isRiskIdent)) {
                for (var arg : args) {
                    if (isUnknownRisk(arg)) errors.add(unknownRisk(arg, ast, node));
                }
            } else if (EQUALITIES.contains(fn) && args.size() == 2 && args.stream().anyMatch(RuleCompiler::isPrincipalRole)) {
                for (var arg : args) {
                    if (isStringConstant(arg) && !ROLES.contains(arg.constant().stringValue())) {
                        errors.add("\"" + arg.constant().stringValue() + "\" is not a role" + at(ast, node) + "; roles are viewer, operator and admin");
                    }
                }
            } else if (fn.equals("atLeast")) {
                for (var arg : args) {
                    if (isUnknownRisk(arg)) errors.add(unknownRisk(arg, ast, node));
                }
                call.target().filter(RuleCompiler::isUnknownRisk).ifPresent(t -> errors.add(unknownRisk(t, ast, node)));
            }
        });
    }

    private static boolean isRiskIdent(CelExpr expr) {
        return isIdent(expr, "risk");
    }

    private static boolean isIdent(CelExpr expr, String name) {
        return expr.getKind() == CelExpr.ExprKind.Kind.IDENT && expr.ident().name().equals(name);
    }

    private static boolean isPrincipalRole(CelExpr expr) {
        return expr.getKind() == CelExpr.ExprKind.Kind.SELECT && isIdent(expr.select().operand(), "principal")
                && expr.select().field().equals("role");
    }

    private static boolean isStringConstant(CelExpr expr) {
        return expr.getKind() == CelExpr.ExprKind.Kind.CONSTANT && expr.constant().getKind() == CelConstant.Kind.STRING_VALUE;
    }

    private static boolean isUnknownRisk(CelExpr expr) {
        return isStringConstant(expr) && !RISKS.contains(expr.constant().stringValue());
    }

    private static String unknownRisk(CelExpr constant, CelAbstractSyntaxTree ast, CelNavigableExpr node) {
        return "\"" + constant.constant().stringValue() + "\" is not a risk level" + at(ast, node) + "; use " + RISK_NAMES;
    }

    private static String at(CelAbstractSyntaxTree ast, CelNavigableExpr node) {
        var source = ast.getSource();
        var offset = source.getPositionsMap().get(node.id());
        if (offset == null) return "";
        return source.getOffsetLocation(offset).map(RuleCompiler::at).orElse("");
    }

    private static String at(CelSourceLocation location) {
        if (location == null || location.equals(CelSourceLocation.NONE)) return "";
        var column = location.getColumn() + 1;
        return location.getLine() > 1
                ? " (line " + location.getLine() + ", column " + column + " of the expression)"
                : " (column " + column + " of the expression)";
    }
}
