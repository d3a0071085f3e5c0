package dev.warden.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.action.ActionException;
import dev.warden.action.ErrorKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ProcessRunnerTest {
    @TempDir
    Path dir;

    private final ProcessLimits limits = ProcessLimits.defaults().withKillGrace(Duration.ofMillis(500));
    private final ProcessRunner runner = new ProcessRunner(limits);

    private ProcessResult run(Command command) {
        return runner.run(limits.spec(command, dir));
    }

    @Test
    void runsArgvAndReportsTheLimitsInForce() {
        var result = run(Command.argv("echo", "hello"));

        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout().text()).isEqualTo("hello\n");
        assertThat(result.stderr().text()).isEmpty();
        assertThat(result.timedOut()).isFalse();
        assertThat(result.level()).isEqualTo("process");
        assertThat(result.enforced()).contains("wall_clock_timeout_ms=30000", "process_group_kill",
                "rlimit_cpu_seconds=600", "rlimit_nofile=1024", "output_cap_bytes=1048576", "minimal_environment");
    }

    @Test
    void runsScriptsThroughTheShell() {
        var result = run(Command.script("printf 'a\\nb\\n' | wc -l; echo err >&2; exit 3"));

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.stdout().text().trim()).isEqualTo("2");
        assertThat(result.stderr().text()).isEqualTo("err\n");
    }

    @Test
    void scriptsSeeNoPositionalParametersOfTheWrapper() {
        var result = run(Command.script("echo \"$#:$0\""));

        assertThat(result.stdout().text()).isEqualTo("0:sh\n");
    }

    @Test
    void argvIsNeverInterpretedByAShell() {
        var result = run(Command.argv("printf", "%s|", "a b", "'q'", "$(echo x)", "*", ";", "`id`"));

        assertThat(result.stdout().text()).isEqualTo("a b|'q'|$(echo x)|*|;|`id`|");
    }

    @Test
    void argvWorksWithoutLimitsAndWithProgramsStartingWithADash() throws Exception {
        var script = dir.resolve("-odd");
        Files.writeString(script, "#!/bin/sh\necho odd \"$@\"\n");
        script.toFile().setExecutable(true);
        var result = runner.run(limits.spec(Command.argv("./-odd", "x"), dir).withLimits(ResourceLimits.NONE));

        assertThat(result.stdout().text()).isEqualTo("odd x\n");
        assertThat(result.enforced()).noneMatch(e -> e.startsWith("rlimit_"));
    }

    @Test
    void stdinIsWrittenAndClosed() {
        var input = "line one\nline two ü\n".getBytes(StandardCharsets.UTF_8);
        var result = runner.run(limits.spec(Command.argv("cat"), dir).withStdin(input));

        assertThat(result.stdout().text()).isEqualTo("line one\nline two ü\n");
    }

    @Test
    void noStdinMeansEndOfInputAtOnce() {
        var result = run(Command.argv("cat"));

        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout().text()).isEmpty();
    }

    @Test
    void largeStdinAndOutputOnBothStreamsDoNotDeadlock() {
        var input = new byte[3_000_000];
        java.util.Arrays.fill(input, (byte) 'x');
        var spec = limits.spec(Command.script("tee /dev/stderr"), dir).withStdin(input).withOutputCap(4_000_000);
        var result = runner.run(spec);

        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout().totalBytes()).isEqualTo(3_000_000);
        assertThat(result.stderr().totalBytes()).isEqualTo(3_000_000);
        assertThat(result.stdout().droppedBytes()).isZero();
    }

    @Test
    void aProcessThatIgnoresItsInputDoesNotBlockTheRun() {
        var result = runner.run(limits.spec(Command.argv("true"), dir).withStdin(new byte[5_000_000]));

        assertThat(result.exitCode()).isZero();
    }

    @Test
    void environmentIsMinimalPlusTheCallersVariables() {
        var result = runner.run(limits.spec(Command.argv("env"), dir).withEnv(Map.of("GREETING", "hi there", "LANG", "C")));

        var lines = result.stdout().text().lines().toList();
        var names = lines.stream().map(l -> l.substring(0, l.indexOf('='))).toList();
        assertThat(names).containsExactlyInAnyOrder("PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "TERM",
                "PAGER", "NO_COLOR", "PWD", "GREETING");
        assertThat(lines).contains("GREETING=hi there", "LANG=C", "TERM=dumb", "PWD=" + dir);
        // Nothing of the server's own environment leaks into the command.
        System.getenv().keySet().stream()
                .filter(k -> !names.contains(k))
                .forEach(k -> assertThat(lines).noneMatch(l -> l.startsWith(k + "=")));
    }

    @Test
    void runsInTheGivenDirectory() throws Exception {
        var sub = Files.createDirectory(dir.resolve("sub"));
        var result = runner.run(limits.spec(Command.argv("pwd"), sub));

        assertThat(result.stdout().text().trim()).isEqualTo(sub.toString());
    }

    @Test
    void theCommandLeadsItsOwnSessionAndProcessGroup() throws Exception {
        var running = runner.start(limits.spec(Command.script("echo ready; exec sleep 5"), dir));
        try {
            // Wait until the wrappers have exec'd their way to the command.
            for (int i = 0; i < 250 && !Files.readString(Path.of("/proc", Long.toString(running.pid()), "comm")).startsWith("sleep"); i++) {
                Thread.sleep(20);
            }
            var ids = Processes.groupAndSession(running.pid());
            assertThat(ids[0]).as("process group").isEqualTo(running.pid());
            assertThat(ids[1]).as("session").isEqualTo(running.pid());
        } finally {
            running.cancel();
        }
        assertThat(running.await().cancelled()).isTrue();
    }

    @Test
    void timeoutStopsTheCommandQuickly() {
        long start = System.nanoTime();
        var result = runner.run(limits.spec(Command.argv("sleep", "30"), dir).withTimeout(Duration.ofMillis(300)));

        assertThat(result.timedOut()).isTrue();
        assertThat(result.exitCode()).isNotZero();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(result.enforced()).contains("wall_clock_timeout_ms=300");
    }

    @Test
    void timeoutKillsBackgroundedGrandchildrenToo() throws Exception {
        var direct = dir.resolve("direct.pid");
        var detached = dir.resolve("detached.pid");
        var script = "sleep 1000 & echo $! > direct.pid; "
                + "(sleep 1000 >/dev/null 2>&1 </dev/null & echo $! > detached.pid); "
                + "trap '' TERM; sleep 30";
        // Long enough for the shell to fork both and write their pids on a busy machine: a file not
        // written before the timeout never will be. The sleeps outlast it anyway.
        var result = runner.run(limits.spec(Command.script(script), dir).withTimeout(Duration.ofSeconds(3)));

        assertThat(result.timedOut()).isTrue();
        assertThat(Processes.gone(Processes.pidFrom(direct), 5_000)).as("background child").isTrue();
        assertThat(Processes.gone(Processes.pidFrom(detached), 5_000)).as("reparented grandchild").isTrue();
        var probe = run(Command.script("kill -0 " + Processes.pidFrom(detached) + " 2>/dev/null && "
                + "! grep -q '^State:.*Z' /proc/" + Processes.pidFrom(detached) + "/status && echo alive || echo dead"));
        assertThat(probe.stdout().text().trim()).isEqualTo("dead");
    }

    @Test
    void leftoversHoldingTheOutputAreKilledWhenTheCommandEnds() throws Exception {
        long start = System.nanoTime();
        var result = run(Command.script("sleep 1000 & echo $! > left.pid; echo started"));

        assertThat(result.exitCode()).isZero();
        assertThat(result.timedOut()).isFalse();
        assertThat(result.stdout().text()).isEqualTo("started\n");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(Processes.gone(Processes.pidFrom(dir.resolve("left.pid")), 15_000)).isTrue();
    }

    @Test
    void cancelStopsTheGroupFromAnotherThread() throws Exception {
        var running = runner.start(limits.spec(Command.script("sleep 30 & sleep 30"), dir));
        Thread.ofVirtual().start(() -> {
            sleepQuietly(200);
            running.cancel();
        });
        var result = running.await();

        assertThat(result.cancelled()).isTrue();
        assertThat(result.timedOut()).isFalse();
        assertThat(running.isAlive()).isFalse();
    }

    @Test
    void cancelAfterTheEndChangesNothing() {
        var running = runner.start(limits.spec(Command.argv("true"), dir));
        var first = running.await();
        running.cancel();

        assertThat(running.await()).isSameAs(first);
        assertThat(first.cancelled()).isFalse();
        assertThat(first.exitCode()).isZero();
    }

    @Test
    void interruptingTheWaiterCancelsTheRun() throws Exception {
        var running = runner.start(limits.spec(Command.argv("sleep", "30"), dir));
        var waiter = Thread.currentThread();
        Thread.ofVirtual().start(() -> {
            sleepQuietly(200);
            waiter.interrupt();
        });
        var result = running.await();

        assertThat(result.cancelled()).isTrue();
        assertThat(Thread.interrupted()).as("interrupt status kept").isTrue();
    }

    @Test
    void outputBeyondTheCapKeepsHeadAndTailAndCountsWhatWasDropped() {
        var result = run(Command.script("yes | head -c 5000000; echo done"));

        var out = result.stdout();
        assertThat(out.totalBytes()).isEqualTo(5_000_005);
        assertThat(out.droppedBytes()).isEqualTo(5_000_005 - (1 << 20));
        assertThat(out.head()).hasSize(1 << 19);
        assertThat(out.tail()).hasSize(1 << 19);
        var text = out.text();
        assertThat(text).startsWith("y\ny\n").endsWith("y\ny\ndone\n")
                .contains("[... " + (5_000_005 - (1 << 20)) + " bytes dropped ...]");
    }

    @Test
    void cpuLimitKillsABusyLoop() {
        var spec = limits.spec(Command.script("while :; do :; done"), dir)
                .withLimits(new ResourceLimits(1, 0)).withTimeout(Duration.ofSeconds(20));
        var result = runner.run(spec);

        assertThat(result.timedOut()).isFalse();
        assertThat(result.signal()).as("ended by a signal").isPresent();
        assertThat(result.signal().getAsInt()).as("SIGKILL or SIGXCPU").isIn(9, 24);
        assertThat(result.enforced()).contains("rlimit_cpu_seconds=1");
    }

    @Test
    void openFilesLimitIsSetSoftAndHard() {
        var spec = limits.spec(Command.script("ulimit -Sn; ulimit -Hn; ulimit -n 4096 2>/dev/null || echo refused"), dir)
                .withLimits(new ResourceLimits(0, 64));
        var result = runner.run(spec);

        assertThat(result.stdout().text().lines().toList()).containsExactly("64", "64", "refused");
        assertThat(result.enforced()).contains("rlimit_nofile=64").noneMatch(e -> e.startsWith("rlimit_cpu"));
    }

    @Test
    void missingProgramIsReportedBeforeStarting() {
        assertThatThrownBy(() -> run(Command.argv("/bin/nonexistent")))
                .isInstanceOfSatisfying(ActionException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND);
                    assertThat(e.code()).isEqualTo("command_not_found");
                    assertThat(e.hint()).isNotBlank();
                });
        assertThatThrownBy(() -> run(Command.argv("no-such-program-anywhere")))
                .isInstanceOfSatisfying(ActionException.class, e -> assertThat(e.code()).isEqualTo("command_not_found"));
    }

    @Test
    void programIsLookedUpOnTheCallersPath() throws Exception {
        var bin = Files.createDirectory(dir.resolve("bin"));
        var tool = bin.resolve("mytool");
        Files.writeString(tool, "#!/bin/sh\necho mine\n");
        tool.toFile().setExecutable(true);
        var result = runner.run(limits.spec(Command.argv("mytool"), dir).withEnv(Map.of("PATH", bin + ":/usr/bin:/bin")));

        assertThat(result.stdout().text()).isEqualTo("mine\n");
    }

    @Test
    void nonExecutableFileIsRefused() throws Exception {
        Files.writeString(dir.resolve("plain.sh"), "echo hi\n");
        assertThatThrownBy(() -> run(Command.argv("./plain.sh")))
                .isInstanceOfSatisfying(ActionException.class, e -> assertThat(e.code()).isEqualTo("command_not_executable"));
    }

    @Test
    void missingWorkingDirectoryAndNulBytesAreRefused() {
        assertThatThrownBy(() -> runner.run(limits.spec(Command.argv("true"), dir.resolve("nope"))))
                .isInstanceOfSatisfying(ActionException.class, e -> assertThat(e.code()).isEqualTo("cwd_not_directory"));
        assertThatThrownBy(() -> run(Command.argv("echo", "a\0b")))
                .isInstanceOfSatisfying(ActionException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.BAD_INPUT));
        assertThatThrownBy(() -> runner.run(limits.spec(Command.argv("true"), dir).withEnv(Map.of("X", "a\0b"))))
                .isInstanceOfSatisfying(ActionException.class, e -> assertThat(e.code()).isEqualTo("invalid_argument"));
    }

    @Test
    void timeoutIsCutToTheConfiguredMaximum() {
        var small = new ProcessLimits(Duration.ofMillis(200), Duration.ofMillis(400), 1024, ResourceLimits.NONE,
                Duration.ofMillis(100));
        var result = new ProcessRunner(small).run(small.spec(Command.argv("sleep", "30"), dir).withTimeout(Duration.ofMinutes(5)));

        assertThat(result.timedOut()).isTrue();
        assertThat(result.enforced()).contains("wall_clock_timeout_ms=400");
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
