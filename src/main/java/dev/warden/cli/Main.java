package dev.warden.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code warden} command line. Each subcommand is one small class in this package. */
@Command(name = "warden", mixinStandardHelpOptions = true, version = "warden 0.1.0",
        description = "A governed gateway through which AI agents operate this machine.",
        subcommands = {
                ServeCommand.class, McpCommand.class, ConnectCommand.class, RunCommand.class, AskCommand.class, ChatCommand.class, ActionsCommand.class, AuditCommand.class, UndoCommand.class, ApprovalsCommand.class, DoctorCommand.class, JobsCommand.class, WebhookCommand.class, SecretsCommand.class,
                UserCommand.class, ProjectCommand.class, TokenCommand.class, PolicyCommand.class, CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        return execute(Terminal.system(), null, null, args);
    }

    /**
     * The command line on {@code terminal}, printing to {@code out} and {@code err} (null: the
     * process's own), so a test runs the whole entry point with the person's answers typed in.
     */
    static int execute(Terminal terminal, PrintWriter out, PrintWriter err, String... args) {
        // Logging is set up here, on one thread, before any library logs: a library that logs first
        // from another thread while SLF4J initializes gets its calls queued and a warning printed.
        org.slf4j.LoggerFactory.getILoggerFactory();
        var cli = new CommandLine(new Main(), terminal.factory());
        if (out != null) cli.setOut(out);
        if (err != null) cli.setErr(err);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
