package dev.warden.guard;

import static dev.warden.guard.Verdict.critical;
import static dev.warden.guard.Verdict.medium;

import dev.warden.guard.ShellScript.Command;
import dev.warden.guard.ShellScript.Function;
import dev.warden.guard.ShellScript.Group;
import dev.warden.guard.ShellScript.Pipeline;
import dev.warden.guard.ShellScript.Redirect;
import dev.warden.guard.ShellScript.Simple;
import dev.warden.guard.ShellScript.Word;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/** What flows between commands: where a command's input comes from, downloads, and self-replicating functions. */
final class Pipes {
    /**
     * A command's standard input: text known from the line ({@code echo ... |}, a here-document), the name of
     * a downloader whose output it is, a script file, or just "something piped".
     */
    record Input(String literal, String download, String file, boolean piped) {
        static final Input NONE = new Input(null, null, null, false);
    }

    private Pipes() {}

    /** The input of the stage after {@code upstream}. */
    static Input inputFrom(List<Command> upstream, Input first) {
        var download = first.download() != null ? first.download() : downloader(List.of(new ShellScript(List.of(new Pipeline(upstream, false)))));
        String text = null;
        for (int i = 0; i < upstream.size(); i++) {
            text = i == 0 ? literalOutput(upstream.getFirst()) : filter(upstream.get(i), text);
            if (text == null) break;
        }
        return new Input(text, download, null, true);
    }

    /** Here-documents, here-strings and {@code <} replace whatever the pipe delivered. */
    static Input redirectedInput(List<Redirect> redirects, Input in) {
        var result = in;
        for (var r : redirects) {
            var op = r.op();
            if (r.heredoc() != null) {
                var dl = downloader(r.heredoc().substitutions());
                result = new Input(r.heredoc().substitutions().isEmpty() ? r.heredoc().body() : null, dl, null, true);
            } else if (op.endsWith("<<<")) {
                var t = r.target();
                result = new Input(t.dynamic() ? null : t.text() + "\n", downloader(t.substitutions()), null, true);
            } else if (op.endsWith("<") && !op.endsWith("<<")) {
                var t = r.target();
                if (t.text().startsWith("<(")) {
                    result = new Input(null, downloader(t.substitutions()), null, true);
                } else {
                    result = new Input(null, null, t.text(), false);
                }
            }
        }
        return result;
    }

    /** The name of the first downloader ({@code curl}, {@code wget}, ...) run anywhere in the scripts, or null. */
    static String downloader(List<ShellScript> scripts) {
        return downloader(scripts, 0);
    }

    private static String downloader(List<ShellScript> scripts, int depth) {
        if (depth > CommandAnalyzer.MAX_DEPTH) return null;
        for (var script : scripts) {
            for (var pipeline : script.pipelines()) {
                for (var stage : pipeline.stages()) {
                    var found = downloader(stage, depth);
                    if (found != null) return found;
                }
            }
        }
        return null;
    }

    private static String downloader(Command command, int depth) {
        return switch (command) {
            case Group g -> downloader(List.of(g.body()), depth);
            case Function f -> downloader(f.body(), depth);
            case Simple s -> {
                for (var r : s.redirects()) {
                    if (r.target().text().startsWith("/dev/tcp/") || r.target().text().startsWith("/dev/udp/")) yield r.target().text();
                }
                for (var w : s.words()) {
                    var inner = downloader(w.substitutions(), depth);
                    if (inner != null) yield inner;
                }
                if (s.words().isEmpty()) yield null;
                var unwrapped = Wrappers.unwrap(s.words());
                if (unwrapped.script() != null) {
                    var inner = downloader(unwrapped.script().substitutions(), depth);
                    yield inner != null ? inner : downloader(List.of(ShellParser.parse(unwrapped.script().text()).script()), depth + 1);
                }
                var name = Invocation.baseName(unwrapped.argv().getFirst().text());
                yield SystemRules.isDownloader(name) ? name : null;
            }
        };
    }

    /** The text a command prints when it is {@code echo}, {@code printf} or {@code cat <<EOF}; null otherwise. */
    private static String literalOutput(Command command) {
        if (!(command instanceof Simple s) || s.words().isEmpty()) return null;
        var argv = Wrappers.unwrap(s.words()).argv();
        if (argv.isEmpty() || argv.stream().anyMatch(Word::dynamic)) return null;
        var name = Invocation.baseName(argv.getFirst().text());
        var args = argv.subList(1, argv.size()).stream().map(Word::text).toList();
        switch (name) {
            case "echo" -> {
                int i = 0;
                boolean escapes = false;
                while (i < args.size() && (args.get(i).equals("-n") || args.get(i).equals("-e") || args.get(i).equals("-E")
                        || args.get(i).equals("-ne") || args.get(i).equals("-en"))) {
                    escapes |= args.get(i).contains("e");
                    i++;
                }
                var text = String.join(" ", args.subList(i, args.size())) + "\n";
                return escapes ? ShellWords.decodeAnsiC(text) : text;
            }
            case "printf" -> {
                if (args.isEmpty()) return null;
                var format = ShellWords.decodeAnsiC(args.getFirst());
                var out = new StringBuilder();
                int next = 1;
                for (int i = 0; i < format.length(); i++) {
                    char c = format.charAt(i);
                    if (c == '%' && i + 1 < format.length()) {
                        char k = format.charAt(++i);
                        if (k == '%') out.append('%');
                        else if (next < args.size()) out.append(args.get(next++));
                    } else {
                        out.append(c);
                    }
                }
                return out.toString();
            }
            case "cat" -> {
                if (args.isEmpty()) {
                    var in = redirectedInput(s.redirects(), Input.NONE);
                    return in.literal();
                }
                return null;
            }
            default -> {
                return null;
            }
        }
    }

    /** Decoding filters an obfuscated payload passes through on its way to a shell. */
    private static String filter(Command command, String text) {
        if (text == null || !(command instanceof Simple s) || s.words().isEmpty()) return null;
        var argv = Wrappers.unwrap(s.words()).argv();
        var name = Invocation.baseName(argv.getFirst().text());
        var args = argv.subList(1, argv.size()).stream().map(Word::text).toList();
        try {
            return switch (name) {
                case "base64" -> args.contains("-d") || args.contains("--decode") || args.contains("-D")
                        ? new String(Base64.getMimeDecoder().decode(text.trim()), StandardCharsets.UTF_8) : null;
                case "xxd" -> args.contains("-r") && args.contains("-p")
                        ? new String(HexFormat.of().parseHex(withoutWhitespace(text)), StandardCharsets.UTF_8) : null;
                case "rev" -> new StringBuilder(text.stripTrailing()).reverse() + "\n";
                case "cat" -> args.isEmpty() ? text : null;
                default -> null;
            };
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String withoutWhitespace(String text) {
        var out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            if (!Character.isWhitespace(text.charAt(i))) out.append(text.charAt(i));
        }
        return out.toString();
    }

    /** {@code :(){ :|:& };:}: a function that starts copies of itself in a pipe or in the background. */
    static Verdict forkBomb(Function f) {
        var calls = new int[2];
        visit(f.body(), f.name(), calls);
        if (calls[1] > 0) return critical("fork bomb: function " + f.name() + " starts copies of itself in a pipe or in the background");
        if (calls[0] > 0) return medium("function " + f.name() + " calls itself");
        return null;
    }

    private static void visit(Command command, String name, int[] calls) {
        switch (command) {
            case Group g -> {
                for (var p : g.body().pipelines()) {
                    int here = 0;
                    for (var stage : p.stages()) {
                        if (stage instanceof Simple s && !s.words().isEmpty() && s.words().getFirst().text().equals(name)) here++;
                        visit(stage, name, calls);
                    }
                    calls[0] += here;
                    if (here > 0 && (p.stages().size() > 1 || p.background())) calls[1]++;
                }
            }
            case Function inner -> visit(inner.body(), name, calls);
            case Simple s -> { }
        }
    }
}
