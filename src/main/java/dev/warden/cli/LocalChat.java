package dev.warden.cli;

import dev.warden.agent.AgentEvents;
import dev.warden.agent.ChatSession;
import dev.warden.agent.Chats;
import dev.warden.app.Warden;
import dev.warden.identity.Principal;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * A chat session in this process, on the data dir's own agent and engine, as the session's principal.
 * The session is saved after every message, so {@code warden chat --session ID} or a server can
 * take it up later. The command that opened Warden closes it.
 */
final class LocalChat implements ChatChannel {
    private final Warden warden;
    private final ChatSession session;

    private LocalChat(Warden warden, ChatSession session) {
        this.warden = warden;
        this.session = session;
    }

    /** How long a watched session waits for another person to decide a request held for approval. */
    static final Duration APPROVAL_WAIT = Duration.ofMinutes(10);

    static LocalChat start(Warden warden, Principal principal, boolean autonomous, String title) {
        var session = warden.chats().start(principal, autonomous, title);
        // With a person at the terminal the task waits for the approver and goes on; unattended it reports the id.
        if (!autonomous) session.awaitApprovals(APPROVAL_WAIT);
        return new LocalChat(warden, session);
    }

    /** The principal's session {@code id}; throws when it has none by that id. */
    static LocalChat resume(Warden warden, Principal principal, String id) {
        var session = warden.chats().find(id, principal)
                .orElseThrow(() -> new ChatException("no chat session " + id + " of " + principal.name()
                        + " in project " + principal.project() + " (./warden chat, then /sessions, lists them)"));
        return new LocalChat(warden, session);
    }

    static List<Chats.Summary> sessions(Warden warden, Principal principal) {
        return warden.chats().list(principal);
    }

    @Override
    public String sessionId() {
        return session.id();
    }

    @Override
    public String waitingFor() {
        return session.waitingFor();
    }

    @Override
    public void send(String text, Consumer<JsonNode> events) {
        warden.chats().send(session, text, event -> events.accept(AgentEvents.toJson(event)));
    }

    @Override
    public void close() {
        // Nothing of its own to release: the session is saved after every message.
    }
}
