package dev.warden.bench;

import dev.warden.app.Warden;
import dev.warden.config.WardenConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** A throw-away data dir and root, as a benchmark's fixture: a real Warden on real files. */
final class BenchData implements AutoCloseable {
    final Path base;
    final Path root;
    final Path dataDir;

    BenchData() {
        try {
            base = Files.createTempDirectory("warden-bench");
            root = Files.createDirectories(base.resolve("root"));
            dataDir = base.resolve("data");
            Files.writeString(root.resolve("README.md"), "# bench\n".repeat(64));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    WardenConfig config() {
        return new WardenConfig(WardenConfig.DEFAULT_HOST, 0, dataDir, List.of(root), dataDir.resolve("policy.yaml"),
                null, WardenConfig.DEFAULT_MAX_BODY_BYTES, WardenConfig.DEFAULT_CONFIRMATION_TTL);
    }

    Warden open() {
        return Warden.open(config(), Clock.systemUTC());
    }

    @Override
    public void close() {
        try (Stream<Path> walk = Files.walk(base)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
