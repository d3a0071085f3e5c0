package dev.warden.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LOG_LEVEL sets the level of Warden's JSON log lines, in a real process (the environment is read at start). */
class LogLevelTest {
    @TempDir
    Path temp;

    /** The log lines (stderr for a command other than serve) of {@code warden run fs.stat} at {@code level}. */
    private List<String> logOf(String level) throws Exception {
        var data = Files.createDirectories(temp.resolve("data-" + level));
        var root = Files.createDirectories(temp.resolve("root-" + level));
        // The shipped configuration, not the tests' own logback-test.xml that the test class path would pick.
        var shipped = Path.of(getClass().getClassLoader().getResource("logback.xml").toURI()).toString();
        var pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xshare:auto", "-Dlogback.configurationFile=" + shipped,
                "-cp", System.getProperty("java.class.path"),
                "dev.warden.cli.Main", "run", "fs.stat", "path=.", "--data-dir", data.toString(), "--root", root.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("LOG_LEVEL", level);
        var process = pb.start();
        var err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(err).isZero();
        return err.lines().filter(l -> l.startsWith("{")).toList();
    }

    @Test
    void debugShowsDebugLinesAndErrorShowsNothingBelowIt() throws Exception {
        var debug = logOf("DEBUG");
        assertThat(debug).anySatisfy(l -> assertThat(l).contains("\"level\":\"DEBUG\""));
        var error = logOf("ERROR");
        assertThat(error).noneSatisfy(l -> assertThat(l).containsAnyOf("\"level\":\"DEBUG\"", "\"level\":\"INFO\"", "\"level\":\"WARN\""));
        assertThat(error.size()).isLessThan(debug.size());
    }
}
