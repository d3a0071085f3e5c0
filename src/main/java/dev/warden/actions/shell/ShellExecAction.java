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
import dev.warden.preview.PreviewStore;
import dev.warden.sandbox.CapturedOutput;
import dev.warden.sandbox.Command;
import dev.warden.sandbox.ProcessResult;
import dev.warden.sandbox.ProcessSpec;
import dev.warden.sandbox.RunningProcess;
import dev.warden.sandbox.Sandbox;
import dev.warden.sandbox.SandboxLevel;
import dev.warden.sandbox.Sandboxes;
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
            "Run a command on the server: `command` (a /bin/sh -c line) or `argv` (no shell). Optional cwd, env,"
                    + " stdin, timeoutMs, sandbox (process, isolated, or preview: lists the file changes without making"
                    + " them). Returns exitCode, stdout, stderr. For long tasks use job.start.",
            Risk.MEDIUM, Effects.IRREVERSIBLE, Schemas.input(ID), Schemas.output(ID), false, true);

    private final PathJail jail;
    private final Sandboxes sandboxes;
    private final ShellPreview previews;
    private final Function<Command, CommandAnalysis> analyzer;

    /**
     * {@code analyzer} classifies a command before it runs; it must not run anything itself.
     * {@code previews} keeps what {@code preview} runs changed; without it that level fails closed.
     */
    public ShellExecAction(PathJail jail, Sandboxes sandboxes, PreviewStore previews,
                           Function<Command, CommandAnalysis> analyzer) {
        this.jail = jail;
        this.sandboxes = sandboxes;
        this.previews = previews == null ? null : new ShellPreview(sandboxes, previews);
        this.analyzer = analyzer;
    }

    public ShellExecAction(PathJail jail, Sandboxes sandboxes, PreviewStore previews, CommandAnalyzer analyzer) {
        this(jail, sandboxes, previews, analyze(analyzer));
    }

    /** Only the {@code process} level, run by {@code sandbox}. */
    public ShellExecAction(PathJail jail, Sandbox sandbox, Function<Command, CommandAnalysis> analyzer) {
        this(jail, Sandboxes.processOnly(sandbox), null, analyzer);
    }

    public ShellExecAction(PathJail jail, Sandbox sandbox, CommandAnalyzer analyzer) {
        this(jail, Sandboxes.processOnly(sandbox), null, analyze(analyzer));
    }

    private static Function<Command, CommandAnalysis> analyze(CommandAnalyzer analyzer) {
        return command -> switch (command) {
            case Command.Script script -> analyzer.analyze(script.source());
            case Command.Argv argv -> analyzer.analyzeArgv(argv.args());
        };
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
        var level = level(request);
        var analysis = analyzer.apply(request.command());
        if (level == SandboxLevel.PREVIEW && !sandboxes.settings().network() && sandboxes.capabilities().root()
                && analysis.risk().atLeast(Risk.LOW)) {
            // Nothing outside the overlay can change (no network, read-only elsewhere, another uid without
            // capabilities, own pid namespace): the risk is in committing, which is assessed then.
            var reasons = new ArrayList<>(analysis.reasons());
            reasons.add("preview: runs against an overlay without network; nothing real changes until preview.commit"
                    + " (assessed as " + analysis.risk().id() + " otherwise)");
            return new Assessment(Risk.LOW, reasons);
        }
        return new Assessment(analysis.risk(), analysis.reasons());
    }

    /** The level this call runs at; fails closed when it cannot be had. */
    private SandboxLevel level(ShellRequest request) {
        var level = sandboxes.choose(request.sandbox());
        if (level == SandboxLevel.PREVIEW && previews == null) {
            throw new ActionException(ErrorKind.INTERNAL, "sandbox_unavailable",
                    "The sandbox level 'preview' is not available: this Warden keeps no previews. The command was not run.",
                    "Ask for sandbox 'isolated' or 'process'.");
        }
        return level;
    }

    @Override
    public JsonNode execute(ActionContext ctx, JsonNode input) {
        var request = ShellRequest.parse(input);
        var level = level(request);
        var spec = processSpec(ctx, request);
        if (level == SandboxLevel.PREVIEW) return previews.run(spec, ctx.observer());
        var result = await(sandboxes.start(level, spec), ctx.observer(), spec);
        return output(result, spec);
    }

    /**
     * Waits for the command, reporting progress and passing a cancellation on; refuses a result
     * whose sandbox could not be set up, or that the caller cancelled.
     */
    static ProcessResult await(RunningProcess running, CallObserver observer, ProcessSpec spec) {
        ProcessResult result;
        try (var stop = observer.onCancel(running::cancel); var ticker = Progress.report(running, observer)) {
            result = running.await();
        }
        if (result.setupFailure() != null) {
            throw new ActionException(ErrorKind.INTERNAL, "sandbox_setup_failed",
                    "The " + result.level() + " sandbox could not be set up, so the command was not run: " + result.setupFailure(),
                    "Run with a weaker sandbox only if the policy allows it, or have an admin check the server"
                            + " (`warden doctor` shows what the sandbox can do here).");
        }
        if (result.cancelled() && observer.cancelled()) {
            // Failed with a code of its own, so the audit record itself says the caller stopped it.
            throw new ActionException(ErrorKind.LIMIT, "cancelled",
                    "The command was cancelled by the caller after " + result.durationMs() + " ms; its process group was killed.",
                    "Run it again if it is still needed; for long tasks use job.start.", output(result, spec));
        }
        return result;
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
        var level = level(request);
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
        sandboxNode.put("level", level.id());
        sandboxNode.put("timeoutMs", spec.timeout().toMillis());
        sandboxNode.put("outputCapBytes", spec.outputCapBytes());
        sandboxNode.put("cpuSeconds", spec.limits().cpuSeconds());
        sandboxNode.put("openFiles", spec.limits().openFiles());
        if (level != SandboxLevel.PROCESS) {
            var cgroup = sandboxes.settings().cgroup();
            sandboxNode.put("memoryBytes", cgroup.memoryBytes());
            sandboxNode.put("pids", cgroup.pids());
            sandboxNode.put("cpus", cgroup.cpus());
            sandboxNode.put("network", sandboxes.settings().network());
        }
        node.put("note", "Nothing was run. This is the analysis of the command and the sandbox it would run in.");
        return Optional.of(node);
    }

    private ProcessSpec processSpec(ActionContext ctx, ShellRequest request) {
        var limits = sandboxes.limits();
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
        return sandboxes.limits().spec(request.command(), workingDirectory(request))
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

    static ObjectNode output(ProcessResult result, ProcessSpec spec) {
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
        result.unavailable().forEach(sandboxNode.putArray("unavailable")::add);
        result.killedBy().ifPresent(by -> sandboxNode.put("killedBy", by));
        if (!result.limitsHit().isEmpty()) result.limitsHit().stream().sorted().forEach(sandboxNode.putArray("limitsHit")::add);
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
        } else if (result.killedBy().filter("memory"::equals).isPresent()) {
            parts.add("The command was killed because it used more memory than its sandbox allows (sandbox.limitsHit);"
                    + " use less memory, or ask an admin to raise the policy's sandbox.memoryMb.");
        } else if (result.exitCode() == 128 + 9 && spec.limits().cpuSeconds() > 0) {
            parts.add("The command was killed (SIGKILL); it may have used up its CPU-time limit of "
                    + spec.limits().cpuSeconds() + " s.");
        }
        if (result.limitsHit().contains("pids")) {
            parts.add("Some fork failed: the sandbox's limit on processes was reached (the policy's sandbox.pids).");
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
    record ShellRequest(Command command, String cwd, Map<String, String> env, String stdin, Long timeoutMs, String sandbox) {
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
                    input.has("timeoutMs") ? input.get("timeoutMs").asLong() : null, text(input, "sandbox"));
        }

        private static String text(JsonNode input, String field) {
            var node = input.get(field);
            return node == null || node.isNull() ? null : node.asString();
        }
    }
}
