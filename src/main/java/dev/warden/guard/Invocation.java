package dev.warden.guard;

import dev.warden.guard.ShellScript.Word;
import java.util.ArrayList;
import java.util.List;

/**
 * One command as the rules see it: its bare name ({@code /bin/rm} is {@code rm}), its argument words and
 * the working directory when the line made it known ({@code cd / && ...}), else null.
 */
record Invocation(String name, List<Word> args, String cwd) {
    Invocation {
        args = List.copyOf(args);
    }

    static String baseName(String command) {
        int slash = command.lastIndexOf('/');
        return slash >= 0 && slash < command.length() - 1 ? command.substring(slash + 1) : command;
    }

    String arg(int i) {
        return i < args.size() ? args.get(i).text() : null;
    }

    List<String> texts() {
        return args.stream().map(Word::text).toList();
    }

    /** The first argument that is not an option, or null. */
    String subcommand() {
        for (var a : args) {
            if (!a.text().startsWith("-")) return a.text();
        }
        return null;
    }

    /** True when a short option letter appears in any option cluster before {@code --} ({@code -rf} has r). */
    boolean hasShort(char letter) {
        for (var a : args) {
            var t = a.text();
            if (t.equals("--")) return false;
            if (t.length() > 1 && t.charAt(0) == '-' && t.charAt(1) != '-' && t.indexOf(letter, 1) > 0) return true;
        }
        return false;
    }

    /** True when a long option appears before {@code --}, alone or as {@code --name=value}. */
    boolean hasLong(String option) {
        for (var a : args) {
            var t = a.text();
            if (t.equals("--")) return false;
            if (t.equals(option) || t.startsWith(option + "=")) return true;
        }
        return false;
    }

    boolean hasArg(String text) {
        for (var a : args) {
            if (a.text().equals(text)) return true;
        }
        return false;
    }

    /** Arguments that are not options (everything after {@code --} counts); {@code withValue} options skip their value. */
    List<Word> operands(String shortWithValue, String... longWithValue) {
        var out = new ArrayList<Word>();
        boolean rest = false;
        for (int i = 0; i < args.size(); i++) {
            var t = args.get(i).text();
            if (rest || !t.startsWith("-") || t.equals("-")) {
                out.add(args.get(i));
            } else if (t.equals("--")) {
                rest = true;
            } else if (t.startsWith("--")) {
                for (var l : longWithValue) {
                    if (t.equals(l)) i++;
                }
            } else if (!shortWithValue.isEmpty() && shortWithValue.indexOf(t.charAt(t.length() - 1)) >= 0) {
                i++;
            }
        }
        return out;
    }

    List<Word> operands() {
        return operands("");
    }

    /** The value of {@code -x VALUE}, {@code -xVALUE}, {@code --long VALUE} or {@code --long=VALUE}, or null. */
    String option(String shortOpt, String longOpt) {
        for (int i = 0; i < args.size(); i++) {
            var t = args.get(i).text();
            if (t.equals("--")) return null;
            if (shortOpt != null && t.equals(shortOpt) || longOpt != null && t.equals(longOpt)) return arg(i + 1);
            if (longOpt != null && t.startsWith(longOpt + "=")) return t.substring(longOpt.length() + 1);
            if (shortOpt != null && t.startsWith(shortOpt) && !t.startsWith("--") && t.length() > 2) {
                return t.substring(2);
            }
        }
        return null;
    }
}
