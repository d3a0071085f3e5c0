package dev.warden.guard;

import dev.warden.guard.ShellScript.Command;
import dev.warden.guard.ShellScript.Function;
import dev.warden.guard.ShellScript.Group;
import dev.warden.guard.ShellScript.Heredoc;
import dev.warden.guard.ShellScript.Pipeline;
import dev.warden.guard.ShellScript.Redirect;
import dev.warden.guard.ShellScript.Simple;
import dev.warden.guard.ShellScript.Word;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A single-pass recursive-descent parser for POSIX/bash command lines. It never throws on bad input:
 * it parses what it can and records each problem (unterminated quote, missing {@code fi}) so the caller
 * can treat the line as suspect. Errs on the side of finding more commands, never fewer.
 */
final class ShellParser {
    /** Parser nesting (substitutions, groups) beyond which the rest is not analysed. */
    static final int MAX_NESTING = 64;

    private static final Set<String> CLOSERS = Set.of("}", "fi", "then", "elif", "else", "do", "done", "esac");

    record Result(ShellScript script, List<String> problems) {}

    private final String src;
    private final int len;
    private final List<String> problems;
    private final List<Heredoc> pendingBodies = new ArrayList<>();
    private final List<String> pendingDelimiters = new ArrayList<>();
    private final List<Boolean> pendingStripTabs = new ArrayList<>();
    private final int baseNesting;
    private int pos;
    private int nesting;

    private ShellParser(String src, int baseNesting, List<String> problems) {
        this.src = src;
        this.len = src.length();
        this.baseNesting = baseNesting;
        this.nesting = baseNesting;
        this.problems = problems;
    }

    static Result parse(String src) {
        var problems = new ArrayList<String>();
        var script = new ShellParser(src, 0, problems).parseAll();
        return new Result(script, problems);
    }

    private ShellScript parseAll() {
        var pipelines = new ArrayList<Pipeline>();
        while (true) {
            pipelines.addAll(parseList(false).pipelines());
            if (pos >= len) break;
            problem("unexpected '" + describeAt() + "'");
            pos += peekReserved() != null ? peekReserved().length() : 1;
        }
        return new ShellScript(pipelines);
    }

    // ---- lists, pipelines, commands -------------------------------------------------------------

    /** Parses pipelines until the end, a {@code )} (when {@code inParens}) or a closing reserved word. */
    private ShellScript parseList(boolean inParens) {
        var pipelines = new ArrayList<Pipeline>();
        while (true) {
            skipSeparatorsAndComments();
            if (pos >= len) break;
            char c = src.charAt(pos);
            if (c == ')') {
                if (inParens) break;
                problem("unexpected ')'");
                pos++;
                continue;
            }
            if (c == ';' && (at(pos + 1) == ';' || at(pos + 1) == '&')) break;
            var reserved = peekReserved();
            if (reserved != null && CLOSERS.contains(reserved)) break;
            int before = pos;
            var stages = parsePipeline();
            skipBlanks();
            boolean background = false;
            if (pos < len) {
                c = src.charAt(pos);
                if (c == '&' && at(pos + 1) == '&' || c == '|' && at(pos + 1) == '|') {
                    pos += 2;
                } else if (c == '&' && at(pos + 1) != '>') {
                    background = true;
                    pos++;
                } else if (c == ';' && at(pos + 1) != ';' && at(pos + 1) != '&') {
                    pos++;
                } else if (c == '\n') {
                    newline();
                }
            }
            if (!stages.isEmpty()) pipelines.add(new Pipeline(stages, background));
            if (pos == before) {
                problem("unexpected '" + describeAt() + "'");
                pos++;
            }
        }
        return new ShellScript(pipelines);
    }

    private List<Command> parsePipeline() {
        var stages = new ArrayList<Command>();
        skipBlanks();
        for (String r = peekReserved(); "!".equals(r) || "time".equals(r); r = peekReserved()) {
            pos += r.length();
            skipBlanks();
            if (r.equals("time") && at(pos) == '-' && at(pos + 1) == 'p' && isDelimiter(pos + 2)) {
                pos += 2;
                skipBlanks();
            }
        }
        while (true) {
            var command = parseCommand();
            if (command != null) stages.add(command);
            skipBlanks();
            if (at(pos) == '|' && at(pos + 1) != '|') {
                pos += at(pos + 1) == '&' ? 2 : 1;
                skipSeparatorsAndComments();
                continue;
            }
            return stages;
        }
    }

    private Command parseCommand() {
        skipBlanks();
        if (pos >= len) return null;
        if (src.charAt(pos) == '(') {
            if (at(pos + 1) == '(') {
                int save = pos;
                var arithmetic = arithmeticCommand();
                if (arithmetic != null) return arithmetic;
                pos = save;
            }
            pos++;
            var body = nested(() -> parseList(true));
            expect(")", "subshell");
            return new Group(body, List.of(), trailingRedirects());
        }
        var reserved = peekReserved();
        if (reserved == null) return parseSimple();
        return switch (reserved) {
            case "{" -> {
                pos++;
                var body = nested(() -> parseList(false));
                expectWord("}", "{");
                yield new Group(body, List.of(), trailingRedirects());
            }
            case "if" -> compound("if", Set.of("then", "elif", "else"), "fi");
            case "while", "until" -> compound(reserved, Set.of("do"), "done");
            case "for", "select" -> forLoop(reserved);
            case "case" -> caseStatement();
            case "function" -> functionKeyword();
            case "[[" -> conditional();
            default -> parseSimple();
        };
    }

    /** {@code if}/{@code while}/{@code until}: every part is a list of commands that may run. */
    private Command compound(String keyword, Set<String> middles, String end) {
        pos += keyword.length();
        var pipelines = new ArrayList<Pipeline>();
        while (true) {
            pipelines.addAll(nested(() -> parseList(false)).pipelines());
            var r = peekReserved();
            if (r != null && middles.contains(r)) {
                pos += r.length();
                continue;
            }
            if (end.equals(r)) {
                pos += r.length();
            } else {
                problem("'" + keyword + "' without '" + end + "'");
            }
            return new Group(new ShellScript(pipelines), List.of(), trailingRedirects());
        }
    }

    private Command forLoop(String keyword) {
        pos += keyword.length();
        skipBlanks();
        var data = new ArrayList<Word>();
        if (at(pos) == '(' && at(pos + 1) == '(') {
            pos += 2;
            var arithmetic = scanNested('(', ')', 2);
            if (arithmetic != null) data.add(arithmetic);
        } else {
            data.addAll(parseWords());
            skipOneSemicolon();
            if ("in".equals(peekReserved())) {
                pos += 2;
                while (true) {
                    skipBlanks();
                    if (pos >= len || at(pos) == ';' || at(pos) == '\n' || at(pos) == '#') break;
                    int before = pos;
                    data.addAll(parseWords());
                    if (pos == before) break;
                }
            }
        }
        skipOneSemicolon();
        var opener = peekReserved();
        if ("do".equals(opener)) {
            var loop = compound("do", Set.of(), "done");
            return new Group(((Group) loop).body(), data, ((Group) loop).redirects());
        }
        if ("{".equals(opener)) {
            var group = (Group) parseCommand();
            return new Group(group.body(), data, group.redirects());
        }
        problem("'" + keyword + "' without 'do'");
        return new Group(ShellScript.EMPTY, data, List.of());
    }

    private Command caseStatement() {
        pos += 4;
        skipBlanks();
        var data = new ArrayList<>(parseWords());
        skipSeparatorsAndComments();
        if ("in".equals(peekReserved())) {
            pos += 2;
        } else {
            problem("'case' without 'in'");
        }
        var pipelines = new ArrayList<Pipeline>();
        while (true) {
            skipSeparatorsAndComments();
            if (pos >= len) {
                problem("'case' without 'esac'");
                break;
            }
            if ("esac".equals(peekReserved())) {
                pos += 4;
                break;
            }
            if (at(pos) == '(') pos++;
            while (pos < len) {
                skipBlanks();
                char c = src.charAt(pos);
                if (c == ')') {
                    pos++;
                    break;
                }
                int before = pos;
                if (c == '|') {
                    pos++;
                } else {
                    data.addAll(parseWords());
                }
                if (pos == before) {
                    problem("unexpected '" + describeAt() + "' in a case pattern");
                    pos++;
                }
            }
            pipelines.addAll(nested(() -> parseList(false)).pipelines());
            if (at(pos) == ';') {
                pos += at(pos + 2) == '&' ? 3 : 2;
            } else if (!"esac".equals(peekReserved()) && pos < len) {
                problem("unexpected '" + describeAt() + "' in a case statement");
                pos++;
            }
        }
        return new Group(new ShellScript(pipelines), data, trailingRedirects());
    }

    private Command functionKeyword() {
        pos += "function".length();
        skipBlanks();
        var nameWords = parseWords();
        var name = nameWords.isEmpty() ? "" : nameWords.getFirst().text();
        skipBlanks();
        if (at(pos) == '(' && nextNonBlank(pos + 1) == ')') pos = src.indexOf(')', pos) + 1;
        skipSeparatorsAndComments();
        var body = parseCommand();
        return new Function(name, body == null ? new Group(ShellScript.EMPTY, List.of(), List.of()) : body);
    }

    /** {@code [[ ... ]]}: operators inside are words of the test, not shell operators. */
    private Command conditional() {
        var words = new ArrayList<Word>();
        words.add(Word.literal("[["));
        pos += 2;
        while (true) {
            skipBlanks();
            if (pos >= len || at(pos) == ';' || at(pos) == '\n') {
                problem("'[[' without ']]'");
                break;
            }
            if ("]]".equals(peekReserved())) {
                pos += 2;
                words.add(Word.literal("]]"));
                break;
            }
            int start = pos;
            while (pos < len && "&|<>()!".indexOf(src.charAt(pos)) >= 0) pos++;
            if (pos > start) {
                words.add(Word.literal(src.substring(start, pos)));
            } else {
                words.addAll(parseWords());
                if (pos == start) pos++;
            }
        }
        return new Simple(List.of(), words, trailingRedirects());
    }

    /** {@code (( expr ))}, or null when the parentheses do not close as {@code ))} (then it is a subshell). */
    private Command arithmeticCommand() {
        pos += 2;
        var word = scanNested('(', ')', 2);
        if (word == null) return null;
        return new Simple(List.of(), List.of(Word.literal("(("), word), trailingRedirects());
    }

    private Command parseSimple() {
        var assignments = new ArrayList<Word>();
        var words = new ArrayList<Word>();
        var redirects = new ArrayList<Redirect>();
        while (true) {
            skipBlanks();
            if (pos >= len) break;
            char c = src.charAt(pos);
            if (c == '#') {
                skipComment();
                break;
            }
            if ((c == '<' || c == '>') && at(pos + 1) == '(') {
                words.addAll(parseWords());
                continue;
            }
            if (redirectAhead()) {
                redirects.addAll(parseRedirect());
                continue;
            }
            if (c == '(') {
                if (words.size() == 1 && assignments.isEmpty() && nextNonBlank(pos + 1) == ')') {
                    pos = src.indexOf(')', pos) + 1;
                    skipSeparatorsAndComments();
                    var body = parseCommand();
                    var name = words.getFirst().text();
                    return new Function(name, body == null ? new Group(ShellScript.EMPTY, List.of(), List.of()) : body);
                }
                problem("unexpected '('");
                pos++;
                continue;
            }
            if (isOperatorStart(c) || c == '\n' || c == ')') break;
            int before = pos;
            for (var w : parseWords()) {
                if (words.isEmpty() && ShellWords.isAssignment(w)) {
                    assignments.add(w);
                } else {
                    words.add(w);
                }
            }
            if (pos == before) {
                problem("unexpected '" + c + "'");
                pos++;
            }
        }
        if (assignments.isEmpty() && words.isEmpty() && redirects.isEmpty()) return null;
        return new Simple(assignments, words, redirects);
    }

    private List<Redirect> trailingRedirects() {
        var redirects = new ArrayList<Redirect>();
        while (true) {
            skipBlanks();
            if (!redirectAhead()) return redirects;
            redirects.addAll(parseRedirect());
        }
    }

    // ---- redirections and here-documents ---------------------------------------------------------

    private boolean redirectAhead() {
        int i = pos;
        while (i < len && Character.isDigit(src.charAt(i))) i++;
        char c = at(i);
        if (c == '<' || c == '>') return at(i + 1) != '(' || i > pos;
        return i == pos && c == '&' && at(i + 1) == '>';
    }

    private List<Redirect> parseRedirect() {
        int start = pos;
        while (pos < len && Character.isDigit(src.charAt(pos))) pos++;
        String[] ops = {"&>>", "&>", "<<<", "<<-", "<<", "<>", "<&", ">>", ">|", ">&", "<", ">"};
        String op = null;
        for (var candidate : ops) {
            if (src.startsWith(candidate, pos)) {
                op = candidate;
                break;
            }
        }
        if (op == null) op = String.valueOf(src.charAt(pos));
        pos += op.length();
        var written = src.substring(start, pos);
        skipBlanks();
        var targets = parseWords();
        if (targets.isEmpty()) {
            problem("redirection '" + written + "' without a target");
            return List.of();
        }
        if (op.startsWith("<<") && !op.equals("<<<")) {
            var delimiter = targets.getFirst();
            var heredoc = new Heredoc(!delimiter.quoted());
            pendingBodies.add(heredoc);
            pendingDelimiters.add(delimiter.text());
            pendingStripTabs.add(op.equals("<<-"));
            return List.of(new Redirect(written, delimiter, heredoc));
        }
        return targets.stream().map(t -> new Redirect(written, t, null)).toList();
    }

    private void newline() {
        pos++;
        for (int i = 0; i < pendingBodies.size(); i++) {
            var body = new StringBuilder();
            boolean closed = false;
            while (pos < len) {
                int end = src.indexOf('\n', pos);
                if (end < 0) end = len;
                var line = src.substring(pos, end);
                pos = Math.min(end + 1, len);
                var compared = pendingStripTabs.get(i) ? stripLeadingTabs(line) : line;
                if (compared.equals(pendingDelimiters.get(i))) {
                    closed = true;
                    break;
                }
                body.append(line).append('\n');
            }
            if (!closed) problem("here-document not closed by '" + pendingDelimiters.get(i) + "'");
            var heredoc = pendingBodies.get(i);
            var substitutions = heredoc.expands() && nesting < MAX_NESTING
                    ? new ShellParser(body.toString(), nesting + 1, problems).expansionsOnly()
                    : List.<ShellScript>of();
            heredoc.fill(body.toString(), substitutions);
        }
        pendingBodies.clear();
        pendingDelimiters.clear();
        pendingStripTabs.clear();
    }

    /** Reads the whole source as the inside of double quotes, keeping only the commands it substitutes. */
    private List<ShellScript> expansionsOnly() {
        var word = new ShellWords.Builder();
        doubleQuoted(word, false);
        return word.substitutions();
    }

    // ---- words -----------------------------------------------------------------------------------

    /** One word as written; brace expansion and {@code $IFS} splitting can turn it into several. */
    private List<Word> parseWords() {
        var word = new ShellWords.Builder();
        while (pos < len) {
            char c = src.charAt(pos);
            if ((c == '<' || c == '>') && at(pos + 1) == '(') {
                int start = pos;
                pos += 2;
                var script = nested(() -> parseList(true));
                expect(")", "process substitution");
                word.substitution(src.substring(start, pos), script);
                continue;
            }
            if (c == '(' && word.isAssignmentPrefix()) {
                pos++;
                word.literal("(", true);
                while (true) {
                    skipSeparatorsAndComments();
                    if (pos >= len || at(pos) == ')') break;
                    int before = pos;
                    for (var element : parseWords()) word.merge(element);
                    if (pos == before) pos++;
                }
                expect(")", "array assignment");
                word.literal(")", true);
                continue;
            }
            if (isBlank(c) || c == '\n' || isOperatorStart(c) || c == '(' || c == ')') break;
            switch (c) {
                case '\\' -> {
                    if (at(pos + 1) == '\n') {
                        pos += 2;
                    } else if (pos + 1 >= len) {
                        word.literal("\\", false);
                        pos++;
                    } else {
                        word.literal(String.valueOf(src.charAt(pos + 1)), false);
                        word.markQuoted();
                        pos += 2;
                    }
                }
                case '\'' -> {
                    int end = src.indexOf('\'', pos + 1);
                    if (end < 0) {
                        problem("unterminated single quote");
                        end = len;
                    }
                    word.literal(src.substring(pos + 1, end), false);
                    word.markQuoted();
                    pos = Math.min(end + 1, len);
                }
                case '"' -> {
                    pos++;
                    word.markQuoted();
                    doubleQuoted(word, true);
                }
                case '`' -> backtick(word);
                case '$' -> dollar(word, false);
                default -> {
                    word.literal(String.valueOf(c), true);
                    pos++;
                }
            }
        }
        return word.build(problems);
    }

    /** Inside {@code "..."} (or a here-document when {@code closing} is false). */
    private void doubleQuoted(ShellWords.Builder word, boolean closing) {
        while (pos < len) {
            char c = src.charAt(pos);
            if (c == '"' && closing) {
                pos++;
                return;
            }
            if (c == '\\' && pos + 1 < len) {
                char n = src.charAt(pos + 1);
                if (n == '\n') {
                    pos += 2;
                } else if (n == '$' || n == '`' || n == '"' || n == '\\') {
                    word.literal(String.valueOf(n), false);
                    pos += 2;
                } else {
                    word.literal("\\", false);
                    pos++;
                }
            } else if (c == '`') {
                backtick(word);
            } else if (c == '$') {
                dollar(word, true);
            } else {
                word.literal(String.valueOf(c), false);
                pos++;
            }
        }
        if (closing) problem("unterminated double quote");
    }

    private void dollar(ShellWords.Builder word, boolean inDoubleQuotes) {
        char n = at(pos + 1);
        if (n == '(' && at(pos + 2) == '(') {
            int save = pos;
            pos += 3;
            var arithmetic = scanNested('(', ')', 2);
            if (arithmetic != null) {
                word.expansion(src.substring(save, pos), arithmetic.substitutions());
                return;
            }
            pos = save;
        }
        if (n == '(') {
            int start = pos;
            pos += 2;
            var script = nested(() -> parseList(true));
            expect(")", "command substitution");
            word.substitution(src.substring(start, pos), script);
        } else if (n == '{') {
            int start = pos;
            pos += 2;
            var inner = scanNested('{', '}', 1);
            var text = src.substring(start, pos);
            if (!inDoubleQuotes && text.equals("${IFS}")) {
                word.split();
            } else {
                word.expansion(text, inner == null ? List.of() : inner.substitutions());
            }
        } else if (n == '[') {
            int start = pos;
            pos += 2;
            var inner = scanNested('[', ']', 1);
            word.expansion(src.substring(start, pos), inner == null ? List.of() : inner.substitutions());
        } else if (n == '\'' && !inDoubleQuotes) {
            pos += 2;
            int end = ShellWords.ansiCEnd(src, pos);
            if (end >= len) problem("unterminated $'...' quote");
            word.literal(ShellWords.decodeAnsiC(src.substring(pos, Math.min(end, len))), false);
            word.markQuoted();
            pos = Math.min(end + 1, len);
        } else if (n == '"' && !inDoubleQuotes) {
            pos += 2;
            word.markQuoted();
            doubleQuoted(word, true);
        } else if (Character.isLetter(n) || n == '_') {
            int start = pos++;
            while (pos < len && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_')) pos++;
            var text = src.substring(start, pos);
            if (!inDoubleQuotes && text.equals("$IFS")) {
                word.split();
            } else {
                word.expansion(text, List.of());
            }
        } else if (Character.isDigit(n) || "@*#?-$!".indexOf(n) >= 0 && n != 0) {
            word.expansion(src.substring(pos, pos + 2), List.of());
            pos += 2;
        } else {
            word.literal("$", !inDoubleQuotes);
            pos++;
        }
    }

    private void backtick(ShellWords.Builder word) {
        int start = pos++;
        var inner = new StringBuilder();
        boolean closed = false;
        while (pos < len) {
            char c = src.charAt(pos);
            if (c == '\\' && pos + 1 < len && "$`\\".indexOf(src.charAt(pos + 1)) >= 0) {
                inner.append(src.charAt(pos + 1));
                pos += 2;
            } else if (c == '`') {
                pos++;
                closed = true;
                break;
            } else {
                inner.append(c);
                pos++;
            }
        }
        if (!closed) problem("unterminated backquote");
        ShellScript script = ShellScript.EMPTY;
        if (nesting + 1 >= MAX_NESTING) {
            problem("nested too deeply to analyse");
        } else {
            var sub = new ShellParser(inner.toString(), nesting + 1, problems);
            script = sub.parseAll();
        }
        word.substitution(src.substring(start, pos), script);
    }

    /**
     * Scans {@code ${...}}, {@code $[...]} or {@code ((...))} up to the closing bracket, collecting the
     * commands substituted inside. For {@code closers == 2} the end must be a double {@code ))};
     * otherwise returns null and the caller re-reads it as a subshell.
     */
    private Word scanNested(char open, char close, int closers) {
        var word = new ShellWords.Builder();
        int depth = 0;
        while (pos < len) {
            char c = src.charAt(pos);
            if (c == open) {
                depth++;
                pos++;
            } else if (c == close) {
                if (depth > 0) {
                    depth--;
                    pos++;
                } else if (closers == 2) {
                    if (at(pos + 1) != close) return null;
                    pos += 2;
                    return word.buildOne();
                } else {
                    pos++;
                    return word.buildOne();
                }
            } else if (c == '$' || c == '`' || c == '"') {
                if (c == '"') {
                    pos++;
                    doubleQuoted(word, true);
                } else if (c == '`') {
                    backtick(word);
                } else {
                    dollar(word, true);
                }
            } else if (c == '\'' && open == '{') {
                int end = src.indexOf('\'', pos + 1);
                pos = end < 0 ? len : end + 1;
            } else if (c == '\\') {
                pos = Math.min(pos + 2, len);
            } else {
                pos++;
            }
        }
        if (closers == 2) return null;
        problem("unterminated '" + open + "'");
        return word.buildOne();
    }

    // ---- small helpers ---------------------------------------------------------------------------

    private ShellScript nested(java.util.function.Supplier<ShellScript> inner) {
        if (nesting + 1 >= MAX_NESTING) {
            problem("nested too deeply to analyse");
            skipToMatchingClose();
            return ShellScript.EMPTY;
        }
        nesting++;
        try {
            return inner.get();
        } finally {
            nesting--;
        }
    }

    /** Skips the rest of an over-deep construct; quoting is ignored since it is not analysed anyway. */
    private void skipToMatchingClose() {
        int depth = 0;
        while (pos < len) {
            char c = src.charAt(pos);
            if (c == '(' || c == '{') depth++;
            if ((c == ')' || c == '}') && depth-- == 0) return;
            pos++;
        }
    }

    private void expect(String closer, String what) {
        if (src.startsWith(closer, pos)) {
            pos += closer.length();
        } else {
            problem(what + " without '" + closer + "'");
        }
    }

    private void expectWord(String closer, String opener) {
        if (closer.equals(peekReserved())) {
            pos += closer.length();
        } else {
            problem("'" + opener + "' without '" + closer + "'");
        }
    }

    /** The reserved word or unquoted plain word at the cursor, if it is one of the shell's keywords. */
    private String peekReserved() {
        int end = pos;
        while (end < len && "abcdefghijklmnopqrstuvwxyz{}[]!".indexOf(src.charAt(end)) >= 0) end++;
        if (end == pos || !isDelimiter(end)) return null;
        var word = src.substring(pos, end);
        return switch (word) {
            case "{", "}", "!", "[[", "]]", "if", "then", "elif", "else", "fi", "while", "until", "do", "done",
                 "for", "select", "in", "case", "esac", "function", "time" -> word;
            default -> null;
        };
    }

    private boolean isDelimiter(int i) {
        if (i >= len) return true;
        char c = src.charAt(i);
        return isBlank(c) || c == '\n' || isOperatorStart(c) || c == '(' || c == ')';
    }

    private void skipBlanks() {
        while (pos < len) {
            char c = src.charAt(pos);
            if (isBlank(c)) {
                pos++;
            } else if (c == '\\' && at(pos + 1) == '\n') {
                pos += 2;
            } else {
                return;
            }
        }
    }

    private void skipSeparatorsAndComments() {
        while (true) {
            skipBlanks();
            if (pos >= len) return;
            char c = src.charAt(pos);
            if (c == '\n') {
                newline();
            } else if (c == '#') {
                skipComment();
            } else {
                return;
            }
        }
    }

    private void skipOneSemicolon() {
        skipBlanks();
        if (at(pos) == ';' && at(pos + 1) != ';') pos++;
        skipSeparatorsAndComments();
    }

    private void skipComment() {
        while (pos < len && src.charAt(pos) != '\n') pos++;
    }

    private int nextNonBlank(int from) {
        int i = from;
        while (i < len && isBlank(src.charAt(i))) i++;
        return i < len ? src.charAt(i) : 0;
    }

    private char at(int i) {
        return i < len && i >= 0 ? src.charAt(i) : 0;
    }

    private String describeAt() {
        if (pos >= len) return "end of line";
        int end = pos + 1;
        while (end < len && end < pos + 10 && !isBlank(src.charAt(end)) && src.charAt(end) != '\n') end++;
        return src.substring(pos, end);
    }

    private static String stripLeadingTabs(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) == '\t') i++;
        return line.substring(i);
    }

    private void problem(String text) {
        if (problems.size() < 20) problems.add(text + (nesting > baseNesting || baseNesting > 0 ? "" : " at " + pos));
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == 0x0b;
    }

    private static boolean isOperatorStart(char c) {
        return c == ';' || c == '&' || c == '|' || c == '<' || c == '>';
    }
}
