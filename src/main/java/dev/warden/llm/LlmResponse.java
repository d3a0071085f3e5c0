package dev.warden.llm;

import java.util.List;
import java.util.Objects;

/**
 * A model's answer: text, tool calls, or both, what it cost, and who answered — after a failover that
 * is not the first provider of the chain, and the agent shows which.
 */
public record LlmResponse(String text, List<ToolCall> toolCalls, TokenUsage usage, String provider, String model) {
    public LlmResponse {
        text = text == null ? "" : text;
        toolCalls = List.copyOf(toolCalls);
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(model, "model");
    }

    public boolean hasToolCalls() {
        return !toolCalls.isEmpty();
    }
}
