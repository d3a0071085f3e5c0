package dev.warden.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.config.LlmConfig;
import dev.warden.metrics.Metrics;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each provider kind against the wire-format peer: what is sent, what comes back, what is counted. */
class ProviderRoundTripTest {
    static final String SCHEMA = """
            {"type":"object","description":"Read a file","properties":{
              "path":{"type":"string","minLength":1,"description":"the file"},
              "lines":{"type":"integer","minimum":1}},
             "required":["path"],"additionalProperties":false}""";

    LlmPeer peer;
    Metrics metrics;

    @BeforeEach
    void start() throws Exception {
        peer = new LlmPeer();
        metrics = new Metrics(() -> 0, () -> 0);
    }

    @AfterEach
    void stop() {
        peer.close();
        metrics.close();
    }

    ProviderChain chain(LlmConfig.Kind kind, String baseUrl) {
        var provider = new LlmConfig.Provider("p-" + kind.id(), kind, URI.create(baseUrl), "model-x", "sk-test-secret", Duration.ofSeconds(10));
        return ProviderChain.of(new LlmConfig(List.of(provider)), Fast.SETTINGS, metrics);
    }

    static LlmRequest readRequest() {
        return new LlmRequest(List.of(new LlmMessage.SystemPrompt("You operate a machine."), new LlmMessage.User("show /etc/hosts")),
                List.of(new ToolSpec("fs_read", "Read a file", LlmPeer.JSON.readTree(SCHEMA))));
    }

    @Test
    void openAiRoundTripWithAToolCallAndItsResultCountsTokens() {
        peer.then(LlmPeer.toolCall("call_1", "fs_read", "{\"path\":\"/etc/hosts\"}"), LlmPeer.text("It maps localhost."));
        var chain = chain(LlmConfig.Kind.OPENAI, peer.baseUrl());

        var first = chain.chat(readRequest());
        assertThat(first.toolCalls()).containsExactly(new ToolCall("call_1", "fs_read", "{\"path\":\"/etc/hosts\"}"));
        assertThat(first.usage()).isEqualTo(new TokenUsage(20, 8));
        assertThat(first.provider()).isEqualTo("p-openai");
        assertThat(first.model()).isEqualTo("model-x");

        var sent = peer.received().getFirst();
        assertThat(sent.path()).isEqualTo("/v1/chat/completions");
        assertThat(sent.header("Authorization")).isEqualTo("Bearer sk-test-secret");
        assertThat(sent.body().path("model").asString()).isEqualTo("model-x");
        var tool = sent.body().path("tools").get(0).path("function");
        assertThat(tool.path("name").asString()).isEqualTo("fs_read");
        assertThat(tool.path("parameters").path("properties").path("path").path("minLength").asInt()).isEqualTo(1);
        assertThat(tool.path("parameters").path("required").get(0).asString()).isEqualTo("path");
        assertThat(sent.body().path("messages").get(0).path("role").asString()).isEqualTo("system");

        var history = new ArrayList<>(readRequest().messages());
        history.add(LlmMessage.Assistant.of(first));
        history.add(new LlmMessage.ToolResult("call_1", "fs_read", "127.0.0.1 localhost"));
        var second = chain.chat(new LlmRequest(history, readRequest().tools()));
        assertThat(second.text()).isEqualTo("It maps localhost.");
        assertThat(second.hasToolCalls()).isFalse();

        var messages = peer.received().get(1).body().path("messages");
        assertThat(messages.get(2).path("tool_calls").get(0).path("id").asString()).isEqualTo("call_1");
        assertThat(messages.get(3).path("role").asString()).isEqualTo("tool");
        assertThat(messages.get(3).path("tool_call_id").asString()).isEqualTo("call_1");
        assertThat(messages.get(3).path("content").asString()).isEqualTo("127.0.0.1 localhost");

        var scrape = metrics.scrape();
        assertThat(scrape).contains("warden_llm_tokens_total{kind=\"input\",model=\"model-x\",provider=\"p-openai\"} 30.0");
        assertThat(scrape).contains("warden_llm_tokens_total{kind=\"output\",model=\"model-x\",provider=\"p-openai\"} 13.0");
        assertThat(scrape).contains("warden_llm_calls_total{outcome=\"ok\",provider=\"p-openai\"} 2.0");
    }

    @Test
    void anthropicRoundTripWithAToolUseBlockAndItsResultCountsTokens() {
        peer.then(LlmPeer.toolCall("toolu_1", "fs_read", "{\"path\":\"/etc/hosts\"}"), LlmPeer.text("Done."));
        // Anthropic's own spelling of the base URL, without /v1.
        var chain = chain(LlmConfig.Kind.ANTHROPIC, peer.baseUrl().replace("/v1", ""));

        var first = chain.chat(readRequest());
        assertThat(first.toolCalls()).hasSize(1);
        var call = first.toolCalls().getFirst();
        assertThat(call.id()).isEqualTo("toolu_1");
        assertThat(call.name()).isEqualTo("fs_read");
        assertThat(call.parsedArguments()).hasValueSatisfying(a -> assertThat(a.path("path").asString()).isEqualTo("/etc/hosts"));
        assertThat(first.usage()).isEqualTo(new TokenUsage(20, 8));

        var sent = peer.received().getFirst();
        assertThat(sent.path()).isEqualTo("/v1/messages");
        assertThat(sent.header("x-api-key")).isEqualTo("sk-test-secret");
        assertThat(sent.body().path("system").toString()).contains("You operate a machine.");
        assertThat(sent.body().path("tools").get(0).path("input_schema").path("properties").path("lines").path("minimum").asInt())
                .isEqualTo(1);

        var history = new ArrayList<>(readRequest().messages());
        history.add(LlmMessage.Assistant.of(first));
        history.add(new LlmMessage.ToolResult("toolu_1", "fs_read", "127.0.0.1 localhost"));
        assertThat(chain.chat(new LlmRequest(history, readRequest().tools())).text()).isEqualTo("Done.");

        var messages = peer.received().get(1).body().path("messages");
        var toolUse = messages.get(1).path("content").get(0);
        assertThat(toolUse.path("type").asString()).isEqualTo("tool_use");
        var toolResult = messages.get(2).path("content").get(0);
        assertThat(toolResult.path("type").asString()).isEqualTo("tool_result");
        assertThat(toolResult.path("tool_use_id").asString()).isEqualTo("toolu_1");

        assertThat(metrics.scrape()).contains("warden_llm_tokens_total{kind=\"input\",model=\"model-x\",provider=\"p-anthropic\"} 30.0");
    }

    @Test
    void malformedToolCallArgumentsAreDeliveredRaw() {
        peer.then(LlmPeer.toolCall("call_9", "fs_read", "{\"path\": \"/etc/hosts\""));
        var response = chain(LlmConfig.Kind.OPENAI, peer.baseUrl()).chat(readRequest());

        var call = response.toolCalls().getFirst();
        assertThat(call.arguments()).isEqualTo("{\"path\": \"/etc/hosts\"");
        assertThat(call.parsedArguments()).isEmpty();
        assertThat(call.argumentsError()).hasValueSatisfying(e -> assertThat(e).contains("not valid JSON"));
    }

    @Test
    void openAiStreamsTokensAndThenTheWholeAnswer() {
        peer.then(LlmPeer.text("Disk is 40% full."), LlmPeer.toolCall("call_2", "fs_read", "{\"path\":\"/var\"}"));
        var chain = chain(LlmConfig.Kind.OPENAI, peer.baseUrl());

        var tokens = new ArrayList<String>();
        var response = chain.stream(readRequest(), tokens::add);
        assertThat(tokens).hasSizeGreaterThan(1);
        assertThat(String.join("", tokens)).isEqualTo("Disk is 40% full.");
        assertThat(response.text()).isEqualTo("Disk is 40% full.");
        assertThat(response.usage()).isEqualTo(new TokenUsage(10, 5));
        assertThat(peer.received().getFirst().body().path("stream").asBoolean()).isTrue();

        var withTool = chain.stream(readRequest(), t -> {});
        assertThat(withTool.toolCalls()).containsExactly(new ToolCall("call_2", "fs_read", "{\"path\":\"/var\"}"));
    }

    @Test
    void anOpenAiCompatibleServerWithoutAKeyGetsNoAuthorizationHeader() {
        peer.then(LlmPeer.text("local model"));
        var keyless = new LlmConfig.Provider("ollama", LlmConfig.Kind.OPENAI, URI.create(peer.baseUrl()), "llama", null, Duration.ofSeconds(10));

        var response = ProviderChain.of(new LlmConfig(List.of(keyless)), Fast.SETTINGS, metrics).chat(readRequest());
        assertThat(response.text()).isEqualTo("local model");
        assertThat(peer.received().getFirst().header("Authorization")).isNull();
    }

    @Test
    void anthropicStreamsTextAndToolUseBlocks() {
        peer.then(LlmPeer.text("Three files are large."), LlmPeer.toolCall("toolu_7", "fs_read", "{\"path\":\"/var/log\"}"));
        var chain = chain(LlmConfig.Kind.ANTHROPIC, peer.baseUrl());

        var tokens = new ArrayList<String>();
        var response = chain.stream(readRequest(), tokens::add);
        assertThat(tokens).hasSizeGreaterThan(1);
        assertThat(String.join("", tokens)).isEqualTo("Three files are large.");
        assertThat(response.text()).isEqualTo("Three files are large.");
        assertThat(response.usage()).isEqualTo(new TokenUsage(10, 5));
        assertThat(peer.received().getFirst().body().path("stream").asBoolean()).isTrue();

        var withTool = chain.stream(readRequest(), t -> {});
        assertThat(withTool.toolCalls()).hasSize(1);
        assertThat(withTool.toolCalls().getFirst().id()).isEqualTo("toolu_7");
        assertThat(withTool.toolCalls().getFirst().parsedArguments())
                .hasValueSatisfying(a -> assertThat(a.path("path").asString()).isEqualTo("/var/log"));
    }
}
