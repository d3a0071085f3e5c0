package dev.warden.llm;

/**
 * Hears what the LLM layer does, for metrics. Implemented by {@code Metrics}, so this package needs no
 * meter registry of its own.
 */
public interface LlmObserver {
    /** One attempt on a provider ended: {@code outcome} is {@code ok} or a {@link CallFailure#label()}. */
    void llmCall(String provider, String outcome);

    /** Tokens an answer cost, by the configured model's name. */
    void llmTokens(String provider, String model, TokenUsage usage);

    LlmObserver NONE = new LlmObserver() {
        @Override
        public void llmCall(String provider, String outcome) {}

        @Override
        public void llmTokens(String provider, String model, TokenUsage usage) {}
    };
}
