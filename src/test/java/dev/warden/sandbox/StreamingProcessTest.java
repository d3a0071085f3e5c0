package dev.warden.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What background jobs need of a process: every byte of output as it comes, and an input that stays open. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StreamingProcessTest {
    @TempDir
    Path cwd;

    private final ProcessRunner runner = new ProcessRunner(ProcessLimits.defaults().withKillGrace(Duration.ofMillis(300)));

    @Test
    void theSinkReceivesEveryByteOfBothStreamsWhateverTheCap() {
        var seen = new ByteArrayOutputStream();
        var spec = runner.limits().spec(Command.script("head -c 300000 /dev/zero | tr '\\0' x; echo err >&2"), cwd)
                .withOutputCap(1000)
                .withOutput((stream, bytes, offset, length) -> {
                    synchronized (seen) {
                        seen.write(bytes, offset, length);
                    }
                });
        var result = runner.run(spec);
        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout().droppedBytes()).isPositive();
        var all = seen.toString(StandardCharsets.UTF_8);
        assertThat(all).hasSize(300_004).contains("err\n");
        assertThat(all.replace("err\n", "")).matches("x{300000}");
    }

    @Test
    void anOpenInputTakesWritesUntilItIsClosed() throws IOException {
        var spec = runner.limits().spec(Command.argv("cat"), cwd).withStdin("first\n".getBytes(StandardCharsets.UTF_8))
                .withStdinOpen(true);
        var running = runner.start(spec);
        running.writeInput("second\n".getBytes(StandardCharsets.UTF_8));
        assertThat(running.inputOpen()).isTrue();
        assertThat(running.isAlive()).as("cat waits for more input").isTrue();
        running.closeInput();
        var result = running.await();
        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout().text()).isEqualTo("first\nsecond\n");
        assertThat(running.inputOpen()).isFalse();
        assertThatThrownBy(() -> running.writeInput("late".getBytes(StandardCharsets.UTF_8))).isInstanceOf(IOException.class);
    }

    @Test
    void withoutAnOpenInputWritingIsRefused() {
        var running = runner.start(runner.limits().spec(Command.argv("true"), cwd));
        running.await();
        assertThatThrownBy(() -> running.writeInput(new byte[] {1})).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void cancelWithAGraceKillsAProcessThatIgnoresSigterm() throws InterruptedException {
        var ready = new java.util.concurrent.CountDownLatch(1);
        var running = runner.start(runner.limits().spec(Command.script("trap '' TERM; echo ready; sleep 30"), cwd)
                .withStdinOpen(true).withOutput((stream, bytes, offset, length) -> ready.countDown()));
        assertThat(ready.await(10, TimeUnit.SECONDS)).as("the trap is set").isTrue();
        var started = System.nanoTime();
        running.cancel(Duration.ofMillis(200));
        var result = running.await();
        assertThat(result.cancelled()).isTrue();
        assertThat(result.exitCode()).isEqualTo(128 + 9);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }
}
