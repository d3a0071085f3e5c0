package dev.warden.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path temp;

    ConfigLoader loader(Map<String, String> env) {
        return new ConfigLoader(env, temp.resolve("cwd"), temp.resolve("home"));
    }

    @Test
    void defaultsUseTheHomeDataDirAndTheWorkingDirectoryAsRoot() {
        var config = loader(Map.of()).load(ConfigLoader.Flags.none());
        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.port()).isEqualTo(7878);
        assertThat(config.dataDir()).isEqualTo(temp.resolve("home/.local/share/warden"));
        assertThat(config.roots()).containsExactly(temp.resolve("cwd"));
        assertThat(config.policyFile()).isEqualTo(config.dataDir().resolve("policy.yaml"));
        assertThat(config.adminToken()).isNull();
    }

    @Test
    void theDataDirComesFromTheEnvironmentUnlessAFlagSaysOtherwise() {
        var env = Map.of("WARDEN_DATA_DIR", temp.resolve("envdata").toString());
        assertThat(loader(env).load(ConfigLoader.Flags.none()).dataDir()).isEqualTo(temp.resolve("envdata"));
        var flags = new ConfigLoader.Flags(null, null, temp.resolve("flagdata"), List.of(), null);
        assertThat(loader(env).load(flags).dataDir()).isEqualTo(temp.resolve("flagdata"));
    }

    @Test
    void theFileIsReadAndTheEnvironmentWins() throws Exception {
        var data = Files.createDirectories(temp.resolve("data"));
        Files.writeString(data.resolve("warden.yaml"), """
                host: 0.0.0.0
                port: 9000
                roots: [/srv/a, /srv/b]
                maxBodyBytes: 2048
                """);
        var env = Map.of("WARDEN_DATA_DIR", data.toString(), "WARDEN_PORT", "9100", "WARDEN_ADMIN_TOKEN", "from-env-token");
        var config = loader(env).load(ConfigLoader.Flags.none());
        assertThat(config.host()).isEqualTo("0.0.0.0");
        assertThat(config.port()).isEqualTo(9100);
        assertThat(config.roots()).containsExactly(Path.of("/srv/a"), Path.of("/srv/b"));
        assertThat(config.maxBodyBytes()).isEqualTo(2048);
        assertThat(config.adminToken()).isEqualTo("from-env-token");

        var flags = new ConfigLoader.Flags("127.0.0.2", 9200, null, List.of(Path.of("/opt/x")), null);
        var flagged = loader(env).load(flags);
        assertThat(flagged.port()).isEqualTo(9200);
        assertThat(flagged.host()).isEqualTo("127.0.0.2");
        assertThat(flagged.roots()).containsExactly(Path.of("/opt/x"));
    }

    @Test
    void rootsFromTheEnvironmentAreColonSeparated() {
        var config = loader(Map.of("WARDEN_ROOTS", "/a:/b::")).load(ConfigLoader.Flags.none());
        assertThat(config.roots()).containsExactly(Path.of("/a"), Path.of("/b"));
    }

    @Test
    void mistakesAreReportedWithTheirPlace() throws Exception {
        var file = Files.writeString(temp.resolve("bad.yaml"), "port: 1\nprot: 2\n");
        var flags = new ConfigLoader.Flags(null, null, null, List.of(), file);
        assertThatThrownBy(() -> loader(Map.of()).load(flags))
                .isInstanceOf(ConfigLoader.ConfigException.class).hasMessageContaining("prot");

        var broken = Files.writeString(temp.resolve("broken.yaml"), "port: [1,\n");
        assertThatThrownBy(() -> loader(Map.of()).load(new ConfigLoader.Flags(null, null, null, List.of(), broken)))
                .isInstanceOf(ConfigLoader.ConfigException.class).hasMessageContaining("line");

        assertThatThrownBy(() -> loader(Map.of("WARDEN_PORT", "eighty")).load(ConfigLoader.Flags.none()))
                .hasMessageContaining("WARDEN_PORT");

        var missing = new ConfigLoader.Flags(null, null, null, List.of(), temp.resolve("nope.yaml"));
        assertThatThrownBy(() -> loader(Map.of()).load(missing)).hasMessageContaining("does not exist");
    }
}
