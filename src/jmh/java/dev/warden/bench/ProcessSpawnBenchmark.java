package dev.warden.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;

/**
 * The floor for {@code shell.exec}: spawning {@code true} straight from the JVM and waiting for it.
 * {@code bench/shell.sh} compares the REST call with this at the same concurrency.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ProcessSpawnBenchmark {

    @Benchmark
    @Threads(1)
    public int spawnTrue1Thread() {
        return spawn();
    }

    @Benchmark
    @Threads(4)
    public int spawnTrue4Threads() {
        return spawn();
    }

    private static int spawn() {
        try {
            return new ProcessBuilder("true").start().waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
