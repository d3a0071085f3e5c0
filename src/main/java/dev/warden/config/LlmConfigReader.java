package dev.warden.config;

import dev.warden.config.ConfigLoader.ConfigException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Reads the {@code llm:} part of the config file and the {@code WARDEN_LLM_*} environment.
 *
 * <p>The environment wins, as everywhere in the configuration: when {@code WARDEN_LLM_BASE_URL} is set,
 * the single provider it describes replaces the file's list, so a deployment can point Warden at
 * another model without editing a shipped file. Errors name the key that is wrong; no message ever
 * contains an API key.
 */
final class LlmConfigReader {
    static final Set<String> LLM_KEYS = Set.of("providers");
    static final Set<String> PROVIDER_KEYS = Set.of("name", "kind", "baseUrl", "model", "apiKey", "apiKeyEnv", "timeoutSeconds");
    static final String ENV_PROVIDER_NAME = "env";

    private LlmConfigReader() {}

    static LlmConfig fromFile(JsonNode node, Path file, Map<String, String> env) {
        if (!node.isObject()) throw new ConfigException(file + ": llm must be a mapping with providers");
        ConfigLoader.unknownKeys(node, LLM_KEYS, file + ": llm");
        var list = node.path("providers");
        if (list.isMissingNode() || list.isNull()) return LlmConfig.none();
        if (!list.isArray()) throw new ConfigException(file + ": llm.providers must be a list of providers");
        var providers = new ArrayList<LlmConfig.Provider>();
        var names = new HashSet<String>();
        for (int i = 0; i < list.size(); i++) {
            var p = list.get(i);
            var where = file + ": llm.providers[" + i + "]";
            if (!p.isObject()) throw new ConfigException(where + " must be a mapping with name, kind, baseUrl and model");
            ConfigLoader.unknownKeys(p, PROVIDER_KEYS, where);
            var name = text(p, "name");
            if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")) {
                throw new ConfigException(where + ".name must be 1-64 letters, digits, '.', '_' or '-', was '" + name + "'");
            }
            if (!names.add(name)) throw new ConfigException(where + ".name: a provider named '" + name + "' is already defined");
            where = where + " (" + name + ")";
            var kind = kind(text(p, "kind"), where + ".kind");
            var baseUrl = baseUrl(text(p, "baseUrl"), where + ".baseUrl");
            var model = text(p, "model");
            if (model == null || model.isBlank()) throw new ConfigException(where + ".model is required, e.g. gpt-4o-mini");
            if (p.has("apiKey") && p.has("apiKeyEnv")) throw new ConfigException(where + ": give apiKey or apiKeyEnv, not both");
            String apiKey = text(p, "apiKey");
            if (p.has("apiKeyEnv")) {
                var variable = text(p, "apiKeyEnv");
                apiKey = variable == null ? null : env.get(variable);
                if (apiKey == null || apiKey.isBlank()) {
                    throw new ConfigException(where + ".apiKeyEnv names " + variable + ", which is not set in the environment");
                }
            }
            var timeout = LlmConfig.Provider.DEFAULT_TIMEOUT;
            if (p.has("timeoutSeconds")) {
                var seconds = p.get("timeoutSeconds");
                if (!seconds.isIntegralNumber() || seconds.asLong() < 1 || seconds.asLong() > 3600) {
                    throw new ConfigException(where + ".timeoutSeconds must be a whole number of seconds from 1 to 3600");
                }
                timeout = Duration.ofSeconds(seconds.asLong());
            }
            providers.add(provider(name, kind, baseUrl, model, apiKey, timeout, where));
        }
        return new LlmConfig(providers);
    }

    /** The provider {@code WARDEN_LLM_*} describes, if {@code WARDEN_LLM_BASE_URL} is set. */
    static Optional<LlmConfig> fromEnv(Map<String, String> env) {
        var url = env.get("WARDEN_LLM_BASE_URL");
        if (url == null || url.isBlank()) return Optional.empty();
        var kind = kind(env.getOrDefault("WARDEN_LLM_KIND", "openai"), "WARDEN_LLM_KIND");
        var baseUrl = baseUrl(url, "WARDEN_LLM_BASE_URL");
        var model = env.get("WARDEN_LLM_MODEL");
        if (model == null || model.isBlank()) {
            throw new ConfigException("WARDEN_LLM_MODEL is required when WARDEN_LLM_BASE_URL is set");
        }
        var apiKey = env.get("WARDEN_LLM_API_KEY");
        if (apiKey != null && apiKey.isBlank()) apiKey = null;
        var timeout = LlmConfig.Provider.DEFAULT_TIMEOUT;
        var seconds = env.get("WARDEN_LLM_TIMEOUT_SECONDS");
        if (seconds != null) {
            try {
                timeout = Duration.ofSeconds(Long.parseLong(seconds.strip()));
            } catch (NumberFormatException e) {
                throw new ConfigException("WARDEN_LLM_TIMEOUT_SECONDS must be a number of seconds, was '" + seconds + "'");
            }
            if (timeout.getSeconds() < 1 || timeout.getSeconds() > 3600) {
                throw new ConfigException("WARDEN_LLM_TIMEOUT_SECONDS must be from 1 to 3600, was " + seconds);
            }
        }
        return Optional.of(new LlmConfig(List.of(
                provider(ENV_PROVIDER_NAME, kind, baseUrl, model.strip(), apiKey, timeout, "WARDEN_LLM_*"))));
    }

    private static LlmConfig.Provider provider(String name, LlmConfig.Kind kind, URI baseUrl, String model, String apiKey,
                                               Duration timeout, String where) {
        // Anthropic's API refuses every call without a key; OpenAI-compatible servers such as Ollama need none.
        if (kind == LlmConfig.Kind.ANTHROPIC && (apiKey == null || apiKey.isBlank())) {
            throw new ConfigException(where + ": an anthropic provider needs an apiKey (or apiKeyEnv)");
        }
        return new LlmConfig.Provider(name, kind, baseUrl, model, apiKey, timeout);
    }

    private static LlmConfig.Kind kind(String text, String where) {
        if (text == null) throw new ConfigException(where + " is required: openai or anthropic");
        return switch (text.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "openai" -> LlmConfig.Kind.OPENAI;
            case "anthropic" -> LlmConfig.Kind.ANTHROPIC;
            default -> throw new ConfigException(where + " must be openai or anthropic, was '" + text + "'");
        };
    }

    private static URI baseUrl(String text, String where) {
        if (text == null || text.isBlank()) throw new ConfigException(where + " is required, e.g. https://api.openai.com/v1");
        try {
            var uri = new URI(text.strip());
            if (uri.getRawUserInfo() != null) {
                // A key in the URL would end up in logs and error messages; it belongs in apiKey.
                throw new ConfigException(where + " must not carry credentials; put the key in apiKey");
            }
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new ConfigException(where + " must be an http or https URL, was '" + text + "'");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ConfigException(where + " is not a URL: " + e.getReason());
        }
    }

    private static String text(JsonNode node, String key) {
        var value = node.get(key);
        return value == null || value.isNull() || !value.isValueNode() ? null : value.asString();
    }
}
