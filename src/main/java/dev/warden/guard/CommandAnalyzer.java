package dev.warden.guard;

import static dev.warden.guard.Verdict.critical;
import static dev.warden.guard.Verdict.high;
import static dev.warden.guard.Verdict.medium;
import static dev.warden.guard.Verdict.read;

import dev.warden.action.ActionException;
import dev.warden.action.ErrorKind;
import dev.warden.action.Risk;
import dev.warden.guard.CommandAnalysis.ParsedCommand;
import dev.warden.guard.Pipes.Input;
import dev.warden.guard.ShellScript.Command;
import dev.warden.guard.ShellScript.Function;
import dev.warden.guard.ShellScript.Group;
import dev.warden.guard.ShellScript.Simple;
import dev.warden.guard.ShellScript.Word;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Parses a shell line (or an argv run without a shell) into the simple commands it will run and
 * classifies each; the line's risk is the highest of its parts. Wrappers are seen through, shell
 * strings ({@code sh -c}, {@code eval}, {@code su -c}, piped {@code echo ... | sh}) are parsed
 * recursively up to {@link #MAX_DEPTH} levels, substitutions are commands too.
 *
 * <p>Malformed input (an unterminated quote, a missing {@code fi}) never throws: what can be parsed is
 * analysed, and the line is at least {@code medium} with a reason naming the problem. Only a null or
 * blank command is refused, with {@code invalid_command}. The analyser keeps no state between calls.
 */
public final class CommandAnalyzer {
    /** Levels of shell-in-a-string ({@code sh -c "sh -c '...'"}) analysed before giving up as high. */
    static final int MAX_DEPTH = 8;

    private static final Set<String> INTERPRETERS = Set.of("python", "python2", "python3", "perl", "ruby", "node",
            "nodejs", "php", "lua", "Rscript", "pwsh", "tclsh", "deno", "osascript", "expect");
    private static final Set<String> SAFE_SOURCES = Set.of("/etc/os-release", "/usr/lib/os-release", "/etc/lsb-release");
    private static final Set<String> KNOWN_SOURCES = Set.of("activate", ".bashrc", ".profile", ".bash_profile", ".zshrc",
            "env", "nvm.sh", "profile", "bash.bashrc", "bash_completion");

    public CommandAnalysis analyze(String shellCommand) {
        if (shellCommand == null || shellCommand.isBlank()) throw empty();
        var walk = new Walk();
        walk.line(shellCommand, new Ctx(0, List.of(), read("")));
        return walk.result();
    }

    public CommandAnalysis analyzeArgv(List<String> argv) {
        if (argv == null || argv.isEmpty() || argv.getFirst() == null || argv.getFirst().isEmpty()) throw empty();
        var words = new ArrayList<Word>();
        for (var arg : argv) {
            if (arg == null) {
                throw new ActionException(ErrorKind.BAD_INPUT, "invalid_command", "An argument of the command is null.",
                        "Pass every argument as a string.");
            }
            words.add(Word.literal(arg));
        }
        var walk = new Walk();
        walk.command(new Simple(List.of(), words, List.of()), Input.NONE, new Ctx(0, List.of(), read("")));
        return walk.result();
    }

    private static ActionException empty() {
        return new ActionException(ErrorKind.BAD_INPUT, "invalid_command", "The command is empty.",
                "Pass the command line to run, for example \"ls -la\".");
    }

    /** How deep in nested shell strings, which wrappers led here, and the least risk they impose (sudo: medium). */
    private record Ctx(int depth, List<String> wrappers, Verdict floor) {
        Ctx inner(List<String> more, Verdict raise) {
            var all = new ArrayList<>(wrappers);
            all.addAll(more);
            return new Ctx(depth, all, floor.max(raise));
        }

        Ctx deeper() {
            return new Ctx(depth + 1, wrappers, floor);
        }
    }

    /** The state of one analysis. */
    private static final class Walk {
        private final List<ParsedCommand> commands = new ArrayList<>();
        private final List<Verdict> findings = new ArrayList<>();
        /** Files written by a downloader earlier in the line, by base name, with the downloader's name. */
        private final java.util.Map<String, String> downloaded = new java.util.HashMap<>();
        private String cwd;

        CommandAnalysis result() {
            var all = new ArrayList<Verdict>(findings);
            for (var c : commands) all.add(new Verdict(c.risk(), c.reason()));
            var risk = all.stream().map(Verdict::risk).max(Comparator.naturalOrder()).orElse(Risk.READ);
            var reasons = new LinkedHashSet<String>();
            all.stream().filter(v -> v.risk().compareTo(Risk.READ) > 0)
                    .sorted(Comparator.comparing(Verdict::risk).reversed())
                    .forEach(v -> reasons.add(v.reason()));
            return new CommandAnalysis(risk, commands, List.copyOf(reasons));
        }

        void line(String text, Ctx ctx) {
            if (ctx.depth() > MAX_DEPTH) {
                findings.add(high("shell strings nested more than " + MAX_DEPTH + " deep cannot be analysed"));
                return;
            }
            var parsed = ShellParser.parse(text);
            if (!parsed.problems().isEmpty()) {
                var first = parsed.problems().getFirst();
                var more = parsed.problems().size() > 1 ? " (and " + (parsed.problems().size() - 1) + " more problems)" : "";
                boolean unanalysable = parsed.problems().stream().anyMatch(p -> p.contains("too deeply") || p.contains("too large"));
                findings.add(unanalysable ? high("part of the command line cannot be analysed: " + first + more)
                        : medium("the command line is malformed (" + first + more + "); it may not run as analysed"));
            }
            script(parsed.script(), Input.NONE, ctx);
        }

        void script(ShellScript script, Input input, Ctx ctx) {
            for (var pipeline : script.pipelines()) {
                var stages = pipeline.stages();
                for (int i = 0; i < stages.size(); i++) {
                    var in = i == 0 ? input : Pipes.inputFrom(stages.subList(0, i), input);
                    command(stages.get(i), in, ctx);
                }
            }
        }

        void command(Command command, Input in, Ctx ctx) {
            switch (command) {
                case Group g -> {
                    g.data().forEach(w -> substitutions(w, ctx));
                    var redirect = redirects(g.redirects(), ctx);
                    if (redirect.risk().compareTo(Risk.READ) > 0) findings.add(redirect);
                    script(g.body(), in, ctx);
                }
                case Function f -> {
                    var bomb = Pipes.forkBomb(f);
                    if (bomb != null) findings.add(bomb);
                    command(f.body(), Input.NONE, ctx);
                }
                case Simple s -> simple(s, in, ctx);
            }
        }

        private void simple(Simple s, Input in, Ctx ctx) {
            var extra = read("");
            for (var a : s.assignments()) {
                substitutions(a, ctx);
                extra = extra.max(Wrappers.assignment(a.text()));
            }
            s.words().forEach(w -> substitutions(w, ctx));
            extra = extra.max(redirects(s.redirects(), ctx));
            in = Pipes.redirectedInput(s.redirects(), in);
            if (s.words().isEmpty()) {
                if (extra.risk().compareTo(Risk.READ) > 0) findings.add(extra.max(ctx.floor()));
                return;
            }
            var unwrapped = Wrappers.unwrap(s.words());
            var here = ctx.inner(unwrapped.wrappers(), unwrapped.floor());
            if (unwrapped.script() != null) {
                shellString(unwrapped.script(), String.join(" ", unwrapped.wrappers()), here);
                if (extra.risk().compareTo(Risk.READ) > 0) findings.add(extra);
                return;
            }
            var argv = unwrapped.argv();
            var verdict = classify(argv, in, here).max(extra).max(here.floor());
            var name = argv.getFirst().dynamic() ? "" : Invocation.baseName(argv.getFirst().text());
            if ((Wrappers.SHELLS.contains(name) || INTERPRETERS.contains(name)) && s.redirects().stream()
                    .anyMatch(r -> SystemPaths.isNetwork(SystemPaths.absolute(r.target().text(), r.target().dynamic(), cwd)))) {
                verdict = critical("reverse shell: " + name + " has its input or output connected to the network");
            }
            if (SystemRules.isDownloader(name)) rememberDownload(name, argv, s.redirects());
            commands.add(new ParsedCommand(argv.stream().map(Word::text).toList(), verdict.risk(), verdict.reason(), here.wrappers()));
        }

        private void rememberDownload(String name, List<Word> argv, List<ShellScript.Redirect> redirects) {
            var inv = new Invocation(name, argv.subList(1, argv.size()), cwd);
            var out = name.equals("wget") ? inv.option("-O", "--output-document") : inv.option("-o", "--output");
            if (out != null) downloaded.put(Invocation.baseName(out), name);
            for (var r : redirects) {
                if (r.writes()) downloaded.put(Invocation.baseName(r.target().text()), name);
            }
        }

        /** The downloader that wrote {@code file} earlier in this line, or null. */
        private String downloadedBy(String file) {
            return downloaded.isEmpty() ? null : downloaded.get(Invocation.baseName(file));
        }

        private Verdict classify(List<Word> argv, Input in, Ctx ctx) {
            var first = argv.getFirst();
            if (first.dynamic()) {
                var source = Pipes.downloader(first.substitutions());
                if (source != null) return critical("runs a command named by what " + source + " downloads");
                return high("the command name " + first.text() + " is only known at run time, so what runs cannot be judged");
            }
            var name = Invocation.baseName(first.text());
            var args = argv.subList(1, argv.size());
            var inv = new Invocation(name, args, cwd);
            if (first.text().contains("/") && downloadedBy(first.text()) != null) {
                return critical("runs " + first.text() + ", which " + downloadedBy(first.text()) + " downloaded earlier in the line");
            }
            switch (name) {
                case "eval" -> {
                    var joined = String.join(" ", args.stream().map(Word::text).toList());
                    var source = Pipes.downloader(args.stream().flatMap(w -> w.substitutions().stream()).toList());
                    if (source != null) return critical("eval runs code downloaded by " + source);
                    line(joined, ctx.deeper());
                    return args.stream().anyMatch(Word::dynamic) ? high("eval runs text built at run time, which cannot be known here")
                            : high("eval runs its arguments as shell code");
                }
                case "source", "." -> {
                    return source(args, in, ctx);
                }
                case "alias" -> {
                    for (var a : args) {
                        int eq = a.text().indexOf('=');
                        if (eq > 0) line(a.text().substring(eq + 1), ctx.deeper());
                    }
                    return args.isEmpty() ? read("alias lists aliases") : Verdict.low("alias redefines a command name");
                }
                case "trap" -> {
                    var operands = inv.operands();
                    if (operands.size() > 1) line(operands.getFirst().text(), ctx.deeper());
                    return operands.size() > 1 ? Verdict.low("trap sets a command to run on a signal") : read("trap lists traps");
                }
                case "cd", "pushd" -> {
                    var target = inv.operands();
                    cwd = target.isEmpty() ? "~" : target.getFirst().text().equals("-") ? null
                            : SystemPaths.absolute(target.getFirst().text(), target.getFirst().dynamic(), cwd);
                    return read(name + " changes the working directory");
                }
                case "find" -> {
                    return find(inv, ctx);
                }
                case "export", "declare", "typeset", "local", "readonly" -> {
                    var verdict = read(name + " sets shell variables");
                    for (var a : args) verdict = verdict.max(Wrappers.assignment(a.text()));
                    return verdict;
                }
                case "chmod" -> {
                    for (var a : args) {
                        if (downloadedBy(a.text()) != null && !a.text().startsWith("-") && args.size() > 1 && a != args.getFirst()) {
                            return critical("chmod makes " + a.text() + ", downloaded by " + downloadedBy(a.text()) + ", executable");
                        }
                    }
                }
                default -> { }
            }
            if (Wrappers.SHELLS.contains(name) || INTERPRETERS.contains(name) || name.startsWith("python")) {
                var consumer = shellOrInterpreter(name, args, in, ctx);
                if (consumer != null) return consumer;
            }
            return CommandRules.classify(inv);
        }

        /** A shell or interpreter without inline code: runs a file, or what it reads on standard input. */
        private Verdict shellOrInterpreter(String name, List<Word> args, Input in, Ctx ctx) {
            Word script = null;
            for (int i = 0; i < args.size(); i++) {
                var t = args.get(i).text();
                if (t.equals("-c") || t.equals("-e") || t.equals("-m") || t.equals("-V") || t.equals("--version")) return null;
                if (t.equals("-o") || t.equals("+o") || t.equals("-O") || t.equals("--rcfile") || t.equals("-W") || t.equals("-X")) {
                    i++;
                } else if (!t.startsWith("-") || t.equals("-")) {
                    script = args.get(i);
                    break;
                }
            }
            if (script != null && !script.text().equals("-") && !script.text().equals("/dev/stdin")) {
                if (script.text().startsWith("<(") || script.text().startsWith(">(")) {
                    var source = Pipes.downloader(script.substitutions());
                    return source != null ? critical(name + " runs code downloaded by " + source)
                            : high(name + " runs the output of another command as a program");
                }
                if (script.dynamic()) return high(name + " runs " + script.text() + ", a file named only at run time");
                if (downloadedBy(script.text()) != null) {
                    return critical(name + " runs " + script.text() + ", which " + downloadedBy(script.text()) + " downloaded earlier in the line");
                }
                return medium(name + " runs the script " + script.text() + ", which is not inspected here");
            }
            return consume(name, in, ctx);
        }

        private Verdict consume(String name, Input in, Ctx ctx) {
            if (in.download() != null) return critical("output of " + in.download() + " is run by " + name + ": downloaded code is executed");
            if (in.literal() != null) {
                if (Wrappers.SHELLS.contains(name) || name.equals("source") || name.equals(".")) {
                    line(in.literal(), ctx.deeper());
                    return read(name + " runs the commands given on its input, analysed separately");
                }
                return ScriptText.inlineCode(name, in.literal());
            }
            if (in.file() != null) return medium(name + " runs the script " + in.file() + ", which is not inspected here");
            if (in.piped()) return high(name + " runs commands read from a pipe, which cannot be inspected");
            return medium(name + " starts an interactive session");
        }

        private Verdict source(List<Word> args, Input in, Ctx ctx) {
            if (args.isEmpty()) return medium("source without a file");
            var file = args.getFirst();
            var text = file.text();
            if (text.startsWith("<(")) {
                var source = Pipes.downloader(file.substitutions());
                return source != null ? critical("source runs code downloaded by " + source)
                        : high("source runs the output of another command as shell code");
            }
            if (text.equals("/dev/stdin") || text.equals("/proc/self/fd/0") || text.equals("-")) return consume("source", in, ctx);
            if (file.dynamic()) return high("source runs " + text + ", a file named only at run time");
            if (downloadedBy(text) != null) return critical("source runs " + text + ", which " + downloadedBy(text) + " downloaded earlier in the line");
            var abs = SystemPaths.absolute(text, false, cwd);
            if (abs != null && SAFE_SOURCES.contains(abs)) return read("source " + text + " only sets variables");
            var base = Invocation.baseName(text);
            if (KNOWN_SOURCES.contains(base)) return medium("source " + text + " runs a shell start-up or environment file");
            return high("source runs the script " + text + ", whose content cannot be inspected here");
        }

        private Verdict find(Invocation inv, Ctx ctx) {
            var verdict = CommandRules.classify(inv);
            var args = inv.args();
            var starts = new ArrayList<String>();
            int i = 0;
            while (i < args.size() && Set.of("-H", "-L", "-P").contains(args.get(i).text())) i++;
            while (i < args.size() && !args.get(i).text().startsWith("-") && !args.get(i).text().equals("(")
                    && !args.get(i).text().equals("!")) {
                starts.add(args.get(i++).text());
            }
            if (starts.isEmpty()) starts.add(".");
            for (; i < args.size(); i++) {
                var t = args.get(i).text();
                if (!Set.of("-exec", "-execdir", "-ok", "-okdir").contains(t)) continue;
                var exec = new ArrayList<Word>();
                for (i++; i < args.size() && !args.get(i).text().equals(";") && !args.get(i).text().equals("+"); i++) {
                    exec.add(args.get(i));
                }
                if (exec.isEmpty()) continue;
                for (var start : starts.subList(0, Math.min(4, starts.size()))) {
                    var substituted = exec.stream().map(w -> w.text().equals("{}") ? Word.literal(start) : w).toList();
                    command(new Simple(List.of(), substituted, List.of()), Input.NONE, ctx.inner(List.of("find " + t), read("")));
                }
                verdict = verdict.max(Verdict.low("find " + t + " runs a command on every match"));
            }
            return verdict;
        }

        private void shellString(Word script, String via, Ctx ctx) {
            var source = Pipes.downloader(script.substitutions());
            if (source != null) findings.add(critical(via + " runs code downloaded by " + source));
            if (script.dynamic()) findings.add(high(via + " runs " + script.text() + ", text only known at run time"));
            line(script.text(), ctx.deeper());
        }

        private Verdict redirects(List<ShellScript.Redirect> redirects, Ctx ctx) {
            var verdict = read("");
            for (var r : redirects) {
                substitutions(r.target(), ctx);
                if (r.heredoc() != null) r.heredoc().substitutions().forEach(sub -> script(sub, Input.NONE, ctx));
                if (r.writes()) {
                    verdict = verdict.max(FileRules.write(r.target(), cwd, r.op().contains(">>"), "redirect " + r.op()));
                } else if (!r.duplicatesFd() && r.op().endsWith("<")) {
                    var abs = SystemPaths.absolute(r.target().text(), r.target().dynamic(), cwd);
                    if (SystemPaths.isNetwork(abs)) verdict = verdict.max(medium("reads from the network through " + abs));
                }
            }
            return verdict;
        }

        private void substitutions(Word word, Ctx ctx) {
            for (var sub : word.substitutions()) script(sub, Input.NONE, new Ctx(ctx.depth(), ctx.wrappers(), read("")));
        }
    }
}
