package dev.warden.cli;

import dev.warden.identity.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code warden ask "TASK"}: one task for Warden's own agent, in this process on the data dir as
 * the local admin (as {@code run}), or on a server with {@code --server URL --token T} as the
 * token's principal. Read-only steps run at once; anything above read is shown and runs only when
 * the person at the terminal says yes. Nobody at the terminal, or {@code --yes}, means nobody
 * says yes: such steps are declined and reported, never run.
 */
@Command(name = "ask", mixinStandardHelpOptions = true,
        description = "Give Warden's agent a task in plain words; it plans, asks before changing anything, and answers.",
        footer = {"", "Without a terminal on standard input, or with --yes, nothing above read runs: plans, confirmations and "
                + "questions are declined, and what was declined is printed.",
                "In this process with a terminal, a step held for another person's approval is waited for (up to 10 minutes).",
                "Exit codes: 0 done (also when something was declined), 1 failed (e.g. no model answers), 2 invalid usage."})
final class AskCommand implements Callable<Integer> {
    private final Terminal terminal;

    @Mixin
    DataDirOptions data;

    @Parameters(arity = "1..*", paramLabel = "TASK", description = "The task, e.g. \"free up space in /var/tmp\".")
    List<String> words = new ArrayList<>();

    @Option(names = "--yes", description = "Never prompt. Read-only steps run as always; anything that needs a person is declined.")
    boolean yes;

    @Option(names = "--json", description = "Print each event of the agent as one JSON line.")
    boolean json;

    @Option(names = "--progress", negatable = true,
            description = "A progress line on stderr while steps run (default: when stderr is a terminal).")
    Boolean progress;

    @Option(names = "--server", paramLabel = "URL", description = "Ask a running Warden server instead of this process.")
    String server;

    @Option(names = "--token", paramLabel = "TOKEN", description = "The bearer token for --server (default: $WARDEN_TOKEN).")
    String token;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    AskCommand() {
        this(Terminal.system());
    }

    AskCommand(Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        var task = String.join(" ", words).strip();
        if (task.isEmpty()) throw new CommandLine.ParameterException(spec.commandLine(), "the task is empty");
        if (token != null && server == null) throw new CommandLine.ParameterException(spec.commandLine(), "--token needs --server");
        var bearer = token != null ? token : System.getenv("WARDEN_TOKEN");
        if (server != null && bearer == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--server needs --token or $WARDEN_TOKEN");
        }
        var err = spec.commandLine().getErr();
        boolean interactive = !yes && terminal.interactive();
        var why = yes ? "--yes says yes to nothing above read" : "no terminal to ask on";
        var title = task.length() <= 80 ? task : task.substring(0, 77) + "...";
        try (var renderer = new ChatRenderer(spec.commandLine().getOut(), err,
                progress != null ? progress : terminal.stderrIsTerminal(), json, server)) {
            // A session nobody watches step by step gets the agent's lower step limit.
            if (server != null) {
                try (var chat = RemoteChat.start(server, bearer, title, !interactive)) {
                    return new Dialogue(chat, renderer).task(task, terminal, interactive, why);
                }
            }
            try (var warden = data.open()) {
                var me = Principal.localAdmin(System.getProperty("user.name", "local"));
                try (var chat = LocalChat.start(warden, me, !interactive, title)) {
                    return new Dialogue(chat, renderer).task(task, terminal, interactive, why);
                }
            }
        } catch (ChatChannel.ChatException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
    }
}
