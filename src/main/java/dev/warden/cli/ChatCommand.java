package dev.warden.cli;

import dev.warden.agent.Chats;
import dev.warden.identity.Principal;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code warden chat}: a conversation with Warden's own agent in this process, as the local admin
 * (as {@code run}), one line at a time. The session is saved after every message, so it can be
 * resumed with {@code --session ID}, also after an answer it waited for was never given.
 */
@Command(name = "chat", mixinStandardHelpOptions = true,
        description = "Talk with Warden's agent in the terminal (/sessions lists your sessions, /quit ends).")
final class ChatCommand implements Callable<Integer> {
    private final Terminal terminal;

    @Mixin
    DataDirOptions data;

    @Option(names = "--session", paramLabel = "ID", description = "Resume this session of yours.")
    String session;

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

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        var me = Principal.localAdmin(System.getProperty("user.name", "local"));
        try (var warden = data.open(); var renderer = new ChatRenderer(out, err,
                progress != null ? progress : terminal.stderrIsTerminal(), false)) {
            LocalChat chat = null;
            String waiting = null;
            if (session != null) {
                try {
                    chat = LocalChat.resume(warden, me, session);
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
                    sessions(out, LocalChat.sessions(warden, me));
                    continue;
                }
                if (text.isEmpty()) {
                    if (waiting == null) continue;
                    text = "no";
                }
                // The session starts with the first message, which names it.
                if (chat == null) chat = LocalChat.start(warden, me, false, text.length() <= 80 ? text : text.substring(0, 77) + "...");
                var end = new Dialogue(chat, renderer).send(text);
                waiting = end.waiting() ? end.waitingFor() : null;
            }
            if (chat != null) err.println("Saved; resume with ./warden chat --session " + chat.sessionId());
            return 0;
        } catch (ChatChannel.ChatException e) {
            err.println("error: " + e.getMessage());
            return 1;
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
