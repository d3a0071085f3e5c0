package dev.warden.agent;

import dev.warden.llm.LlmMessage;
import dev.warden.llm.ToolCall;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The history a session sends to the model, bounded in size. Turns (a person's message and
 * everything that answered it) are dropped oldest first once the history is over its budget; each
 * dropped turn leaves one line in a summary, itself bounded, so a session of any length costs a
 * bounded prompt and bounded memory. Turns are dropped whole, so a tool result never loses the
 * call it answers.
 */
final class Conversation {
    /** The size of a message as the model pays for it, in characters (about four per token). */
    static int size(LlmMessage message) {
        return switch (message) {
            case LlmMessage.SystemPrompt s -> s.text().length();
            case LlmMessage.User u -> u.text().length();
            case LlmMessage.Assistant a -> (a.text() == null ? 0 : a.text().length())
                    + a.toolCalls().stream().mapToInt(c -> c.name().length() + c.arguments().length() + 16).sum();
            case LlmMessage.ToolResult r -> r.content().length() + 16;
        };
    }

    private final int budgetChars;
    private final int summaryChars;
    private final Deque<List<LlmMessage>> turns = new ArrayDeque<>();
    private final Deque<String> summary = new ArrayDeque<>();
    private int size;
    private int summarySize;
    private int dropped;

    Conversation(int budgetChars, int summaryChars) {
        if (budgetChars < 1000) throw new IllegalArgumentException("a history budget below 1000 characters cannot hold a turn");
        this.budgetChars = budgetChars;
        this.summaryChars = summaryChars;
    }

    /** Starts a new turn with the person's message. */
    void user(String text) {
        turns.addLast(new ArrayList<>());
        add(new LlmMessage.User(text));
    }

    /** Adds to the current turn (a turn is started if there is none, as after a restore). */
    void add(LlmMessage message) {
        if (turns.isEmpty()) turns.addLast(new ArrayList<>());
        turns.getLast().add(message);
        size += size(message);
        trim();
    }

    /** Oldest turns out until the budget holds; the current turn always stays. */
    private void trim() {
        while (size > budgetChars && turns.size() > 1) {
            var turn = turns.removeFirst();
            turn.forEach(m -> size -= size(m));
            dropped++;
            remember(line(turn));
        }
    }

    private void remember(String line) {
        summary.addLast(line);
        summarySize += line.length();
        while (summarySize > summaryChars && summary.size() > 1) summarySize -= summary.removeFirst().length();
    }

    /** One line for a dropped turn: what was asked and which tools ran. */
    private static String line(List<LlmMessage> turn) {
        var asked = turn.stream().filter(m -> m instanceof LlmMessage.User).map(m -> ((LlmMessage.User) m).text())
                .findFirst().orElse("(continued)");
        var tools = turn.stream().filter(m -> m instanceof LlmMessage.Assistant).flatMap(m -> ((LlmMessage.Assistant) m).toolCalls().stream())
                .map(ToolCall::name).distinct().toList();
        var text = asked.strip().replaceAll("\\s+", " ");
        if (text.length() > 120) text = text.substring(0, 117) + "...";
        return "- asked: " + text + (tools.isEmpty() ? "" : "; tools used: " + String.join(", ", tools));
    }

    /** Every message kept, oldest first. */
    List<LlmMessage> messages() {
        var all = new ArrayList<LlmMessage>();
        turns.forEach(all::addAll);
        return all;
    }

    /** What earlier, dropped turns were about; empty when nothing was dropped. */
    String summary() {
        if (summary.isEmpty()) return "";
        var text = new StringBuilder();
        if (dropped > summary.size()) text.append("(").append(dropped - summary.size()).append(" older turns not shown)\n");
        summary.forEach(l -> text.append(l).append('\n'));
        return text.toString();
    }

    /** The kept turns, for saving a session. */
    List<List<LlmMessage>> turns() {
        return turns.stream().map(List::copyOf).toList();
    }

    List<String> summaryLines() {
        return List.copyOf(summary);
    }

    /** Puts a saved history back: the same turns, summary and count of dropped turns. */
    void restore(List<List<LlmMessage>> savedTurns, List<String> savedSummary, int savedDropped) {
        turns.clear();
        summary.clear();
        size = 0;
        summarySize = 0;
        dropped = savedDropped;
        savedSummary.forEach(this::remember);
        for (var turn : savedTurns) {
            turns.addLast(new ArrayList<>(turn));
            turn.forEach(m -> size += size(m));
        }
        trim();
    }

    int sizeChars() {
        return size;
    }

    int turnCount() {
        return turns.size();
    }

    int droppedTurns() {
        return dropped;
    }
}
