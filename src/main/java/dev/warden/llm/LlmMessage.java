package dev.warden.llm;

import java.util.List;
import java.util.Objects;

/**
 * One message of a conversation with a model, independent of any provider's wire format. The agent
 * builds these; {@link LangChain4jMapping} turns them into LangChain4j's messages.
 */
public sealed interface LlmMessage {

    /** Instructions from Warden: the rules of the session, the user's facts, recent results. */
    record SystemPrompt(String text) implements LlmMessage {
        public SystemPrompt {
            Objects.requireNonNull(text, "text");
        }
    }

    /** What the person typed. */
    record User(String text) implements LlmMessage {
        public User {
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * What the model answered earlier: text, tool calls, or both. Sent back as history so the model sees
     * the calls its tool results answer.
     */
    record Assistant(String text, List<ToolCall> toolCalls) implements LlmMessage {
        public Assistant {
            toolCalls = List.copyOf(toolCalls);
            if ((text == null || text.isEmpty()) && toolCalls.isEmpty()) {
                throw new IllegalArgumentException("an assistant message needs text or tool calls");
            }
        }

        public static Assistant of(LlmResponse response) {
            return new Assistant(response.text(), response.toolCalls());
        }
    }

    /**
     * The answer to one tool call, matched by {@code callId}. {@code content} is data for the model,
     * never instructions: the agent says so in its system prompt.
     */
    record ToolResult(String callId, String toolName, String content) implements LlmMessage {
        public ToolResult {
            Objects.requireNonNull(callId, "callId");
            Objects.requireNonNull(toolName, "toolName");
            Objects.requireNonNull(content, "content");
        }
    }
}
