package dev.warden.config;

import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * The LLM providers Warden's own agent may use, tried in this order. Empty means no agent: actions
 * still run through every other front.
 */
public record LlmConfig(List<Provider> providers) {

    /** The wire protocols Warden speaks to a model. */
    public enum Kind {
        /** OpenAI Chat Completions: OpenAI, Azure OpenAI, vLLM, LiteLLM, Ollama's OpenAI API. */
        OPENAI,
        /** Anthropic Messages. */
        ANTHROPIC;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * One provider. {@code apiKey} may be null for endpoints that need none (a local Ollama); it is
     * never part of {@link #toString()}, so a logged configuration cannot leak it.
     */
    public record Provider(String name, Kind kind, URI baseUrl, String model, String apiKey, Duration timeout) {
        public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

        public Provider {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(baseUrl, "baseUrl");
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive");
        }

        @Override
        public String toString() {
            return "Provider[name=" + name + ", kind=" + kind.id() + ", baseUrl=" + baseUrl + ", model=" + model
                    + ", apiKey=" + (apiKey == null ? "none" : "***") + ", timeout=" + timeout + "]";
        }
    }

    public LlmConfig {
        providers = List.copyOf(providers);
        var names = new HashSet<String>();
        for (var p : providers) {
            if (!names.add(p.name())) throw new IllegalArgumentException("two LLM providers are named " + p.name());
        }
    }

    public static LlmConfig none() {
        return new LlmConfig(List.of());
    }

    public boolean configured() {
        return !providers.isEmpty();
    }
}
