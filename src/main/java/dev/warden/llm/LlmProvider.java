package dev.warden.llm;

import java.util.function.Consumer;

/**
 * One model behind one endpoint. Calls block (run them on a virtual thread) and throw on failure;
 * retries, time limits and failover are {@link ResilientProvider}'s and {@link ProviderChain}'s job,
 * not an implementation's.
 */
public interface LlmProvider {
    /** The provider's name from the configuration: a metric label and what the agent shows. */
    String name();

    /** The model as configured. */
    String model();

    LlmResponse chat(LlmRequest request);

    /**
     * Like {@link #chat} but hands text to {@code onToken} as it arrives; returns the whole answer
     * (tool calls included) at the end.
     */
    LlmResponse stream(LlmRequest request, Consumer<String> onToken);
}
