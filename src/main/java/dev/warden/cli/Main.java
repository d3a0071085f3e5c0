package dev.warden.cli;

import dev.warden.store.Database;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code warden} command line. Each subcommand is one small class in this package. */
@Command(name = "warden", mixinStandardHelpOptions = true, version = "warden 0.1.0",
        description = "A governed gateway through which AI agents operate this machine.")
public final class Main implements Runnable {
    private static final List<Class<?>> COMMANDS = List.of(
            ServeCommand.class, McpCommand.class, ConnectCommand.class, RunCommand.class, AskCommand.class, ChatCommand.class,
            ActionsCommand.class, AuditCommand.class, UndoCommand.class, ApprovalsCommand.class, DoctorCommand.class, JobsCommand.class,
            WebhookCommand.class, SecretsCommand.class, UserCommand.class, ProjectCommand.class, TokenCommand.class, PolicyCommand.class,
            CommandLine.HelpCommand.class);

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
        // Nearly every command opens the database: its native library loads while the command line
        // is built and parsed.
        if (args.length > 0 && !args[0].startsWith("-") && !"help".equals(args[0])) Database.preload();
        var cli = commandLine(terminal.factory(), args);
        if (out != null) cli.setOut(out);
        if (err != null) cli.setErr(err);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        });
        return cli.execute(args);
    }

    /** The whole command line, every subcommand in it (tests drive it this way). */
    public static CommandLine commandLine() {
        return commandLine(CommandLine.defaultFactory());
    }

    /**
     * The command line for {@code args}. Picocli builds the model of every subcommand it is given, by
     * reflection: ~0.3 s for all of them, a fifth of a server's start. Arguments that name one get
     * that one; any others (none, --help, help, a typo) get all, for the usage and the suggestions.
     */
    static CommandLine commandLine(CommandLine.IFactory factory, String... args) {
        var cli = new CommandLine(new Main(), factory);
        var named = args.length == 0 ? List.<Class<?>>of()
                : COMMANDS.stream().filter(c -> c != CommandLine.HelpCommand.class)
                        .filter(c -> c.getAnnotation(Command.class).name().equals(args[0])).toList();
        for (var command : named.isEmpty() ? COMMANDS : named) cli.addSubcommand(command);
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
