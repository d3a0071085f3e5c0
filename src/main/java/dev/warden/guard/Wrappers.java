package dev.warden.guard;

import static dev.warden.guard.Verdict.high;
import static dev.warden.guard.Verdict.medium;
import static dev.warden.guard.Verdict.read;

import dev.warden.guard.ShellScript.Word;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Commands that run another command ({@code sudo}, {@code env}, {@code timeout}, {@code xargs}, {@code sh -c}):
 * peeled off until the command that does the work remains. A wrapper given no command is left in place so
 * the rules judge it on its own ({@code env} alone prints the environment).
 */
final class Wrappers {
    static final Set<String> SHELLS = Set.of("sh", "bash", "zsh", "dash", "ksh", "mksh", "ash", "fish", "csh", "tcsh",
            "yash", "rbash", "posh", "oksh", "pdksh", "ksh93");
    private static final Set<String> ENV_CODE = Set.of("LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT", "BASH_ENV", "ENV",
            "PROMPT_COMMAND", "SHELLOPTS", "BASHOPTS", "PS4", "GIT_SSH_COMMAND", "GIT_SSH", "GIT_EXTERNAL_DIFF", "GIT_PAGER",
            "GIT_EDITOR", "GIT_ASKPASS", "SSH_ASKPASS", "PYTHONSTARTUP", "PERL5OPT", "NODE_OPTIONS", "PYTHONPATH", "RUBYOPT",
            "LD_BIND_NOW", "DYLD_INSERT_LIBRARIES", "SUDO_ASKPASS", "PAGER", "EDITOR", "VISUAL", "MANPAGER");
    private static final int MAX_LAYERS = 32;

    /** The command that does the work; {@code script} is set instead when the wrapper runs a shell string. */
    record Unwrapped(List<Word> argv, List<String> wrappers, Verdict floor, Word script) {}

    private Wrappers() {}

    /** Risk of a {@code NAME=value} set before or around a command. */
    static Verdict assignment(String text) {
        int eq = text.indexOf('=');
        var name = eq < 0 ? text : text.substring(0, eq);
        if (name.endsWith("+")) name = name.substring(0, name.length() - 1);
        if (ENV_CODE.contains(name)) return high("setting " + name + " makes programs load or run other code");
        if (name.equals("PATH") || name.equals("IFS") || name.equals("CDPATH")) {
            return medium("setting " + name + " changes what the following commands mean");
        }
        return read("sets a variable");
    }

    static Unwrapped unwrap(List<Word> words) {
        var wrappers = new ArrayList<String>();
        Verdict floor = read("");
        var current = words;
        for (int layer = 0; layer < MAX_LAYERS && !current.isEmpty(); layer++) {
            var first = current.getFirst();
            if (first.dynamic()) break;
            var name = Invocation.baseName(first.text());
            var rest = current.subList(1, current.size());
            List<Word> next = null;
            Word script = null;
            switch (name) {
                case "sudo", "doas", "pkexec", "run0" -> {
                    var o = new Options(rest, "ugpCDrtTU", Set.of("--user", "--group", "--prompt", "--chdir", "--role",
                            "--type", "--other-user", "--host", "--close-from", "--chroot", "--command-timeout", "--config"));
                    if (o.has("e") || o.longs.contains("--edit")) {
                        next = new ArrayList<>(List.of(Word.literal("sudoedit")));
                        next.addAll(o.rest);
                    } else if (!o.rest.isEmpty() && !o.has("l")) {
                        next = o.rest;
                    }
                    if (next != null || script != null) floor = floor.max(medium("runs as root via " + name));
                }
                case "su", "runuser", "sg" -> {
                    var command = optionValue(rest, "-c", "--command");
                    if (command != null) {
                        script = command;
                        floor = floor.max(medium("runs as another user via " + name));
                    } else if (name.equals("runuser")) {
                        var o = new Options(rest, "ugGsw", Set.of("--user", "--group", "--supp-group", "--shell"));
                        if (!o.rest.isEmpty()) next = o.rest;
                    }
                }
                case "env" -> {
                    var o = new Options(rest, "uCSP", Set.of("--unset", "--chdir", "--split-string", "--block-signal",
                            "--default-signal", "--ignore-signal"));
                    var split = optionValue(rest, "-S", "--split-string");
                    var remaining = new ArrayList<Word>();
                    for (var w : o.rest) {
                        if (remaining.isEmpty() && ShellWords.isAssignment(w)) {
                            floor = floor.max(assignment(w.text()));
                        } else {
                            remaining.add(w);
                        }
                    }
                    if (split != null) {
                        script = split;
                    } else if (!remaining.isEmpty()) {
                        next = remaining;
                    }
                }
                case "nice" -> next = nonEmpty(skipNumericOption(new Options(rest, "n", Set.of("--adjustment")).rest));
                case "nohup", "setsid", "builtin", "unbuffer", "rlwrap", "fakeroot", "catchsegv", "torsocks", "tsocks",
                     "coproc", "caffeinate", "time", "exec", "stdbuf", "firejail", "valgrind", "systemd-run", "proxychains",
                     "proxychains4", "sshpass", "unshare", "nsenter", "ltrace", "strace", "numactl" -> {
                    var o = new Options(rest, switch (name) {
                        case "time" -> "fo";
                        case "exec" -> "a";
                        case "stdbuf" -> "ioe";
                        case "sshpass" -> "pfd";
                        case "nsenter" -> "tSGwr";
                        case "strace", "ltrace" -> "eoOsuaEPSXbIp";
                        case "systemd-run" -> "pEuMHs";
                        case "numactl" -> "NmCcipl";
                        case "proxychains", "proxychains4" -> "f";
                        default -> "";
                    }, Set.of("--property", "--unit", "--setenv", "--uid", "--gid", "--description", "--slice", "--target",
                            "--user", "--working-directory", "--machine", "--nice", "--input", "--output", "--error"));
                    if (name.equals("nsenter")) floor = floor.max(high("nsenter runs inside another process's namespaces, possibly the host's"));
                    if ((name.equals("strace") || name.equals("ltrace")) && o.has("p")) break;
                    if (!o.rest.isEmpty()) next = o.rest;
                }
                case "command" -> {
                    var o = new Options(rest, "", Set.of());
                    if (!o.has("v") && !o.has("V") && !o.rest.isEmpty()) next = o.rest;
                }
                case "ionice" -> {
                    var o = new Options(rest, "cnp", Set.of("--class", "--classdata", "--pid", "--pgid", "--uid"));
                    if (!o.has("p") && !o.rest.isEmpty()) next = o.rest;
                }
                case "timeout" -> {
                    var o = new Options(rest, "sk", Set.of("--signal", "--kill-after"));
                    if (o.rest.size() > 1) next = o.rest.subList(1, o.rest.size());
                }
                case "chroot" -> {
                    var o = new Options(rest, "", Set.of("--userspec", "--groups"));
                    if (o.rest.size() > 1) {
                        next = o.rest.subList(1, o.rest.size());
                        floor = floor.max(medium("runs inside chroot " + o.rest.getFirst().text()));
                    }
                }
                case "taskset", "chrt" -> {
                    var o = new Options(rest, "", Set.of("--cpu-list"));
                    if (!o.has("p") && o.rest.size() > 1) next = o.rest.subList(1, o.rest.size());
                }
                case "flock" -> {
                    var command = optionValue(rest, "-c", "--command");
                    var o = new Options(rest, "wEc", Set.of("--timeout", "--conflict-exit-code", "--command"));
                    if (command != null) {
                        script = command;
                    } else if (o.rest.size() > 1) {
                        next = o.rest.subList(1, o.rest.size());
                    }
                }
                case "xargs" -> {
                    var o = new Options(rest, "adEeIiLlnPsx", Set.of("--arg-file", "--delimiter", "--eof", "--replace",
                            "--max-lines", "--max-args", "--max-procs", "--max-chars", "--process-slot-var"));
                    if (!o.rest.isEmpty()) next = o.rest;
                }
                case "parallel" -> {
                    var o = new Options(rest, "jSaIdEn", Set.of("--jobs", "--sshlogin", "--arg-file", "--delimiter", "--joblog",
                            "--results", "--tmpdir", "--workdir", "--timeout", "--retries", "--colsep"));
                    var command = new ArrayList<Word>();
                    for (var w : o.rest) {
                        if (w.text().startsWith(":::")) break;
                        command.add(w);
                    }
                    if (!command.isEmpty()) script = join(command);
                }
                case "watch" -> {
                    var o = new Options(rest, "nqs", Set.of("--interval", "--differences", "--equexit", "--chgexit"));
                    if (!o.rest.isEmpty()) {
                        if (o.has("x") || o.longs.contains("--exec")) {
                            next = o.rest;
                        } else {
                            script = join(o.rest);
                        }
                    }
                }
                case "script" -> script = optionValue(rest, "-c", "--command");
                case "busybox", "toybox" -> {
                    if (!rest.isEmpty() && !rest.getFirst().text().startsWith("-")) next = rest;
                }
                case "ssh" -> {
                    var o = new Options(rest, "bcDEeFIiJLlmOopQRSWw", Set.of());
                    if (o.rest.size() > 1) {
                        script = join(o.rest.subList(1, o.rest.size()));
                        floor = floor.max(medium("runs on remote host " + o.rest.getFirst().text() + " via ssh"));
                    }
                }
                default -> {
                    if (SHELLS.contains(name)) script = shellScript(rest);
                }
            }
            if (script != null) {
                wrappers.add(name);
                return new Unwrapped(List.of(), wrappers, floor, script);
            }
            if (next == null) break;
            wrappers.add(name);
            current = next;
        }
        return new Unwrapped(current, wrappers, floor, null);
    }

    /** The script of {@code sh [-opts] -c SCRIPT [args]}, or null when the shell runs a file or reads its input. */
    static Word shellScript(List<Word> args) {
        boolean command = false;
        for (int i = 0; i < args.size(); i++) {
            var t = args.get(i).text();
            if (t.equals("--") || t.equals("-")) return command && i + 1 < args.size() ? args.get(i + 1) : null;
            if ((t.equals("-o") || t.equals("+o") || t.equals("-O") || t.equals("+O") || t.equals("--rcfile")
                    || t.equals("--init-file")) && i + 1 < args.size()) {
                i++;
            } else if (t.startsWith("--")) {
                if (t.equals("--command")) command = true;
            } else if ((t.startsWith("-") || t.startsWith("+")) && t.length() > 1) {
                if (t.indexOf('c', 1) > 0) command = true;
            } else {
                return command ? args.get(i) : null;
            }
        }
        return null;
    }

    private static Word join(List<Word> words) {
        var text = String.join(" ", words.stream().map(Word::text).toList());
        var stripped = String.join(" ", words.stream().map(Word::stripped).toList());
        var subs = words.stream().flatMap(w -> w.substitutions().stream()).toList();
        return new Word(text, stripped, words.stream().anyMatch(Word::dynamic), true, subs);
    }

    private static Word optionValue(List<Word> args, String shortOpt, String longOpt) {
        for (int i = 0; i < args.size(); i++) {
            var t = args.get(i).text();
            if ((t.equals(shortOpt) || t.equals(longOpt)) && i + 1 < args.size()) return args.get(i + 1);
            if (t.startsWith(longOpt + "=")) return Word.literal(t.substring(longOpt.length() + 1));
            if (t.startsWith("-") && !t.startsWith("--") && t.endsWith(shortOpt.substring(1)) && t.length() > 2
                    && i + 1 < args.size()) return args.get(i + 1);
        }
        return null;
    }

    private static List<Word> skipNumericOption(List<Word> rest) {
        if (!rest.isEmpty()) {
            var t = rest.getFirst().text();
            if (t.length() > 1 && t.charAt(0) == '-' && t.chars().skip(1).allMatch(Character::isDigit)) return rest.subList(1, rest.size());
        }
        return rest;
    }

    private static List<Word> nonEmpty(List<Word> words) {
        return words.isEmpty() ? null : words;
    }

    /** Leading options of a wrapper: short letters seen, long options seen, and what follows them. */
    private static final class Options {
        final StringBuilder flags = new StringBuilder();
        final List<String> longs = new ArrayList<>();
        final List<Word> rest;

        Options(List<Word> args, String shortWithValue, Set<String> longWithValue) {
            int i = 0;
            while (i < args.size()) {
                var t = args.get(i).text();
                if (t.equals("--")) {
                    i++;
                    break;
                }
                if (t.startsWith("--")) {
                    longs.add(t.contains("=") ? t.substring(0, t.indexOf('=')) : t);
                    i += !t.contains("=") && longWithValue.contains(t) ? 2 : 1;
                } else if (t.startsWith("-") && t.length() > 1) {
                    flags.append(t, 1, t.length());
                    char last = t.charAt(t.length() - 1);
                    boolean valueAttached = t.length() > 2 && shortWithValue.indexOf(t.charAt(1)) >= 0;
                    i += !valueAttached && shortWithValue.indexOf(last) >= 0 ? 2 : 1;
                } else {
                    break;
                }
            }
            rest = args.subList(Math.min(i, args.size()), args.size());
        }

        boolean has(String flag) {
            return flags.indexOf(flag) >= 0;
        }
    }
}
