package dev.warden.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code ./warden} script: how it finds a JDK, and what it says when there is none. */
class LauncherTest {
    @TempDir
    Path temp;

    record Result(int exit, String out, String err) {}

    private Result launch(Map<String, String> env, String... args) throws Exception {
        return launchIn(Path.of("").toAbsolutePath(), env, args);
    }

    @Test
    void saysClearlyWhenThereIsNoSuitableJdk() throws Exception {
        var result = launch(Map.of("WARDEN_JVM_DIR", temp.resolve("no-jdks-here").toString()), "jdk");
        assertThat(result.exit()).isEqualTo(127);
        assertThat(result.err()).contains("no JDK 21 or newer found").contains("JAVA_HOME");
    }

    @Test
    void refusesAJavaHomeThatIsTooOld() throws Exception {
        var old = Path.of("/usr/lib/jvm/java-17-openjdk-amd64");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(old.resolve("bin/javac")), "a JDK 17 is installed here");
        var result = launch(Map.of("JAVA_HOME", old.toString(), "WARDEN_JVM_DIR", temp.resolve("none").toString()), "jdk");
        assertThat(result.exit()).isEqualTo(127);
        assertThat(result.err()).contains("no JDK 21 or newer found");
    }

    @Test
    void findsAnInstalledJdkWithoutJavaHome() throws Exception {
        var result = launch(Map.of(), "jdk");
        assertThat(result.exit()).as(result.err()).isZero();
        var major = Integer.parseInt(result.out().replaceAll("(?s).*\\(Java (\\d+)\\).*", "$1"));
        assertThat(major).isGreaterThanOrEqualTo(21);
    }

    @Test
    void readsTheVersionFromTheReleaseFileWithoutStartingJava() throws Exception {
        // This java cannot run at all: only the release file can tell its version.
        var home = fakeJdk("jdk-release", "#!/bin/sh\nexit 1\n");
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"23.0.1\"\n");
        var result = launch(Map.of("JAVA_HOME", home.toString(), "WARDEN_JVM_DIR", temp.resolve("none").toString()), "jdk");
        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.out()).contains(home + " (Java 23)");
    }

    @Test
    void asksJavaItselfWhenTheJdkHasNoReleaseFile() throws Exception {
        var home = fakeJdk("jdk-probe", "#!/bin/sh\necho '    java.specification.version = 22' >&2\n");
        var result = launch(Map.of("JAVA_HOME", home.toString(), "WARDEN_JVM_DIR", temp.resolve("none").toString()), "jdk");
        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.out()).contains(home + " (Java 22)");
    }

    @Test
    void aJarPackagedWithoutATrainingStartIsTrainedOnceBeforeServeStarts() throws Exception {
        // A checkout whose jar the test command packaged: no training start has run for it.
        var checkout = Files.createDirectories(temp.resolve("checkout"));
        Files.copy(Path.of("warden"), checkout.resolve("warden"));
        Files.createDirectories(checkout.resolve("target"));
        Files.writeString(checkout.resolve("target/warden.jar"), "not really a jar");
        var calls = temp.resolve("java-calls.txt");
        // This java notes each start on one line and, when asked to, writes the AOT cache as the JVM does at exit.
        var home = fakeJdk("jdk-25", "#!/bin/sh\necho \"$*\" >> " + calls + "\n"
                + "for a; do case \"$a\" in -XX:AOTCacheOutput=*) echo cache > \"${a#*=}\";; esac; done\n");
        Files.writeString(home.resolve("release"), "JAVA_VERSION=\"25.0.1\"\n");
        var env = Map.of("JAVA_HOME", home.toString(), "WARDEN_JVM_DIR", temp.resolve("none").toString());

        var first = launchIn(checkout, env, "serve", "--port", "0");
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.err()).contains("preparing the start-up cache");
        var starts = Files.readAllLines(calls);
        assertThat(starts).hasSize(2);
        assertThat(starts.get(0)).contains("-XX:AOTCacheOutput=" + checkout.resolve("target/aot-serve.aot"), "serve --exit-when-ready");
        assertThat(starts.get(1)).contains("-XX:AOTCache=" + checkout.resolve("target/aot-serve.aot"), "serve --port 0")
                .doesNotContain("--exit-when-ready");

        // The next start of the same jar is not trained again, nor is one whose training failed.
        Files.delete(checkout.resolve("target/aot-serve.aot"));
        launchIn(checkout, env, "serve", "--port", "0");
        assertThat(Files.readAllLines(calls)).hasSize(3);

        // A jar packaged again is.
        Thread.sleep(20);
        Files.writeString(checkout.resolve("target/warden.jar"), "packaged again");
        launchIn(checkout, env, "serve", "--port", "0");
        var after = Files.readAllLines(calls);
        assertThat(after).hasSize(5);
        assertThat(after.get(3)).contains("-XX:AOTCacheOutput=");
        // Other commands never wait for a training start.
        Files.writeString(checkout.resolve("target/warden.jar"), "packaged once more");
        launchIn(checkout, env, "token", "list");
        assertThat(Files.readAllLines(calls)).hasSize(6);
    }

    private Result launchIn(Path checkout, Map<String, String> env, String... args) throws Exception {
        var command = new java.util.ArrayList<>(List.of("bash", checkout.resolve("warden").toString()));
        command.addAll(List.of(args));
        var pb = new ProcessBuilder(command);
        pb.environment().remove("JAVA_HOME");
        pb.environment().putAll(env);
        var out = temp.resolve("out.txt");
        var err = temp.resolve("err.txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        var process = pb.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the launcher finishes").isTrue();
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    /** A JDK home whose java is {@code javaScript} (and whose javac exists, as the launcher requires). */
    private Path fakeJdk(String name, String javaScript) throws Exception {
        var bin = Files.createDirectories(temp.resolve(name).resolve("bin"));
        for (var tool : List.of("java", "javac")) {
            var file = bin.resolve(tool);
            Files.writeString(file, javaScript);
            file.toFile().setExecutable(true);
        }
        return bin.getParent();
    }
}
