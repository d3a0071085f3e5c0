package dev.warden.actions.shell;

import dev.warden.action.Action;
import dev.warden.action.ActionContext;
import dev.warden.action.ActionException;
import dev.warden.action.ActionSpec;
import dev.warden.action.Assessment;
import dev.warden.action.CallObserver;
import dev.warden.action.Effects;
import dev.warden.action.ErrorKind;
import dev.warden.action.Risk;
import dev.warden.action.Schemas;
import dev.warden.guard.CommandAnalysis;
import dev.warden.guard.CommandAnalyzer;
import dev.warden.guard.PathJail;
import dev.warden.json.Json;
import dev.warden.sandbox.CapturedOutput;
import dev.warden.sandbox.Command;
import dev.warden.sandbox.ProcessResult;
import dev.warden.sandbox.ProcessSpec;
import dev.warden.sandbox.RunningProcess;
import dev.warden.sandbox.Sandbox;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code shell.exec}: runs a command line ({@code /bin/sh -c}) or an argv in the sandbox and returns
 * its exit code and output. A non-zero exit is a result, not an error; only a command that cannot
 * be started is. The risk of a call is what the command analyzer makes of the parsed command.
 */
public final class ShellExecAction implements Action {
    public static final String ID = "shell.exec";

    private static final ActionSpec SPEC = new ActionSpec(ID, 1, "Run a shell command",
            "Run a command on the server: `command` (a /bin/sh -c line with pipes and redirects) or `argv`"
                    + " (no shell). Optional cwd inside the allowed roots, env, stdin, timeoutMs. Returns exitCode,"
                    + " stdout, stderr; a non-zero exit is a normal result. For long tasks use job.start.",
            Risk.MEDIUM, Effects.IRREVERSIBLE, Schemas.input(ID), Schemas.output(ID), false, true);

    private final PathJail jail;
    private final Sandbox sandbox;
    private final Function<Command, CommandAnalysis> analyzer;

    /** {@code analyzer} classifies a command before it runs; it must not run anything itself. */
    public ShellExecAction(PathJail jail, Sandbox sandbox, Function<Command, CommandAnalysis> analyzer) {
        this.jail = jail;
        this.sandbox = sandbox;
        this.analyzer = analyzer;
    }

    public ShellExecAction(PathJail jail, Sandbox sandbox, CommandAnalyzer analyzer) {
        this(jail, sandbox, command -> switch (command) {
            case Command.Script script -> analyzer.analyze(script.source());
            case Command.Argv argv -> analyzer.analyzeArgv(argv.args());
        });
    }

    @Override
    public ActionSpec spec() {
        return SPEC;
    }

    /** A read-only command ({@code ls}, {@code cat}) is assessed as a read, whatever the declared risk. */
    @Override
    public Risk lowestRisk() {
        return Risk.READ;
    }

    @Override
    public Assessment assess(ActionContext ctx, JsonNode input) {
        var request = ShellRequest.parse(input);
        workingDirectory(request);
        var analysis = analyzer.apply(request.command());
        return new Assessment(analysis.risk(), analysis.reasons());
    }

    @Override
    public JsonNode execute(ActionContext ctx, JsonNode input) {
        var request = ShellRequest.parse(input);
        var spec = processSpec(ctx, request);
        var observer = ctx.observer();
        var running = sandbox.start(spec);
        ProcessResult result;
        try (var stop = observer.onCancel(running::cancel); var ticker = Progress.report(running, observer)) {
            result = running.await();
        }
        if (result.cancelled() && observer.cancelled()) {
            // Failed with a code of its own, so the audit record itself says the caller stopped it.
            throw new ActionException(ErrorKind.LIMIT, "cancelled",
                    "The command was cancelled by the caller after " + result.durationMs() + " ms; its process group was killed.",
                    "Run it again if it is still needed; for long tasks use job.start.", output(result, spec));
        }
        return output(result, spec);
    }

    /** Reports elapsed seconds and output bytes about once a second while the process runs. */
    private record Progress(Thread thread) implements AutoCloseable {
        private static final long PERIOD_MS = 1_000;

        static Progress report(RunningProcess running, CallObserver observer) {
            if (!observer.listening()) return new Progress(null);
            var started = System.nanoTime();
            return new Progress(Thread.ofVirtual().name("progress-" + running.pid()).start(() -> {
                try {
                    while (running.isAlive()) {
                        Thread.sleep(PERIOD_MS);
                        if (!running.isAlive()) break;
                        var millis = (System.nanoTime() - started) / 1_000_000L;
                        var seconds = millis / 1_000;
                        // Elapsed time in milliseconds is the progress: it grows with every report, as MCP requires.
                        observer.progress(millis / 1_000.0, null, "running for " + seconds + " s, "
                                + running.outputBytes() + " bytes of output so far");
                    }
                } catch (InterruptedException e) {
                    // The command ended: no more reports.
                }
            }));
        }

        @Override
        public void close() {
            if (thread != null) thread.interrupt();
        }
    }

    @Override
    public Optional<JsonNode> simulate(ActionContext ctx, JsonNode input) {
        var request = ShellRequest.parse(input);
        var spec = processSpec(ctx, request);
        var analysis = analyzer.apply(request.command());
        var node = Json.object();
        switch (request.command()) {
            case Command.Script script -> node.put("command", script.source());
            case Command.Argv argv -> argv.args().forEach(node.putArray("argv")::add);
        }
        node.put("cwd", spec.cwd().toString());
        node.put("risk", analysis.risk().id());
        var commands = node.putArray("commands");
        for (var parsed : analysis.commands()) {
            var entry = commands.addObject();
            parsed.argv().forEach(entry.putArray("argv")::add);
            entry.put("risk", parsed.risk().id());
            if (parsed.reason() != null) entry.put("reason", parsed.reason());
        }
        analysis.reasons().forEach(node.putArray("reasons")::add);
        if (!request.env().isEmpty()) request.env().keySet().forEach(node.putArray("envNames")::add);
        var sandboxNode = node.putObject("sandbox");
        sandboxNode.put("level", sandbox.level());
        sandboxNode.put("timeoutMs", spec.timeout().toMillis());
        sandboxNode.put("outputCapBytes", spec.outputCapBytes());
        sandboxNode.put("cpuSeconds", spec.limits().cpuSeconds());
        sandboxNode.put("openFiles", spec.limits().openFiles());
        node.put("note", "Nothing was run. This is the analysis of the command and the sandbox it would run in.");
        return Optional.of(node);
    }

    private ProcessSpec processSpec(ActionContext ctx, ShellRequest request) {
        var limits = sandbox.limits();
        var timeout = request.timeoutMs() == null ? limits.defaultTimeout() : Duration.ofMillis(request.timeoutMs());
        if (timeout.compareTo(limits.maxTimeout()) > 0) timeout = limits.maxTimeout();
        var untilDeadline = Duration.between(Instant.now(), ctx.deadline());
        if (untilDeadline.compareTo(timeout) < 0) {
            if (untilDeadline.toMillis() < 1) {
                throw new ActionException(ErrorKind.LIMIT, "deadline_exceeded",
                        "The time allowed for this call has already run out.", "Retry the call.");
            }
            timeout = untilDeadline;
        }
        return baseSpec(request).withTimeout(timeout);
    }

    /**
     * The process a call with {@code input} starts, for a caller that runs and supervises it itself
     * ({@code job.start}): the same command, working directory (checked against the roots),
     * environment and stdin as {@link #execute}; the caller sets its own timeout and limits.
     */
    public ProcessSpec detachedSpec(JsonNode input) {
        return baseSpec(ShellRequest.parse(input));
    }

    private ProcessSpec baseSpec(ShellRequest request) {
        return sandbox.limits().spec(request.command(), workingDirectory(request))
                .withEnv(request.env())
                .withStdin(request.stdin() == null ? new byte[0] : request.stdin().getBytes(StandardCharsets.UTF_8));
    }

    private Path workingDirectory(ShellRequest request) {
        if (request.cwd() == null) return jail.roots().getFirst();
        var cwd = jail.resolve(request.cwd());
        if (!Files.isDirectory(cwd)) {
            var missing = !Files.exists(cwd);
            throw new ActionException(missing ? ErrorKind.NOT_FOUND : ErrorKind.BAD_INPUT, "cwd_not_directory",
                    "The working directory " + cwd + (missing ? " does not exist." : " is not a directory."),
                    "Pass an existing directory as cwd; call fs.list on " + parentOf(cwd) + " to see what exists.");
        }
        return cwd;
    }

    private static Path parentOf(Path path) {
        return path.getParent() == null ? path : path.getParent();
    }

    private static JsonNode output(ProcessResult result, ProcessSpec spec) {
        ObjectNode node = Json.object();
        node.put("exitCode", result.exitCode());
        node.put("stdout", result.stdout().text());
        node.put("stderr", result.stderr().text());
        node.put("durationMs", result.durationMs());
        node.put("timedOut", result.timedOut());
        node.put("stdoutTruncatedBytes", result.stdout().droppedBytes());
        node.put("stderrTruncatedBytes", result.stderr().droppedBytes());
        var sandboxNode = node.putObject("sandbox");
        sandboxNode.put("level", result.level());
        result.enforced().forEach(sandboxNode.putArray("enforced")::add);
        note(result, spec).ifPresent(text -> node.put("note", text));
        return node;
    }

    private static Optional<String> note(ProcessResult result, ProcessSpec spec) {
        var parts = new ArrayList<String>();
        if (result.timedOut()) {
            parts.add("The command was stopped after " + spec.timeout().toMillis() + " ms (timeoutMs); its whole"
                    + " process group was killed. Raise timeoutMs (at most 600000) or use job.start for long tasks.");
        } else if (result.cancelled()) {
            parts.add("The command was cancelled and its process group was killed.");
        } else if (result.exitCode() == 128 + 9 && spec.limits().cpuSeconds() > 0) {
            parts.add("The command was killed (SIGKILL); it may have used up its CPU-time limit of "
                    + spec.limits().cpuSeconds() + " s.");
        }
        capped("stdout", result.stdout(), spec.outputCapBytes()).ifPresent(parts::add);
        capped("stderr", result.stderr(), spec.outputCapBytes()).ifPresent(parts::add);
        if (result.stdout().droppedBytes() > 0 || result.stderr().droppedBytes() > 0) {
            parts.add("To see everything, redirect the output to a file inside the roots (e.g. `... > out.txt 2>&1`)"
                    + " and read it with fs.read.");
        }
        return parts.isEmpty() ? Optional.empty() : Optional.of(String.join(" ", parts));
    }

    private static Optional<String> capped(String stream, CapturedOutput output, int cap) {
        if (output.droppedBytes() == 0) return Optional.empty();
        return Optional.of(stream + " was " + output.totalBytes() + " bytes; " + output.droppedBytes()
                + " bytes in the middle were dropped (the first and last " + cap / 2 + " bytes were kept).");
    }

    /** The input, read once; validation has already guaranteed its shape. */
    record ShellRequest(Command command, String cwd, Map<String, String> env, String stdin, Long timeoutMs) {
        static ShellRequest parse(JsonNode input) {
            var commandText = input.get("command");
            var argv = input.get("argv");
            if ((commandText == null) == (argv == null)) {
                throw new ActionException(ErrorKind.BAD_INPUT, "invalid_input",
                        "Give exactly one of command (a shell line) or argv (a list of strings).",
                        "Use command for pipes and redirections, argv to pass arguments verbatim.");
            }
            Command command;
            if (commandText != null) {
                command = new Command.Script(commandText.asString());
            } else {
                var args = new ArrayList<String>();
                argv.forEach(item -> args.add(item.asString()));
                if (args.isEmpty() || args.getFirst().isEmpty()) {
                    throw new ActionException(ErrorKind.BAD_INPUT, "invalid_input",
                            "argv must start with a program name.", "Pass argv like [\"ls\", \"-l\"].");
                }
                command = new Command.Argv(args);
            }
            var env = new LinkedHashMap<String, String>();
            var envNode = input.get("env");
            if (envNode != null) envNode.properties().forEach(e -> env.put(e.getKey(), e.getValue().asString()));
            return new ShellRequest(command, text(input, "cwd"), env, text(input, "stdin"),
                    input.has("timeoutMs") ? input.get("timeoutMs").asLong() : null);
        }

        private static String text(JsonNode input, String field) {
            var node = input.get(field);
            return node == null || node.isNull() ? null : node.asString();
        }
    }
}
