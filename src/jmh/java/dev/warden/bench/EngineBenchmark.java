package dev.warden.bench;

import dev.warden.app.Warden;
import dev.warden.engine.Intent;
import dev.warden.engine.Origin;
import dev.warden.engine.Outcome;
import dev.warden.identity.Principal;
import dev.warden.json.Json;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * The whole pipeline for {@code fs.stat}, as {@code Engine.submit} runs it: resolve, validate,
 * guard, decide, execute, audit. {@code submit} returns only once the audit record is durable, so
 * a single caller waits for one fsync per request; with many callers the writer's group commit
 * shares each fsync among them.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.SampleTime, Mode.Throughput})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class EngineBenchmark {
    private BenchData data;
    private Warden warden;
    private Intent stat;

    @Setup(Level.Trial)
    public void open() {
        data = new BenchData();
        warden = data.open();
        var input = Json.object();
        input.put("path", "README.md");
        stat = Intent.execute("fs.stat", input, Principal.localAdmin("bench"), Origin.CLI);
        if (!(warden.engine().submit(stat) instanceof Outcome.Done)) {
            throw new IllegalStateException("fs.stat did not succeed: " + warden.engine().submit(stat));
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        warden.close();
        data.close();
    }

    @Benchmark
    @Threads(1)
    public Outcome submitStatDurable1Thread() {
        return warden.engine().submit(stat);
    }

    @Benchmark
    @Threads(16)
    public Outcome submitStatDurable16Threads() {
        return warden.engine().submit(stat);
    }
}
