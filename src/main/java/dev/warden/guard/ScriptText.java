package dev.warden.guard;

import static dev.warden.guard.Verdict.high;
import static dev.warden.guard.Verdict.medium;
import static dev.warden.guard.Verdict.read;

import java.util.Locale;

/**
 * Cheap looks into programs passed inline to other languages (sed, awk, python -c, ...). These are not
 * parsed; the checks only find the constructs that run commands or write files.
 */
final class ScriptText {
    private static final String[] RUNS_COMMANDS = {"system(", "popen", "subprocess", "os.exec", "exec(", "spawn",
            "shutil.rmtree", "os.remove", "os.unlink", "unlink(", "rmtree", "rm -rf", "runtime.getruntime", "processbuilder",
            "child_process", "`", "%x", "fs.rm", "kernel.exec", "io.popen", "passthru", "shell_exec", "proc_open"};

    private ScriptText() {}

    /** GNU sed's {@code e} command and {@code s///e} flag run commands; {@code w} writes files. */
    static Verdict sed(String script) {
        int i = 0;
        int n = script.length();
        while (i < n) {
            char c = script.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '{' || c == '}' || c == '!' || c == ','
                    || Character.isDigit(c) || c == '$' || c == '~' || c == '+') {
                i++;
            } else if (c == '/' || c == '\\') {
                char delim = c == '\\' && i + 1 < n ? script.charAt(++i) : '/';
                i = skipDelimited(script, i + 1, delim);
            } else if (c == 's' || c == 'y') {
                if (i + 1 >= n) break;
                char delim = script.charAt(i + 1);
                i = skipDelimited(script, i + 2, delim);
                i = skipDelimited(script, i, delim);
                int flagsStart = i;
                while (i < n && Character.isLetterOrDigit(script.charAt(i))) i++;
                var flags = script.substring(flagsStart, i);
                if (c == 's' && flags.indexOf('e') >= 0) return high("sed s///e runs the result as a shell command");
                if (c == 's' && flags.indexOf('w') >= 0) return medium("sed s///w writes to a file");
            } else if (c == 'e') {
                return high("sed's e command runs shell commands");
            } else if (c == 'w' || c == 'W') {
                return medium("sed's w command writes to a file");
            } else {
                while (i < n && script.charAt(i) != ';' && script.charAt(i) != '\n') i++;
            }
        }
        return read("sed script only edits text");
    }

    static Verdict awk(String program) {
        var p = program.replace(" ", "");
        if (p.contains("system(") || p.contains("|\"") || p.contains("\"|") || p.contains("|&") || p.contains("|getline")) {
            return high("awk program runs shell commands");
        }
        if (p.contains(">\"") || p.contains(">>\"") || p.contains("print>") || p.contains("printf>")) {
            return medium("awk program writes to files");
        }
        return read("awk program only reads");
    }

    /** python -c, perl -e and the like: arbitrary code, high when it visibly runs commands or deletes. */
    static Verdict inlineCode(String language, String code) {
        var lower = code.toLowerCase(Locale.ROOT);
        for (var marker : RUNS_COMMANDS) {
            if (lower.contains(marker)) return high(language + " inline code runs commands or deletes files (" + marker.trim() + ")");
        }
        return medium(language + " runs inline code, which is not analysed");
    }

    private static int skipDelimited(String s, int from, char delim) {
        int i = from;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == delim) {
                return i + 1;
            } else {
                i++;
            }
        }
        return s.length();
    }
}
