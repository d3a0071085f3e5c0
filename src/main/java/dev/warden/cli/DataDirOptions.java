package dev.warden.cli;

import dev.warden.app.Warden;
import dev.warden.config.ConfigLoader;
import dev.warden.config.WardenConfig;
import dev.warden.store.Database;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The options every command that opens the data dir shares. */
final class DataDirOptions {
    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Data directory (default: $WARDEN_DATA_DIR, else ~/.local/share/warden).")
    Path dataDir;

    @Option(names = "--root", paramLabel = "DIR",
            description = "An allowed root; repeat for several (default: the current directory).")
    List<Path> roots = new ArrayList<>();

    @Option(names = "--config", paramLabel = "FILE", description = "Config file (default: DIR/warden.yaml).")
    Path configFile;

    WardenConfig config(String host, Integer port) {
        return ConfigLoader.fromSystem().load(new ConfigLoader.Flags(host, port, dataDir, roots, configFile));
    }

    /** Only the database, for commands that read the trail and need no policy or roots. */
    Database openDatabase() {
        return Database.openSqlite(config(null, null).dataDir());
    }

    Warden open() {
        return Warden.open(config(null, null), Clock.systemUTC());
    }
}
