package dev.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code warden mcp --tool-names}: only the two spellings, refused before anything is opened. */
class McpCommandTest {
    @Test
    void anUnknownSpellingIsAUsageError() {
        var err = new StringWriter();
        var cli = Main.commandLine();
        cli.setOut(new PrintWriter(new StringWriter(), true));
        cli.setErr(new PrintWriter(err, true));
        assertThat(cli.execute("mcp", "--tool-names=camel")).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("expected dotted or underscore", "camel");
    }

    @Test
    void bothSpellingsParseInAnyCase() {
        for (var value : new String[] {"dotted", "underscore", "UNDERSCORE"}) {
            var parsed = Main.commandLine().parseArgs("mcp", "--tool-names=" + value);
            var mcp = (McpCommand) parsed.subcommand().commandSpec().userObject();
            assertThat(mcp.toolNames.value()).isEqualTo(value.toLowerCase(Locale.ROOT));
        }
        var defaulted = Main.commandLine().parseArgs("mcp");
        assertThat(((McpCommand) defaulted.subcommand().commandSpec().userObject()).toolNames.value()).isEqualTo("dotted");
    }
}
