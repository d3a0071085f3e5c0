package dev.warden.llm;

import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.anthropic.AnthropicStreamingChatModel;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingHandle;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.warden.config.LlmConfig;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * A provider reached through LangChain4j's OpenAI or Anthropic model. LangChain4j's own retries are off
 * ({@code maxRetries(0)}): {@link ResilientProvider} retries, so that backoff, {@code Retry-After} and
 * the circuit breaker see every attempt. HTTP goes through {@link ProviderHttpClient}.
 */
public final class LangChain4jProvider implements LlmProvider {
    /** Anthropic's default is 1,024, too few for a plan with several tool calls. */
    static final int MAX_OUTPUT_TOKENS = 4096;

    private final String name;
    private final String model;
    private final ChatModel chat;
    private final StreamingChatModel streaming;

    private LangChain4jProvider(String name, String model, ChatModel chat, StreamingChatModel streaming) {
        this.name = name;
        this.model = model;
        this.chat = chat;
        this.streaming = streaming;
    }

    public static LangChain4jProvider of(LlmConfig.Provider config) {
        return switch (config.kind()) {
            case OPENAI -> new LangChain4jProvider(config.name(), config.model(),
                    OpenAiChatModel.builder().httpClientBuilder(new ProviderHttpClient.Builder())
                            .baseUrl(config.baseUrl().toString()).apiKey(config.apiKey()).modelName(config.model())
                            .timeout(config.timeout()).maxRetries(0).build(),
                    OpenAiStreamingChatModel.builder().httpClientBuilder(new ProviderHttpClient.Builder())
                            .baseUrl(config.baseUrl().toString()).apiKey(config.apiKey()).modelName(config.model())
                            .timeout(config.timeout()).build());
            case ANTHROPIC -> new LangChain4jProvider(config.name(), config.model(),
                    AnthropicChatModel.builder().httpClientBuilder(new ProviderHttpClient.Builder())
                            .baseUrl(anthropicBase(config.baseUrl())).apiKey(config.apiKey()).modelName(config.model())
                            .maxTokens(MAX_OUTPUT_TOKENS).timeout(config.timeout()).maxRetries(0).build(),
                    AnthropicStreamingChatModel.builder().httpClientBuilder(new ProviderHttpClient.Builder())
                            .baseUrl(anthropicBase(config.baseUrl())).apiKey(config.apiKey()).modelName(config.model())
                            .maxTokens(MAX_OUTPUT_TOKENS).timeout(config.timeout()).build());
        };
    }

    /**
     * Anthropic's own clients take the host ({@code https://api.anthropic.com}) and add {@code /v1};
     * LangChain4j wants {@code /v1} in the base URL. Both spellings are accepted.
     */
    static String anthropicBase(URI baseUrl) {
        var text = baseUrl.toString().replaceAll("/+$", "");
        return text.endsWith("/v1") ? text : text + "/v1";
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String model() {
        return model;
    }

    @Override
    public LlmResponse chat(LlmRequest request) {
        return LangChain4jMapping.fromChatResponse(chat.chat(LangChain4jMapping.toChatRequest(request)), name, model);
    }

    @Override
    public LlmResponse stream(LlmRequest request, Consumer<String> onToken) {
        var done = new CompletableFuture<ChatResponse>();
        var open = new AtomicBoolean(true);
        var handle = new AtomicReference<StreamingHandle>();
        streaming.chat(LangChain4jMapping.toChatRequest(request), new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
                handle.set(context.streamingHandle());
                // After a time-out the caller has moved on (maybe to a retry): later text must not reach it.
                if (open.get()) onToken.accept(partial.text());
                else context.streamingHandle().cancel();
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        try {
            return LangChain4jMapping.fromChatResponse(done.get(), name, model);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new dev.langchain4j.exception.TimeoutException(e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } finally {
            open.set(false);
            var h = handle.get();
            if (h != null && !done.isDone()) h.cancel();
        }
    }

    @Override
    public String toString() {
        return "LangChain4jProvider[" + name + ", " + model + "]";
    }
}
