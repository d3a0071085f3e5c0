package dev.warden.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.config.ConfigLoader;
import dev.warden.config.LlmConfig;
import dev.warden.config.WardenConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code llm:} section of warden.yaml and the {@code WARDEN_LLM_*} environment. */
class LlmConfigTest {
    @TempDir
    Path temp;

    WardenConfig load(String yaml, Map<String, String> env) throws Exception {
        var data = Files.createDirectories(temp.resolve("data"));
        if (yaml != null) Files.writeString(data.resolve("warden.yaml"), yaml);
        else Files.deleteIfExists(data.resolve("warden.yaml"));
        var all = new HashMap<>(env);
        all.put("WARDEN_DATA_DIR", data.toString());
        return new ConfigLoader(all, temp, temp.resolve("home")).load(ConfigLoader.Flags.none());
    }

    static final String TWO = """
            llm:
              providers:
                - {name: primary, kind: openai, baseUrl: 'http://127.0.0.1:9001/v1', model: m1, apiKey: sk-file-secret}
                - {name: backup, kind: anthropic, baseUrl: 'http://127.0.0.1:9002', model: m2, apiKeyEnv: BACKUP_KEY, timeoutSeconds: 20}
            """;

    @Test
    void providersAreReadInOrderWithTheirKeysAndTimeouts() throws Exception {
        var llm = load(TWO, Map.of("BACKUP_KEY", "sk-env-secret")).llm();
        assertThat(llm.providers()).extracting(LlmConfig.Provider::name).containsExactly("primary", "backup");
        var primary = llm.providers().get(0);
        assertThat(primary.kind()).isEqualTo(LlmConfig.Kind.OPENAI);
        assertThat(primary.baseUrl()).isEqualTo(URI.create("http://127.0.0.1:9001/v1"));
        assertThat(primary.model()).isEqualTo("m1");
        assertThat(primary.apiKey()).isEqualTo("sk-file-secret");
        assertThat(primary.timeout()).isEqualTo(LlmConfig.Provider.DEFAULT_TIMEOUT);
        var backup = llm.providers().get(1);
        assertThat(backup.kind()).isEqualTo(LlmConfig.Kind.ANTHROPIC);
        assertThat(backup.apiKey()).isEqualTo("sk-env-secret");
        assertThat(backup.timeout()).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void withoutAnLlmSectionThereIsNoProvider() throws Exception {
        assertThat(load("port: 9000\n", Map.of()).llm().configured()).isFalse();
        assertThat(load(null, Map.of()).llm().providers()).isEmpty();
    }

    @Test
    void apiKeysAreInNoStringForm() throws Exception {
        var config = load(TWO, Map.of("BACKUP_KEY", "sk-env-secret"));
        for (var text : new String[] {config.toString(), config.llm().toString(), config.llm().providers().get(0).toString()}) {
            assertThat(text).doesNotContain("sk-file-secret").doesNotContain("sk-env-secret");
        }
        assertThat(config.llm().providers().get(0).toString()).contains("apiKey=***").contains("primary").contains("m1");
    }

    @Test
    void theEnvironmentDescribesOneProviderThatReplacesTheFilesList() throws Exception {
        var env = Map.of("WARDEN_LLM_BASE_URL", "http://127.0.0.1:11434/v1", "WARDEN_LLM_MODEL", "llama3.2",
                "WARDEN_LLM_API_KEY", "sk-env-only", "BACKUP_KEY", "x");
        var llm = load(TWO, env).llm();
        assertThat(llm.providers()).hasSize(1);
        var p = llm.providers().getFirst();
        assertThat(p.name()).isEqualTo("env");
        assertThat(p.kind()).isEqualTo(LlmConfig.Kind.OPENAI);
        assertThat(p.baseUrl()).isEqualTo(URI.create("http://127.0.0.1:11434/v1"));
        assertThat(p.model()).isEqualTo("llama3.2");
        assertThat(p.apiKey()).isEqualTo("sk-env-only");

        var anthropic = load(null, Map.of("WARDEN_LLM_BASE_URL", "https://api.anthropic.com", "WARDEN_LLM_MODEL", "claude-x",
                "WARDEN_LLM_KIND", "anthropic", "WARDEN_LLM_API_KEY", "k", "WARDEN_LLM_TIMEOUT_SECONDS", "90")).llm().providers().getFirst();
        assertThat(anthropic.kind()).isEqualTo(LlmConfig.Kind.ANTHROPIC);
        assertThat(anthropic.timeout()).isEqualTo(Duration.ofSeconds(90));

        // An OpenAI-compatible server such as Ollama needs no key.
        assertThat(load(null, Map.of("WARDEN_LLM_BASE_URL", "http://127.0.0.1:11434/v1", "WARDEN_LLM_MODEL", "m")).llm()
                .providers().getFirst().apiKey()).isNull();
    }

    @Test
    void environmentMistakesNameTheVariable() {
        assertThatThrownBy(() -> load(null, Map.of("WARDEN_LLM_BASE_URL", "http://127.0.0.1:1/v1")))
                .isInstanceOf(ConfigLoader.ConfigException.class).hasMessageContaining("WARDEN_LLM_MODEL");
        assertThatThrownBy(() -> load(null, Map.of("WARDEN_LLM_BASE_URL", "http://127.0.0.1:1/v1", "WARDEN_LLM_MODEL", "m",
                "WARDEN_LLM_KIND", "gemini")))
                .isInstanceOf(ConfigLoader.ConfigException.class).hasMessageContaining("WARDEN_LLM_KIND").hasMessageContaining("gemini");
        assertThatThrownBy(() -> load(null, Map.of("WARDEN_LLM_BASE_URL", "ftp://x", "WARDEN_LLM_MODEL", "m")))
                .isInstanceOf(ConfigLoader.ConfigException.class).hasMessageContaining("WARDEN_LLM_BASE_URL");
        assertThatThrownBy(() -> load(null, Map.of("WARDEN_LLM_BASE_URL", "https://x", "WARDEN_LLM_MODEL", "m", "WARDEN_LLM_KIND", "anthropic")))
                .isInstanceOf(ConfigLoader.ConfigException.class).hasMessageContaining("apiKey");
        assertThatThrownBy(() -> load(null, Map.of("WARDEN_LLM_BASE_URL", "https://x", "WARDEN_LLM_MODEL", "m", "WARDEN_LLM_TIMEOUT_SECONDS", "soon")))
                .isInstanceOf(ConfigLoader.ConfigException.class).hasMessageContaining("WARDEN_LLM_TIMEOUT_SECONDS");
    }

    static String provider(String fields) {
        return "llm:\n  providers:\n    - {" + fields + "}\n";
    }

    static final String OK = "name: p, kind: openai, baseUrl: 'http://127.0.0.1:1/v1', model: m, apiKey: sk-do-not-echo";

    @Test
    void fileMistakesNameTheKeyAndNeverEchoTheApiKey() {
        record Case(String yaml, String... expected) {}
        var cases = new Case[] {
            new Case("llm: [a]\n", "llm must be a mapping"),
            new Case("llm: {models: []}\n", "llm: unknown keys [models]"),
            new Case("llm: {providers: {name: p}}\n", "llm.providers must be a list"),
            new Case(provider(OK + ", temperature: 2"), "llm.providers[0]", "unknown keys [temperature]"),
            new Case(provider(OK.replace("name: p", "name: 'bad name'")), "llm.providers[0].name"),
            new Case(provider(OK.replace("kind: openai", "kind: gemini")), "llm.providers[0] (p).kind", "gemini"),
            new Case(provider(OK.replace("kind: openai, ", "")), "llm.providers[0] (p).kind is required"),
            new Case(provider(OK.replace("'http://127.0.0.1:1/v1'", "'file:///etc'")), "llm.providers[0] (p).baseUrl"),
            new Case(provider(OK.replace("'http://127.0.0.1:1/v1'", "'http://user:pw@127.0.0.1/v1'")), "(p).baseUrl must not carry credentials"),
            new Case(provider(OK.replace("model: m, ", "")), "llm.providers[0] (p).model is required"),
            new Case(provider(OK + ", timeoutSeconds: 0"), "(p).timeoutSeconds must be a whole number"),
            new Case(provider(OK.replace("kind: openai", "kind: anthropic").replace(", apiKey: sk-do-not-echo", "")), "(p): an anthropic provider needs an apiKey"),
            new Case(provider(OK + ", apiKeyEnv: NOT_SET_ANYWHERE").replace(", apiKey: sk-do-not-echo", ""), "(p).apiKeyEnv names NOT_SET_ANYWHERE"),
            new Case(provider(OK + ", apiKeyEnv: X"), "give apiKey or apiKeyEnv, not both"),
            new Case("llm:\n  providers:\n    - {" + OK + "}\n    - {" + OK + "}\n", "llm.providers[1].name", "already defined"),
        };
        for (var c : cases) {
            assertThatThrownBy(() -> load(c.yaml(), Map.of()))
                    .as(c.yaml())
                    .isInstanceOf(ConfigLoader.ConfigException.class)
                    .hasMessageContainingAll(c.expected())
                    .hasMessageNotContaining("sk-do-not-echo");
        }
    }
}
