package dev.warden.llm;

import java.util.List;

/** One turn to send: the conversation so far and the tools the model may call in its answer. */
public record LlmRequest(List<LlmMessage> messages, List<ToolSpec> tools) {
    public LlmRequest {
        messages = List.copyOf(messages);
        tools = List.copyOf(tools);
        if (messages.isEmpty()) throw new IllegalArgumentException("a request needs at least one message");
    }

    public static LlmRequest of(List<LlmMessage> messages) {
        return new LlmRequest(messages, List.of());
    }
}
