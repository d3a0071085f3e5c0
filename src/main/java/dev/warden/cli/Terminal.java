package dev.warden.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * The person's side of a conversation in the terminal: where their answers come from and whether
 * anyone is there to give them. Commands that talk with the person take one, so a test can type
 * the answers; everywhere else it is the process's own standard input.
 *
 * @param in            the person's lines
 * @param interactive   whether a person is at {@code in} (standard input is a terminal)
 * @param stderrIsTerminal whether a line redrawn in place on standard error makes sense
 */
record Terminal(BufferedReader in, boolean interactive, boolean stderrIsTerminal) {

    static Terminal system() {
        return new Terminal(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)),
                isTerminal(0), isTerminal(2));
    }

    /** The next line, without its end; null at the end of input. */
    String readLine() {
        try {
            return in.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException("reading standard input: " + e.getMessage(), e);
        }
    }

    /**
     * Whether file descriptor {@code fd} is a terminal (Linux: a tty device). {@code System.console()}
     * cannot say this under every JDK from 21 on, and only about all of stdin, stdout and stderr at once.
     */
    static boolean isTerminal(int fd) {
        try {
            var target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** Builds the commands with this terminal; picocli's default factory builds the rest. */
    CommandLine.IFactory factory() {
        var defaults = CommandLine.defaultFactory();
        return new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                if (type == AskCommand.class) return type.cast(new AskCommand(Terminal.this));
                if (type == ChatCommand.class) return type.cast(new ChatCommand(Terminal.this));
                return defaults.create(type);
            }
        };
    }
}
