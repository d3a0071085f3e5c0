package dev.warden.llm;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonRawSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Converts Warden's model API to LangChain4j's and back. Kept in one place so that nothing else in
 * Warden sees a LangChain4j type: the agent is built on {@link LlmRequest} and {@link LlmResponse}.
 */
final class LangChain4jMapping {
    private LangChain4jMapping() {}

    static ChatRequest toChatRequest(LlmRequest request) {
        var builder = ChatRequest.builder().messages(request.messages().stream().map(LangChain4jMapping::toMessage).toList());
        if (!request.tools().isEmpty()) {
            builder.toolSpecifications(request.tools().stream().map(LangChain4jMapping::toTool).toList());
        }
        return builder.build();
    }

    static ChatMessage toMessage(LlmMessage message) {
        return switch (message) {
            case LlmMessage.SystemPrompt s -> SystemMessage.from(s.text());
            case LlmMessage.User u -> UserMessage.from(u.text());
            case LlmMessage.Assistant a -> a.toolCalls().isEmpty() ? AiMessage.from(a.text())
                    : AiMessage.from(a.text() == null || a.text().isEmpty() ? null : a.text(),
                            a.toolCalls().stream().map(LangChain4jMapping::toRequest).toList());
            case LlmMessage.ToolResult r -> ToolExecutionResultMessage.from(r.callId(), r.toolName(), r.content());
        };
    }

    private static ToolExecutionRequest toRequest(ToolCall call) {
        return ToolExecutionRequest.builder().id(call.id()).name(call.name()).arguments(call.arguments()).build();
    }

    /**
     * LangChain4j wants the root of a tool's parameters as its own object schema; each property keeps the
     * action's schema verbatim as a raw schema, so patterns, enums, bounds and nested objects reach the
     * model unchanged.
     */
    static ToolSpecification toTool(ToolSpec spec) {
        var schema = JsonObjectSchema.builder();
        var parameters = spec.parameters();
        if (parameters.hasNonNull("description")) schema.description(parameters.get("description").asString());
        var properties = parameters.path("properties");
        for (var name : properties.propertyNames()) {
            schema.addProperty(name, JsonRawSchema.from(properties.get(name).toString()));
        }
        var required = new ArrayList<String>();
        parameters.path("required").forEach(n -> required.add(n.asString()));
        schema.required(required);
        JsonNode additional = parameters.get("additionalProperties");
        if (additional != null && additional.isBoolean()) schema.additionalProperties(additional.asBoolean());
        return ToolSpecification.builder().name(spec.name()).description(spec.description()).parameters(schema.build()).build();
    }

    static LlmResponse fromChatResponse(ChatResponse response, String provider, String configuredModel) {
        var message = response.aiMessage();
        List<ToolCall> calls = message.hasToolExecutionRequests()
                ? message.toolExecutionRequests().stream()
                        .map(r -> new ToolCall(r.id() == null ? "" : r.id(), r.name(), r.arguments()))
                        .toList()
                : List.of();
        var usage = response.tokenUsage();
        var tokens = usage == null ? TokenUsage.NONE
                : new TokenUsage(orZero(usage.inputTokenCount()), orZero(usage.outputTokenCount()));
        // The served model can differ from the configured name (an alias resolved by the server); report what answered.
        var model = response.modelName() != null && !response.modelName().isBlank() ? response.modelName() : configuredModel;
        return new LlmResponse(message.text(), calls, tokens, provider, model);
    }

    private static long orZero(Integer value) {
        return value == null ? 0 : value;
    }
}
