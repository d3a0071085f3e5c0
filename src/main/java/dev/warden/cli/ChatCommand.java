package dev.warden.cli;

import dev.warden.agent.Chats;
import dev.warden.identity.Principal;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code warden chat}: a conversation with Warden's own agent, one line at a time, in this process as
 * the local admin (as {@code run}) or on a server with {@code --server URL --token T}. The session is
 * saved after every message, so it can be resumed with {@code --session ID}, also after an answer it
 * waited for was never given.
 */
@Command(name = "chat", mixinStandardHelpOptions = true,
        description = "Talk with Warden's agent in the terminal (/sessions lists your sessions, /quit ends).")
final class ChatCommand implements Callable<Integer> {
    private final Terminal terminal;

    @Mixin
    DataDirOptions data;

    @Option(names = "--session", paramLabel = "ID", description = "Resume this session of yours.")
    String session;

    @Option(names = "--server", paramLabel = "URL", description = "Talk with a running Warden server's agent instead.")
    String server;

    @Option(names = "--token", paramLabel = "TOKEN", description = "The bearer token for --server (default: $WARDEN_TOKEN).")
    String token;

    @Option(names = "--progress", negatable = true,
            description = "A progress line on stderr while steps run (default: when stderr is a terminal).")
    Boolean progress;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    ChatCommand() {
        this(Terminal.system());
    }

    ChatCommand(Terminal terminal) {
        this.terminal = terminal;
    }

    /** Where sessions live: this data dir, or a server. */
    private record Place(Function<String, ChatChannel> start, Function<String, ChatChannel> resume,
                         Supplier<List<Chats.Summary>> sessions) {}

    @Override
    public Integer call() {
        if (token != null && server == null) throw new CommandLine.ParameterException(spec.commandLine(), "--token needs --server");
        var bearer = token != null ? token : System.getenv("WARDEN_TOKEN");
        if (server != null && bearer == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--server needs --token or $WARDEN_TOKEN");
        }
        var err = spec.commandLine().getErr();
        try (var renderer = new ChatRenderer(spec.commandLine().getOut(), err,
                progress != null ? progress : terminal.stderrIsTerminal(), false, server)) {
            if (server != null) {
                return repl(renderer, new Place(title -> RemoteChat.start(server, bearer, title, false),
                        id -> RemoteChat.resume(server, bearer, id), () -> RemoteChat.sessions(server, bearer)));
            }
            var me = Principal.localAdmin(System.getProperty("user.name", "local"));
            try (var warden = data.open()) {
                return repl(renderer, new Place(title -> LocalChat.start(warden, me, false, title),
                        id -> LocalChat.resume(warden, me, id), () -> LocalChat.sessions(warden, me)));
            }
        } catch (ChatChannel.ChatException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
    }

    private int repl(ChatRenderer renderer, Place place) {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        ChatChannel chat = null;
        String waiting = null;
        try {
            if (session != null) {
                try {
                    chat = place.resume().apply(session);
                } catch (ChatChannel.ChatException e) {
                    err.println("error: " + e.getMessage());
                    return 2;
                }
                waiting = chat.waitingFor();
                err.println("Resumed " + chat.sessionId() + (waiting == null ? "." : "; it waits for your answer to a " + waiting + "."));
            }
            err.println("Type a message; /sessions lists your sessions, /quit ends.");
            while (true) {
                renderer.ask(waiting == null ? "> " : ChatRenderer.prompt(waiting));
                var line = terminal.readLine();
                if (line == null) {
                    err.println();
                    break;
                }
                var text = line.strip();
                if (text.equals("/quit") || text.equals("/exit")) break;
                if (text.equals("/sessions")) {
                    // A server that cannot list them now leaves the conversation as it was.
                    try {
                        sessions(out, place.sessions().get());
                    } catch (ChatChannel.ChatException e) {
                        err.println("error: " + e.getMessage());
                    }
                    continue;
                }
                if (text.isEmpty()) {
                    if (waiting == null) continue;
                    text = "no";
                }
                // The session starts with the first message, which names it.
                if (chat == null) chat = place.start().apply(text.length() <= 80 ? text : text.substring(0, 77) + "...");
                var end = new Dialogue(chat, renderer).send(text);
                waiting = end.waiting() ? end.waitingFor() : null;
            }
            if (chat != null) {
                err.println("Saved; resume with ./warden chat --session " + chat.sessionId() + (server == null ? "" : " --server " + server));
            }
            return 0;
        } finally {
            if (chat != null) chat.close();
        }
    }

    private static void sessions(PrintWriter out, List<Chats.Summary> list) {
        if (list.isEmpty()) {
            out.println("No sessions yet.");
            return;
        }
        out.printf("%-26s  %-20s  %-12s  %s%n", "ID", "UPDATED", "WAITS FOR", "TITLE");
        for (var s : list) {
            out.printf("%-26s  %-20s  %-12s  %s%n", s.id(), s.updatedAt().toString().replaceFirst("\\.\\d+Z$", "Z"),
                    s.waitingFor() == null ? "-" : s.waitingFor(), s.title());
        }
        out.flush();
    }
}
