package dev.warden.guard;

import java.util.List;

/**
 * The structure of a parsed shell line: lists of pipelines of commands. Only what risk analysis needs
 * is kept; in particular the connectives {@code &&}, {@code ||} and {@code ;} are not distinguished,
 * because any command in the line may run.
 */
record ShellScript(List<Pipeline> pipelines) {
    static final ShellScript EMPTY = new ShellScript(List.of());

    ShellScript {
        pipelines = List.copyOf(pipelines);
    }

    /** Commands joined by {@code |}; {@code background} when the pipeline ends in {@code &}. */
    record Pipeline(List<Command> stages, boolean background) {
        Pipeline {
            stages = List.copyOf(stages);
        }
    }

    sealed interface Command permits Simple, Group, Function {}

    /** {@code FOO=1 cmd args > out}. {@code words} may be empty (assignments or redirections only). */
    record Simple(List<Word> assignments, List<Word> words, List<Redirect> redirects) implements Command {
        Simple {
            assignments = List.copyOf(assignments);
            words = List.copyOf(words);
            redirects = List.copyOf(redirects);
        }
    }

    /**
     * A subshell, brace group or control structure ({@code if}, {@code while}, {@code for}, {@code case}),
     * flattened into one body. {@code data} holds words that are not commands but may hold substitutions
     * (the list of a {@code for}, the subject and patterns of a {@code case}).
     */
    record Group(ShellScript body, List<Word> data, List<Redirect> redirects) implements Command {
        Group {
            data = List.copyOf(data);
            redirects = List.copyOf(redirects);
        }
    }

    /** {@code name() { body; }}: the body is analysed as if it ran, since a definition is usually called. */
    record Function(String name, Command body) implements Command {}

    /**
     * One word after quote removal. Expansions stay in {@code text} as written ({@code $HOME}, {@code $(...)});
     * {@code stripped} is the text with every expansion removed (what remains if the variables are empty).
     * {@code dynamic} when the value is only known at run time; {@code quoted} when any quoting was used.
     */
    record Word(String text, String stripped, boolean dynamic, boolean quoted, List<ShellScript> substitutions) {
        Word {
            substitutions = List.copyOf(substitutions);
        }

        static Word literal(String text) {
            return new Word(text, text, false, false, List.of());
        }
    }

    /** {@code op} is the operator as written ({@code >}, {@code 2>>}, {@code &>}, {@code <<<}); {@code heredoc} only for {@code <<}. */
    record Redirect(String op, Word target, Heredoc heredoc) {
        boolean writes() {
            return op.contains(">") && !op.endsWith(">&") || op.endsWith(">&") && !isFdNumber(target.text());
        }

        boolean duplicatesFd() {
            return (op.endsWith(">&") || op.endsWith("<&")) && isFdNumber(target.text());
        }

        private static boolean isFdNumber(String text) {
            if (text.equals("-")) return true;
            var t = text.endsWith("-") ? text.substring(0, text.length() - 1) : text;
            if (t.isEmpty()) return false;
            for (int i = 0; i < t.length(); i++) {
                if (t.charAt(i) < '0' || t.charAt(i) > '9') return false;
            }
            return true;
        }
    }

    /** A here-document body; filled in when the parser reaches the line after the operator. */
    static final class Heredoc {
        private final boolean expands;
        private String body = "";
        private List<ShellScript> substitutions = List.of();

        Heredoc(boolean expands) {
            this.expands = expands;
        }

        boolean expands() {
            return expands;
        }

        String body() {
            return body;
        }

        List<ShellScript> substitutions() {
            return substitutions;
        }

        void fill(String body, List<ShellScript> substitutions) {
            this.body = body;
            this.substitutions = List.copyOf(substitutions);
        }
    }
}
