package dev.warden.cli;

import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * One chat session with Warden's agent, in this process or on a server. Either way each event
 * arrives in its JSON form ({@code AgentEvents.toJson}), so the terminal renders both alike.
 */
sealed interface ChatChannel extends AutoCloseable permits LocalChat, RemoteChat {

    String sessionId();

    /** What the session waits for (plan, confirmation, field) when it is known here, else null. */
    String waitingFor();

    /**
     * Sends one message from the person and hands over the events of the turn it starts, in order,
     * until the turn ends (done, waiting or failed). Throws {@link ChatException} when the session
     * cannot be reached; the turn's own failures arrive as events.
     */
    void send(String text, Consumer<JsonNode> events);

    @Override
    void close();

    /** The session could not be reached or refused the request; the message is for the person. */
    final class ChatException extends RuntimeException {
        ChatException(String message) {
            super(message);
        }

        ChatException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
