package dev.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import picocli.CommandLine;
import org.junit.jupiter.api.Test;

/** Which subcommands the command line is built with: the named one alone, or all of them. */
class MainTest {
    private static final CommandLine.IFactory FACTORY = CommandLine.defaultFactory();

    @Test
    void argumentsThatNameACommandGetThatCommandOnly() {
        assertThat(Main.commandLine(FACTORY, "serve", "--port", "0").getSubcommands()).containsOnlyKeys("serve");
        assertThat(Main.commandLine(FACTORY, "token", "list").getSubcommands()).containsOnlyKeys("token");
    }

    @Test
    void anythingElseGetsEveryCommandForTheUsageAndTheSuggestions() {
        var all = Main.commandLine().getSubcommands().keySet();
        assertThat(all).contains("serve", "mcp", "run", "audit", "token", "help").hasSizeGreaterThan(15);
        for (var args : new String[][] {{}, {"--help"}, {"help", "serve"}, {"serv"}, {"--version"}}) {
            assertThat(Main.commandLine(FACTORY, args).getSubcommands().keySet()).as(String.join(" ", args)).isEqualTo(all);
        }
    }
}
