package dev.warden.sandbox;

import java.util.List;
import java.util.Objects;

/** What to run: an argument vector executed as is, or a script for {@code /bin/sh -c}. */
public sealed interface Command {

    /** The program and its arguments; nothing is interpreted by a shell. */
    record Argv(List<String> args) implements Command {
        public Argv {
            args = List.copyOf(args);
            if (args.isEmpty() || args.getFirst().isEmpty()) {
                throw new IllegalArgumentException("argv needs a non-empty program name");
            }
        }

        public String program() {
            return args.getFirst();
        }
    }

    /** A shell command line, run by {@code /bin/sh -c}: pipes, redirections and expansions apply. */
    record Script(String source) implements Command {
        public Script {
            Objects.requireNonNull(source, "source");
        }
    }

    static Command argv(String... args) {
        return new Argv(List.of(args));
    }

    static Command script(String source) {
        return new Script(source);
    }
}
