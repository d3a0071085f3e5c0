package dev.warden.agent;

import dev.warden.agent.ChatSession.Call;
import dev.warden.agent.ChatSession.Waiting;
import dev.warden.agent.ChatSession.Work;
import dev.warden.json.Json;
import dev.warden.llm.LlmMessage;
import dev.warden.llm.TokenUsage;
import dev.warden.llm.ToolCall;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** A session's state as JSON and back, so a conversation survives a restart and resumes where it waited. */
final class SessionCodec {
    private SessionCodec() {}

    static ObjectNode write(ChatSession s) {
        var node = Json.object();
        var turns = node.putArray("turns");
        for (var turn : s.conversation.turns()) {
            var messages = turns.addArray();
            turn.forEach(m -> messages.add(message(m)));
        }
        var summary = node.putArray("summary");
        s.conversation.summaryLines().forEach(summary::add);
        node.put("dropped", s.conversation.droppedTurns());
        var recent = node.putArray("recent");
        s.recent.forEach(recent::add);
        var work = node.putArray("work");
        for (var w : s.work) {
            switch (w) {
                case Work.Check c -> work.addObject().put("kind", "check").set("call", call(c.call()));
                case Work.Run r -> work.addObject().put("kind", "run").set("call", call(r.call()));
                case Work.Ask a -> {
                    var ask = work.addObject().put("kind", "ask").put("callId", a.callId()).put("question", a.question());
                    var options = ask.putArray("options");
                    a.options().forEach(options::add);
                }
            }
        }
        if (s.waiting != null) node.set("waiting", waiting(s.waiting));
        node.put("inputTokens", s.usage.input()).put("outputTokens", s.usage.output()).put("steps", s.stepCounter);
        return node;
    }

    static void read(JsonNode node, ChatSession s) {
        var turns = new ArrayList<List<LlmMessage>>();
        for (var turn : node.path("turns")) {
            var messages = new ArrayList<LlmMessage>();
            turn.forEach(m -> messages.add(message(m)));
            turns.add(messages);
        }
        var summary = new ArrayList<String>();
        node.path("summary").forEach(l -> summary.add(l.asString()));
        s.conversation.restore(turns, summary, node.path("dropped").asInt());
        node.path("recent").forEach(r -> s.recent.addLast(r.asString()));
        for (var w : node.path("work")) {
            switch (w.path("kind").asString()) {
                case "ask" -> s.work.addLast(new Work.Ask(w.path("callId").asString(), w.path("question").asString(), strings(w.path("options"))));
                case "run" -> s.work.addLast(new Work.Run(call(w.path("call"))));
                default -> s.work.addLast(new Work.Check(call(w.path("call"))));
            }
        }
        if (node.has("waiting")) s.waiting = waiting(node.get("waiting"));
        s.usage = new TokenUsage(node.path("inputTokens").asLong(), node.path("outputTokens").asLong());
        s.stepCounter = node.path("steps").asInt();
    }

    private static ObjectNode message(LlmMessage m) {
        var node = Json.object();
        switch (m) {
            case LlmMessage.SystemPrompt sp -> node.put("role", "system").put("text", sp.text());
            case LlmMessage.User u -> node.put("role", "user").put("text", u.text());
            case LlmMessage.Assistant a -> {
                node.put("role", "assistant").put("text", a.text());
                var calls = node.putArray("toolCalls");
                a.toolCalls().forEach(c -> calls.addObject().put("id", c.id()).put("name", c.name()).put("arguments", c.arguments()));
            }
            case LlmMessage.ToolResult r -> node.put("role", "tool").put("callId", r.callId()).put("toolName", r.toolName())
                    .put("text", r.content());
        }
        return node;
    }

    private static LlmMessage message(JsonNode node) {
        return switch (node.path("role").asString()) {
            case "system" -> new LlmMessage.SystemPrompt(node.path("text").asString());
            case "user" -> new LlmMessage.User(node.path("text").asString());
            case "assistant" -> {
                var calls = new ArrayList<ToolCall>();
                node.path("toolCalls").forEach(c -> calls.add(new ToolCall(c.path("id").asString(), c.path("name").asString(),
                        c.path("arguments").asString())));
                yield new LlmMessage.Assistant(node.path("text").isNull() ? null : node.path("text").asString(null), calls);
            }
            case "tool" -> new LlmMessage.ToolResult(node.path("callId").asString(), node.path("toolName").asString(),
                    node.path("text").asString());
            default -> throw new IllegalArgumentException("unknown message role in a saved session: " + node.path("role"));
        };
    }

    private static List<String> strings(JsonNode array) {
        var list = new ArrayList<String>();
        array.forEach(v -> list.add(v.asString()));
        return list;
    }

    private static ObjectNode call(Call c) {
        var node = Json.object().put("id", c.id()).put("toolName", c.toolName()).put("actionId", c.actionId()).put("index", c.index());
        node.set("input", c.input());
        return node;
    }

    private static Call call(JsonNode node) {
        return new Call(node.path("id").asString(), node.path("toolName").asString(), node.path("actionId").asString(),
                (ObjectNode) node.path("input").deepCopy(), node.path("index").asInt());
    }

    private static ObjectNode waiting(Waiting w) {
        var node = Json.object().put("kind", w.kind());
        switch (w) {
            case Waiting.ForPlan p -> {
                ArrayNode steps = node.putArray("steps");
                p.steps().forEach(c -> steps.add(call(c)));
            }
            case Waiting.ForConfirmation c -> {
                node.set("call", call(c.call()));
                node.put("token", c.token());
            }
            case Waiting.ForChoice c -> {
                node.put("callId", c.callId()).put("question", c.question());
                var options = node.putArray("options");
                c.options().forEach(options::add);
            }
            case Waiting.ForField f -> {
                node.set("call", call(f.call()));
                node.put("field", f.field());
                node.set("schema", f.schema());
                var options = node.putArray("options");
                f.options().forEach(options::add);
            }
        }
        return node;
    }

    private static Waiting waiting(JsonNode node) {
        return switch (node.path("kind").asString()) {
            case "plan" -> {
                var steps = new ArrayList<Call>();
                node.path("steps").forEach(c -> steps.add(call(c)));
                yield new Waiting.ForPlan(steps);
            }
            case "confirmation" -> new Waiting.ForConfirmation(call(node.path("call")), node.path("token").asString());
            case "choice" -> new Waiting.ForChoice(node.path("callId").asString(), node.path("question").asString(),
                    strings(node.path("options")));
            default -> {
                var options = new ArrayList<String>();
                node.path("options").forEach(o -> options.add(o.asString()));
                yield new Waiting.ForField(call(node.path("call")), node.path("field").asString(), node.path("schema"), options);
            }
        };
    }
}
