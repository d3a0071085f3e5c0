package dev.warden.agent;

import dev.warden.identity.Principal;
import dev.warden.llm.TokenUsage;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One conversation with the agent: who it acts for, its bounded history, the tool calls still to
 * run, and what it waits for from the person. One message is handled at a time.
 */
public final class ChatSession {

    /**
     * A tool call the model made, mapped to an action. {@code id} is the model's call id; {@code index}
     * numbers the session's steps, the same in the plan that shows it and in the events that run it.
     */
    record Call(String id, String toolName, String actionId, ObjectNode input, int index) {}

    /** Work left in this turn, done in order before the model is asked again. */
    sealed interface Work {
        /** Check a call: missing fields, then its risk (read runs, above read joins the plan). */
        record Check(Call call) implements Work {}

        /** Run a call the person agreed to (or a read). */
        record Run(Call call) implements Work {}

        /** Put the model's question to the person, with its numbered options. */
        record Ask(String callId, String question, List<String> options) implements Work {}
    }

    /** What the turn stopped to ask the person. */
    sealed interface Waiting {
        String kind();

        record ForPlan(List<Call> steps) implements Waiting {
            public String kind() {
                return "plan";
            }
        }

        record ForConfirmation(Call call, String token) implements Waiting {
            public String kind() {
                return "confirmation";
            }
        }

        record ForField(Call call, String field, JsonNode schema, List<String> options) implements Waiting {
            public String kind() {
                return "field";
            }
        }

        /** The model's own question ({@code ask_user}): the answer goes back to it as the call's result. */
        record ForChoice(String callId, String question, List<String> options) implements Waiting {
            public String kind() {
                return "choice";
            }
        }
    }

    private final String id;
    /** Who the current message runs as: a session outlives the token it was started with. */
    private volatile Principal principal;
    private final boolean autonomous;
    final Conversation conversation;
    final Deque<Work> work = new ArrayDeque<>();
    final Deque<String> recent = new ArrayDeque<>();
    final ReentrantLock lock = new ReentrantLock();
    Waiting waiting;
    TokenUsage usage = TokenUsage.NONE;
    private volatile Duration approvalWait = Duration.ZERO;
    int stepCounter;

    ChatSession(String id, Principal principal, boolean autonomous, Conversation conversation) {
        this.id = Objects.requireNonNull(id);
        this.principal = Objects.requireNonNull(principal);
        this.autonomous = autonomous;
        this.conversation = conversation;
    }

    public String id() {
        return id;
    }

    public Principal principal() {
        return principal;
    }

    /** Called with the session's lock held, for the turn about to run. */
    void actAs(Principal now) {
        if (!now.name().equals(principal.name()) || !now.project().equals(principal.project())) {
            throw new IllegalArgumentException("a session belongs to one user in one project");
        }
        principal = now;
    }

    /** Fewer steps per turn, for a front that runs without a person watching each step. */
    public boolean autonomous() {
        return autonomous;
    }

    /** What the session waits for ({@code plan}, {@code confirmation}, {@code field}), or null. */
    public String waitingFor() {
        return waiting == null ? null : waiting.kind();
    }

    /**
     * How long a turn waits for another person to decide a request held for approval before it
     * reports it as held: zero (the default) reports at once; a terminal front waits while its
     * person watches.
     */
    public void awaitApprovals(Duration wait) {
        approvalWait = wait;
    }

    Duration approvalWait() {
        return approvalWait;
    }

    /** Tokens spent by this session so far. */
    public TokenUsage usage() {
        return usage;
    }

    /** The history's size and how many turns were summarised away: a session must stay bounded. */
    public int historyChars() {
        return conversation.sizeChars();
    }

    public int droppedTurns() {
        return conversation.droppedTurns();
    }
}
