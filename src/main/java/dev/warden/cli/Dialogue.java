package dev.warden.cli;

import tools.jackson.databind.JsonNode;

/**
 * The terminal's side of a conversation with the agent: sends the person's messages, renders each
 * turn's events, and answers what a turn waits for, from the person or, when nobody is asked, with
 * a "no" that is reported. Read-only steps never wait, so declining is the only safe answer
 * without a person: nothing above read runs unless someone said yes to it.
 */
final class Dialogue {
    /** Answers one task may take before it is stopped, so a model that keeps asking cannot loop forever. */
    static final int MAX_ANSWERS = 20;

    /** How a turn ended: {@code done}, {@code failed}, or {@code waiting} for {@code waitingFor}. */
    record End(String type, String waitingFor) {
        boolean waiting() {
            return type.equals("waiting");
        }
    }

    private final ChatChannel channel;
    private final ChatRenderer renderer;

    Dialogue(ChatChannel channel, ChatRenderer renderer) {
        this.channel = channel;
        this.renderer = renderer;
    }

    /** Sends one message and renders the turn it starts. */
    End send(String text) {
        var last = new JsonNode[1];
        channel.send(text, event -> {
            renderer.show(event);
            if (RemoteChat.LAST.contains(event.path("type").asString(""))) last[0] = event;
        });
        if (last[0] == null) throw new ChatChannel.ChatException("the turn ended without done, waiting or failed");
        var end = last[0];
        return new End(end.path("type").asString(), end.path("for").asString(null));
    }

    /**
     * One task to its end: the answers come from {@code terminal} while {@code interactive}, and are
     * "no" otherwise or once its input ends. Answers the exit code: 0 done, 1 failed.
     */
    int task(String task, Terminal terminal, boolean interactive, String whyNotAsked) {
        var end = send(task);
        boolean asking = interactive;
        var why = whyNotAsked;
        for (int answers = 0; end.waiting(); answers++) {
            if (answers >= MAX_ANSWERS) {
                renderer.note("error: stopped after " + MAX_ANSWERS + " answers; session " + channel.sessionId()
                        + " still waits for one");
                return 1;
            }
            String reply = null;
            if (asking) {
                renderer.ask(ChatRenderer.prompt(end.waitingFor()));
                reply = terminal.readLine();
                if (reply == null) {
                    asking = false;
                    why = "standard input ended";
                }
            }
            if (reply == null) {
                renderer.declined(why);
                reply = "no";
            } else if (reply.isBlank()) {
                // [y/N]: no by default; an empty answer to a question skips the step it is for.
                reply = "no";
            }
            end = send(reply);
        }
        return end.type().equals("done") ? 0 : 1;
    }
}
