package dev.warden.cli;

import dev.warden.json.Json;
import java.io.PrintWriter;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Agent events, in their JSON form, as terminal lines: the same for a session in this process and
 * one on a server. Standard output carries the conversation (the model's text, plans, step results,
 * what was declined) and ends with the model's final answer; standard error carries the prompts,
 * the progress line and why a turn failed. With {@code json}, standard output gets each event as
 * one JSON line instead.
 *
 * <p>The model's answer arrives twice, as {@code text} and again in {@code done}: text is held until
 * the next event shows whether it was the final answer, so it is printed once, and last.
 */
final class ChatRenderer implements AutoCloseable {
    private static final int VALUE_CHARS = 48;
    private static final int INPUT_CHARS = 140;
    /** Enough of a diff to judge a change by; the rest of a long one would push the plan off the screen. */
    static final int PREVIEW_LINES = 20;
    /** A diff line of a minified file can be a megabyte long. */
    private static final int PREVIEW_LINE_CHARS = 200;
    private static final Set<String> ASKING = Set.of("plan", "confirmation_needed", "question");

    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean json;
    /** The server the session is on, or null in this process: where a held step's approval is looked up. */
    private final String server;
    private final StepProgress progress;
    private String heldText;
    /** The plan, confirmation or question the turn ended on: what a "no" declines. */
    private JsonNode asked;

    ChatRenderer(PrintWriter out, PrintWriter err, boolean progress, boolean json, String server) {
        this.out = out;
        this.err = err;
        this.json = json;
        this.server = server == null || !server.endsWith("/") ? server : server.substring(0, server.length() - 1);
        this.progress = new StepProgress(err, progress);
    }

    void show(JsonNode event) {
        var type = event.path("type").asString("");
        if (!type.equals("step_started")) progress.stop();
        if (json) {
            showJson(type, event);
            return;
        }
        if (!type.equals("done")) releaseText();
        switch (type) {
            case "text" -> heldText = event.path("text").asString("");
            case "plan" -> {
                asked = event;
                out.println("Plan:");
                for (var step : event.path("steps")) {
                    out.println("  " + step(step));
                    preview(step.path("preview"), "       ");
                }
            }
            case "step_started" -> progress.start(event.path("index").asInt(), event.path("action").asString());
            // A step held for confirmation is told by the confirmation_needed that follows.
            case "step_finished" -> {
                if (!event.path("status").asString().equals("needs_confirmation")) out.println(finished(event));
            }
            case "confirmation_needed" -> {
                asked = event;
                out.println(event.path("action").asString() + " needs confirmation: " + event.path("reason").asString()
                        + "\n  " + input(event.path("input")));
                preview(event.path("preview"), "  ");
            }
            case "approval_pending" -> {
                var id = event.path("approvalId").asString();
                // ./warden approvals reads this machine's data dir, which is not the server's.
                var where = server == null ? "./warden approvals show " + id : "GET " + server + "/v1/approvals/" + id;
                out.println(event.path("action").asString() + " waits for approval " + id + ": " + event.path("reason").asString()
                        + " (" + where + ")");
            }
            case "question" -> {
                asked = event;
                var text = event.path("text").asString("");
                out.println(text);
                var options = event.path("options");
                // The agent's questions list their choices already; others may not.
                if (!options.isEmpty() && !text.contains("1. " + options.get(0).asString())) {
                    for (int i = 0; i < options.size(); i++) out.println("  " + (i + 1) + ". " + options.get(i).asString());
                }
            }
            case "waiting" -> { }
            case "done" -> {
                var answer = event.path("text").asString("");
                if (!answer.equals(heldText)) releaseText();
                heldText = null;
                int steps = event.path("steps").asInt();
                err.println("[done: " + steps + (steps == 1 ? " step, " : " steps, ") + event.path("provider").asString() + "/"
                        + event.path("model").asString() + ", " + (event.path("inputTokens").asLong()
                        + event.path("outputTokens").asLong()) + " tokens]");
                if (!answer.isBlank()) out.println(answer);
            }
            case "failed" -> failed(event);
            default -> out.println(Json.write(event));
        }
        out.flush();
        err.flush();
    }

    private void showJson(String type, JsonNode event) {
        if (ASKING.contains(type)) asked = event;
        if (type.equals("step_started")) progress.start(event.path("index").asInt(), event.path("action").asString());
        if (type.equals("failed")) failed(event);
        out.println(Json.write(event));
        out.flush();
    }

    private void failed(JsonNode event) {
        err.println("error: " + event.path("code").asString() + ": " + event.path("message").asString());
        var hint = event.path("hint").asString("");
        if (!hint.isBlank()) err.println("hint: " + hint);
        err.flush();
    }

    /** The prompt for what the turn waits for: a plan, a confirmation or a field. */
    static String prompt(String waitingFor) {
        return switch (waitingFor) {
            case "plan" -> "Run these steps? [y/N] ";
            case "confirmation" -> "Proceed? [y/N] ";
            default -> "Answer (empty to skip): ";
        };
    }

    /** Shows {@code text} where the person answers; it stays on the line they type on. */
    void ask(String text) {
        progress.stop();
        err.print(text);
        err.flush();
    }

    /** A line for the person on standard error, off the progress line. */
    void note(String line) {
        progress.stop();
        err.println(line);
        err.flush();
    }

    /** Says what was declined because no person was asked. */
    void declined(String why) {
        var what = asked == null ? "the request" : switch (asked.path("type").asString("")) {
            case "plan" -> "the plan (" + asked.path("steps").size() + " step" + (asked.path("steps").size() == 1 ? "" : "s") + ")";
            case "confirmation_needed" -> asked.path("action").asString() + " " + input(asked.path("input"));
            default -> "the question";
        };
        var line = "Declined " + what + ", nothing ran: " + why + ".";
        (json ? err : out).println(line);
        (json ? err : out).flush();
    }

    /** Prints model text that turned out not to be the final answer. */
    private void releaseText() {
        if (heldText != null && !heldText.isBlank()) out.println(heldText);
        heldText = null;
    }

    /**
     * The engine's dry run of a step, under it: the diff a file change would make (its first
     * {@link #PREVIEW_LINES} lines, and how many more there are), the dry run's note, and why
     * the step was assessed as it was. What the dry run has besides (sizes, paths) the input shows.
     */
    private void preview(JsonNode preview, String indent) {
        if (!preview.isObject()) return;
        var diff = preview.path("diff");
        if (diff.isString()) {
            var lines = diff.asString().lines().toList();
            if (lines.isEmpty()) out.println(indent + "(no change: the content is the same)");
            lines.stream().limit(PREVIEW_LINES).forEach(line -> out.println(indent + cut(line, PREVIEW_LINE_CHARS)));
            if (lines.size() > PREVIEW_LINES) {
                out.println(indent + "... " + (lines.size() - PREVIEW_LINES) + " more lines of the diff not shown ("
                        + lines.size() + " in all)");
            }
        }
        var note = preview.path("note");
        if (note.isString() && !note.asString().isBlank()) out.println(indent + cut(note.asString(), PREVIEW_LINE_CHARS));
        var reasons = preview.path("reasons");
        if (reasons.isArray() && !reasons.isEmpty()) {
            var why = new StringBuilder();
            for (var reason : reasons) why.append(why.isEmpty() ? "" : "; ").append(reason.asString());
            out.println(indent + "why: " + cut(why.toString(), PREVIEW_LINE_CHARS));
        }
    }

    private static String step(JsonNode step) {
        return step.path("index").asInt() + ". " + step.path("action").asString() + " [" + step.path("risk").asString() + "] "
                + input(step.path("input"));
    }

    private static String finished(JsonNode event) {
        var line = new StringBuilder("step ").append(event.path("index").asInt()).append(' ')
                .append(event.path("action").asString()).append(": ").append(event.path("status").asString().replace('_', ' '));
        var detail = event.path("detail");
        if (detail.has("code")) {
            line.append(" (").append(detail.path("code").asString());
            if (detail.has("message")) line.append(": ").append(detail.path("message").asString());
            line.append(')');
        }
        if (detail.has("undoId")) line.append(" (undo: ./warden undo ").append(detail.path("undoId").asString()).append(')');
        return line.toString();
    }

    /** An input as {@code key=value} pairs, each value cut short: enough to recognise the step. */
    static String input(JsonNode input) {
        if (input == null || !input.isObject()) return input == null || input.isMissingNode() ? "" : cut(Json.write(input), INPUT_CHARS);
        var text = new StringBuilder();
        for (var field : input.properties()) {
            if (!text.isEmpty()) text.append(' ');
            var value = field.getValue();
            var shown = value.isString() && value.asString().matches("[^\\s\"]+") ? value.asString() : Json.write(value);
            text.append(field.getKey()).append('=').append(cut(shown, VALUE_CHARS));
        }
        return cut(text.toString(), INPUT_CHARS);
    }

    private static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 3) + "...";
    }

    @Override
    public void close() {
        // A turn cut short (a broken stream) never says whether its text was the answer: show it anyway.
        releaseText();
        out.flush();
        progress.close();
    }
}
