package dev.warden.api.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The npm packages the MCP tests drive Warden with ({@code src/test/node}), installed on first need
 * by the same {@code install.sh} that {@code ./warden test} runs, so a single test class run from an
 * IDE or {@code mvn -Dtest=...} works in a fresh checkout too.
 */
final class NodePackages {
    static final Path DIR = Path.of("src/test/node").toAbsolutePath();
    static final Path INSTALL = DIR.resolve("install.sh");

    private NodePackages() {
    }

    /** {@link #DIR}, with its packages installed (a no-op when they already are). */
    static Path installed() throws IOException, InterruptedException {
        var result = install(DIR, Map.of());
        assertThat(result.exitCode()).as("src/test/node/install.sh: %s", result.output()).isZero();
        return DIR;
    }

    record Result(int exitCode, String output) {
    }

    /** Runs {@code install.sh dir} with {@code env} added to the environment. */
    static Result install(Path dir, Map<String, String> env) throws IOException, InterruptedException {
        var log = Files.createTempFile("npm-install", ".log");
        try {
            var pb = new ProcessBuilder("bash", INSTALL.toString(), dir.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().putAll(env);
            var process = pb.start();
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                return new Result(-1, "timed out after 5 minutes");
            }
            return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
