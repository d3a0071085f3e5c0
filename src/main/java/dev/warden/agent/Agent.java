package dev.warden.agent;

import dev.warden.action.Action;
import dev.warden.action.ActionRegistry;
import dev.warden.action.Schemas;
import dev.warden.agent.ChatSession.Call;
import dev.warden.agent.ChatSession.Waiting;
import dev.warden.agent.ChatSession.Work;
import dev.warden.approval.Approval;
import dev.warden.engine.Approvals;
import dev.warden.engine.Engine;
import dev.warden.identity.Principal;
import dev.warden.json.Json;
import dev.warden.llm.LlmMessage;
import dev.warden.llm.LlmRequest;
import dev.warden.llm.LlmResponse;
import dev.warden.llm.LlmUnavailableException;
import dev.warden.llm.ProviderChain;
import dev.warden.llm.ResilientProvider;
import dev.warden.llm.ToolCall;
import dev.warden.llm.ToolSpec;
import dev.warden.memory.MemoryStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Warden's own agent: one more front over {@link Engine#submit}. The model proposes tool calls;
 * each becomes an intent of the person who asked, under the same policy, confirmation and audit as
 * any other client. Read-only calls run at once; calls above read are shown as a plan and run only
 * after the person says yes; a confirmation the policy asks for is the person's too. Tool calls
 * naming no action or failing their schema go back to the model with the errors, a bounded number
 * of times; missing required fields are asked of the person, one at a time.
 */
public final class Agent {

    /**
     * @param maxSteps           actions run per message from the person
     * @param maxStepsAutonomous the same for sessions no person watches step by step
     * @param maxRepairs         tool calls per message the model may get wrong before the turn stops
     * @param historyChars       the conversation's budget; older turns are summarised beyond it
     * @param summaryChars       the budget of that summary
     * @param resultChars        a tool result is cut to this for the model
     */
    public record Settings(int maxSteps, int maxStepsAutonomous, int maxRepairs, int historyChars, int summaryChars,
                           int resultChars) {
        public static Settings defaults() {
            return new Settings(16, 6, 3, 48_000, 4_000, 8_000);
        }
    }

    private final Engine engine;
    private final Approvals approvals;
    private final ProviderChain models;
    private final MemoryStore memory;
    private final Settings settings;
    private final Steps steps;

    public Agent(Engine engine, Approvals approvals, ProviderChain models, MemoryStore memory, Settings settings) {
        this.engine = Objects.requireNonNull(engine);
        this.approvals = Objects.requireNonNull(approvals);
        this.models = Objects.requireNonNull(models);
        this.memory = Objects.requireNonNull(memory);
        this.settings = Objects.requireNonNull(settings);
        this.steps = new Steps(engine);
    }

    /** A new conversation for {@code principal}; its id keys the session's taint too. */
    public ChatSession open(String id, Principal principal, boolean autonomous) {
        return new ChatSession(id, principal, autonomous, new Conversation(settings.historyChars(), settings.summaryChars()));
    }

    /** Handles one message from the person; events go to {@code events} as they happen. */
    public void send(ChatSession session, String text, Consumer<AgentEvent> events) {
        send(session, session.principal(), text, events);
    }

    /** The same, with every call of this turn made as {@code principal} (the session's user, perhaps through another token). */
    public void send(ChatSession session, Principal principal, String text, Consumer<AgentEvent> events) {
        send(session, principal, text, events, false);
    }

    /**
     * The same; with {@code textDeltas} the model's text also arrives piece by piece as
     * {@link AgentEvent.TextDelta} while the model streams it.
     */
    public void send(ChatSession session, Principal principal, String text, Consumer<AgentEvent> events, boolean textDeltas) {
        session.lock.lock();
        try {
            session.actAs(principal);
            var turn = new Turn(session, events, textDeltas);
            if (turn.answer(text)) turn.loop();
        } finally {
            session.lock.unlock();
        }
    }

    /** The tools the model is offered: the actions this principal could ever run. */
    List<ToolSpec> tools(Principal principal) {
        var tools = new ArrayList<ToolSpec>();
        for (Action action : engine.registry().all()) {
            if (!engine.offers(principal, action)) continue;
            var spec = action.spec();
            tools.add(new ToolSpec(ActionRegistry.toolName(spec.id()), spec.description(), Schemas.bare(spec.inputSchema())));
        }
        tools.add(ASK_USER);
        return tools;
    }

    /** Not an action: how the model offers the person a choice when a request is ambiguous. */
    static final String ASK = "ask_user";
    private static final ToolSpec ASK_USER = new ToolSpec(ASK,
            "Ask the user to choose when the request is ambiguous (several files match, several ways to do it): one question"
                    + " and 2 to 9 options, shown as a numbered list. The result is the option they chose, or what they wrote.",
            Json.parse("""
                    {"type": "object", "properties": {
                      "question": {"type": "string", "minLength": 1, "maxLength": 500},
                      "options": {"type": "array", "items": {"type": "string", "minLength": 1, "maxLength": 200},
                                  "minItems": 2, "maxItems": 9}},
                     "required": ["question", "options"], "additionalProperties": false}"""));

    /** One message's handling: the state of this turn on top of the session's. */
    private final class Turn {
        private final ChatSession s;
        private final Consumer<AgentEvent> events;
        private final boolean textDeltas;
        private final int limit;
        private final List<Call> planned = new ArrayList<>();
        private final List<AgentEvent.Step> plannedSteps = new ArrayList<>();
        private int ran;
        private int repairs;
        private int rounds;

        Turn(ChatSession session, Consumer<AgentEvent> events, boolean textDeltas) {
            this.s = session;
            this.events = events;
            this.textDeltas = textDeltas;
            this.limit = session.autonomous() ? settings.maxStepsAutonomous() : settings.maxSteps();
        }

        /** Applies the person's message to what the session waited for; false when the turn waits again. */
        boolean answer(String text) {
            var waiting = s.waiting;
            s.waiting = null;
            switch (waiting) {
                case null -> s.conversation.user(text);
                case Waiting.ForPlan plan -> {
                    if (Replies.yes(text)) {
                        plan.steps().forEach(c -> s.work.addLast(new Work.Run(c)));
                    } else {
                        plan.steps().forEach(c -> declined(c, text));
                        abandonWork("the user declined the plan");
                        if (!Replies.no(text)) s.conversation.user(text);
                    }
                }
                case Waiting.ForConfirmation confirmation -> {
                    if (Replies.yes(text)) {
                        return run(confirmation.call(), confirmation.token());
                    }
                    declined(confirmation.call(), text);
                    abandonWork("the user declined an earlier step");
                    if (!Replies.no(text)) s.conversation.user(text);
                }
                case Waiting.ForChoice choice -> {
                    var picked = Replies.choice(text, choice.options());
                    var answer = Json.object().put("question", choice.question());
                    if (picked.isPresent()) {
                        answer.put("choice", choice.options().get(picked.getAsInt())).put("number", picked.getAsInt() + 1);
                    } else if (Replies.no(text)) {
                        answer.put("code", "declined_by_user").put("message", "The user chose none of the options.");
                    } else {
                        // Not one of the options: the person's own words are the answer.
                        answer.put("answer", text);
                    }
                    reply(choice.callId(), ASK, "answered", answer);
                }
                case Waiting.ForField field -> {
                    if (Replies.no(text)) {
                        declined(field.call(), text);
                        abandonWork("the user declined an earlier step");
                        return true;
                    }
                    var value = Fields.parse(text, field);
                    if (value == null) {
                        // Still waiting for this field: the next reply answers the same question.
                        s.waiting = field;
                        ask(field);
                        return false;
                    }
                    field.call().input().set(field.field(), value);
                    s.work.addFirst(new Work.Check(field.call()));
                }
            }
            return true;
        }

        void loop() {
            while (true) {
                if (!drain()) return;
                if (!planned.isEmpty()) {
                    events.accept(new AgentEvent.Plan(List.copyOf(plannedSteps)));
                    s.waiting = new Waiting.ForPlan(List.copyOf(planned));
                    events.accept(new AgentEvent.Waiting("plan"));
                    return;
                }
                if (ran >= limit || rounds > limit + settings.maxRepairs()) {
                    events.accept(new AgentEvent.Failed("step_limit", "Stopped after " + ran + " steps in this turn (the limit is "
                            + limit + ").", "Say \"continue\" to let it go on, or give a narrower task."));
                    return;
                }
                LlmResponse response;
                try {
                    rounds++;
                    var request = new LlmRequest(request(), tools(s.principal()));
                    response = textDeltas ? models.stream(request, piece -> events.accept(new AgentEvent.TextDelta(piece)))
                            : models.chat(request);
                } catch (LlmUnavailableException e) {
                    events.accept(new AgentEvent.Failed("llm_unavailable", e.getMessage(),
                            "Actions still work without the model: ./warden run ACTION, REST /v1/actions, or an MCP client."));
                    return;
                } catch (ResilientProvider.StreamInterrupted e) {
                    // Text was shown already, so no other model may start the answer again.
                    events.accept(new AgentEvent.Failed("llm_stream_interrupted", e.getMessage(),
                            "Send the message again; the model's partial answer was not kept."));
                    return;
                }
                s.usage = s.usage.plus(response.usage());
                s.conversation.add(LlmMessage.Assistant.of(response));
                if (!response.text().isBlank()) events.accept(new AgentEvent.Text(response.text()));
                if (!response.hasToolCalls()) {
                    events.accept(new AgentEvent.Done(response.text(), s.usage, response.provider(), response.model(), ran));
                    return;
                }
                for (var toolCall : response.toolCalls()) accept(toolCall);
                if (repairs > settings.maxRepairs()) {
                    abandonWork("the model's tool calls kept failing validation");
                    events.accept(new AgentEvent.Failed("model_tool_errors", "The model called tools wrongly " + repairs
                            + " times in this turn; stopped.", "Rephrase the task, or run the action yourself with ./warden run."));
                    return;
                }
            }
        }

        private LlmMessage.SystemPrompt systemPrompt() {
            var p = s.principal();
            var facts = memory.list(p.name(), p.project(), null, MemoryStore.MAX_FACTS);
            return new LlmMessage.SystemPrompt(Prompts.system(p, facts, s.conversation.summary(), s.recent));
        }

        private List<LlmMessage> request() {
            var messages = new ArrayList<LlmMessage>();
            messages.add(systemPrompt());
            messages.addAll(s.conversation.messages());
            return messages;
        }

        /** A tool call from the model: mapped, parsed and queued, or sent back with what is wrong. */
        private void accept(ToolCall toolCall) {
            if (toolCall.name().equals(ASK)) {
                askUser(toolCall);
                return;
            }
            var actionId = engine.registry().findByToolName(toolCall.name()).map(a -> a.spec().id());
            if (actionId.isEmpty()) {
                repairs++;
                reply(toolCall.id(), toolCall.name(), "error", Json.object().put("code", "unknown_tool")
                        .put("message", "There is no tool named " + toolCall.name() + ".")
                        .put("hint", "Use one of the tools you were given, spelled exactly as listed."));
                return;
            }
            var args = toolCall.parsedArguments();
            if (args.isEmpty()) {
                repairs++;
                reply(toolCall.id(), toolCall.name(), "error", Json.object().put("code", "invalid_arguments")
                        .put("message", toolCall.argumentsError().orElse("the arguments are not a JSON object"))
                        .put("hint", "Send the arguments as one JSON object matching the tool's parameters."));
                return;
            }
            s.work.addLast(new Work.Check(new Call(toolCall.id(), toolCall.name(), actionId.get(), (ObjectNode) args.get(),
                    ++s.stepCounter)));
        }

        private void askUser(ToolCall toolCall) {
            var args = toolCall.parsedArguments().orElse(null);
            var options = new ArrayList<String>();
            if (args != null) args.path("options").forEach(o -> options.add(o.asString("").strip()));
            var question = args == null ? "" : args.path("question").asString("").strip();
            if (question.isEmpty() || options.size() < 2 || options.size() > 9 || options.stream().anyMatch(String::isEmpty)) {
                repairs++;
                reply(toolCall.id(), ASK, "error", Json.object().put("code", "invalid_arguments")
                        .put("message", "ask_user needs a question and 2 to 9 non-empty options.")
                        .put("hint", "Send {\"question\": \"...\", \"options\": [\"...\", \"...\"]}."));
                return;
            }
            s.work.addLast(new Work.Ask(toolCall.id(), question, List.copyOf(options)));
        }

        /** Works through the queue; false when the turn stopped to ask the person something. */
        private boolean drain() {
            while (!s.work.isEmpty()) {
                if (ran >= limit) {
                    abandonWork("the turn's step limit was reached");
                    return true;
                }
                var next = s.work.removeFirst();
                boolean going = switch (next) {
                    case Work.Check check -> check(check.call());
                    case Work.Run run -> run(run.call(), null);
                    case Work.Ask ask -> {
                        s.waiting = new Waiting.ForChoice(ask.callId(), ask.question(), ask.options());
                        events.accept(new AgentEvent.Question(ask.question(), ask.options()));
                        events.accept(new AgentEvent.Waiting("choice"));
                        yield false;
                    }
                };
                if (!going) return false;
            }
            return true;
        }

        private boolean check(Call call) {
            var action = engine.registry().find(call.actionId()).orElseThrow();
            var missing = Fields.missing(action.spec().inputSchema(), call.input());
            if (missing.isPresent()) {
                var field = Fields.waiting(call, action.spec().inputSchema(), missing.get());
                s.waiting = field;
                ask(field);
                return false;
            }
            var judged = steps.judge(call, s);
            switch (judged) {
                case Steps.Judged.Read read -> {
                    return run(call, null);
                }
                case Steps.Judged.AboveRead above -> {
                    planned.add(call);
                    plannedSteps.add(new AgentEvent.Step(call.index(), call.actionId(), call.input(), above.risk().id(), above.preview()));
                }
                case Steps.Judged.Refused refused -> {
                    if (refused.repairable()) repairs++;
                    reply(call, refused.status(), refused.detail());
                }
            }
            return true;
        }

        /** Runs one call as the person; false when it now waits for their confirmation. */
        private boolean run(Call call, String confirmToken) {
            int index = call.index();
            events.accept(new AgentEvent.StepStarted(index, call.actionId(), call.input()));
            var outcome = steps.run(call, s, confirmToken);
            switch (outcome) {
                case Steps.Ran.Finished f -> {
                    ran++;
                    if (f.repairable()) repairs++;
                    events.accept(new AgentEvent.StepFinished(index, call.actionId(), f.status(), f.detail(), f.auditSeq()));
                    var status = f.status();
                    var detail = f.detail();
                    if (f.approvalId() != null) {
                        events.accept(new AgentEvent.ApprovalPending(call.actionId(), f.approvalId(), f.reason()));
                        var settled = awaitApproval(f.approvalId());
                        if (settled != null) {
                            status = settled.status().id();
                            detail = settled.toJson();
                            events.accept(new AgentEvent.StepFinished(index, call.actionId(), status, detail, f.auditSeq()));
                        }
                    }
                    s.recent.addLast(Prompts.recent(call.actionId(), call.input(), status));
                    while (s.recent.size() > 10) s.recent.removeFirst();
                    reply(call, status, detail);
                    return true;
                }
                case Steps.Ran.NeedsConfirmation n -> {
                    events.accept(new AgentEvent.StepFinished(index, call.actionId(), "needs_confirmation", n.preview(), n.auditSeq()));
                    events.accept(new AgentEvent.ConfirmationNeeded(call.actionId(), call.input(), n.reason(), n.preview()));
                    s.waiting = new Waiting.ForConfirmation(call, n.token());
                    events.accept(new AgentEvent.Waiting("confirmation"));
                    return false;
                }
            }
        }

        /**
         * Waits, as long as the session was told to, for another person to decide a held request;
         * the request as it then stands, or null when it is still pending (the model hears "held").
         */
        private Approval awaitApproval(String id) {
            var wait = s.approvalWait();
            if (wait.isZero() || wait.isNegative()) return null;
            try {
                var approval = approvals.await(s.principal(), id, wait);
                return Approvals.settled(approval) ? approval : null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }

        private void ask(Waiting.ForField field) {
            events.accept(new AgentEvent.Question(Fields.question(field), field.options()));
            events.accept(new AgentEvent.Waiting("field"));
        }

        private void declined(Call call, String said) {
            reply(call, "declined", Json.object().put("code", "declined_by_user")
                    .put("message", "The user did not agree to this step; nothing ran.").put("userSaid", said));
        }

        /** Answers every call still queued, so the model's history has no call without its result. */
        private void abandonWork(String why) {
            for (var work : s.work) {
                var notRun = Json.object().put("code", "not_run").put("message", "Not run: " + why + ".");
                switch (work) {
                    case Work.Check c -> reply(c.call(), "not_run", notRun);
                    case Work.Run r -> reply(r.call(), "not_run", notRun);
                    case Work.Ask a -> reply(a.callId(), ASK, "not_asked", notRun);
                }
            }
            s.work.clear();
        }

        private void reply(Call call, String status, JsonNode body) {
            reply(call.id(), call.toolName(), status, body);
        }

        private void reply(String callId, String toolName, String status, JsonNode body) {
            var action = engine.registry().findByToolName(toolName).map(a -> a.spec().id()).orElse(toolName);
            s.conversation.add(new LlmMessage.ToolResult(callId, toolName, Prompts.result(action, status, body, settings.resultChars())));
        }
    }
}
