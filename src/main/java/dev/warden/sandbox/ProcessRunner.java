package dev.warden.sandbox;

import dev.warden.action.ActionException;
import dev.warden.action.ErrorKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code process} sandbox level: wall-clock timeout, rlimits, output caps and a kill that
 * reaches the whole process tree.
 *
 * <p>The command runs as the leader of a new session (util-linux {@code setsid}, which execs
 * without forking because the spawned child is not a group leader), so its process id is also its
 * process group id and a stop signals the whole group, including children that put themselves in
 * the background. rlimits are set by a fixed {@code /bin/sh} prelude that then {@code exec}s the
 * argv, or {@code eval}s the script in the same shell; the user's argv and script travel as
 * positional parameters and are never spliced into the prelude. Each exec'd wrapper costs about a
 * millisecond, so the chain is as short as this allows: {@code setsid -> sh -> program} for argv,
 * {@code setsid -> sh} for scripts.
 *
 * <p>The environment starts empty, not from Warden's own (which may hold secrets), and gets
 * {@link #baseEnvironment}, then the caller's variables, which may override it.
 */
public final class ProcessRunner implements Sandbox {
    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final String SHELL = "/bin/sh";
    private static final String LIMITS_PRELUDE =
            "[ \"$1\" = 0 ] || ulimit -t \"$1\" || exit 125; [ \"$2\" = 0 ] || ulimit -n \"$2\" || exit 125; ";
    private static final String EXEC_ARGV = LIMITS_PRELUDE + "shift 2; exec \"$@\"";
    private static final String EVAL_SCRIPT = LIMITS_PRELUDE + "__warden_script=$3; shift 3; eval \"$__warden_script\"";

    private final ProcessLimits limits;
    private final Optional<Path> setsid;

    public ProcessRunner(ProcessLimits limits) {
        this.limits = limits;
        this.setsid = firstExecutable(Path.of("/usr/bin/setsid"), Path.of("/bin/setsid"));
    }

    @Override
    public String level() {
        return "process";
    }

    @Override
    public ProcessLimits limits() {
        return limits;
    }

    /**
     * The variables every command starts with: PATH (the system directories), HOME, USER and
     * LOGNAME of the account Warden runs as, SHELL=/bin/sh, LANG=C.UTF-8, TERM=dumb, PAGER=cat and
     * NO_COLOR=1 (no pager or colour codes in captured output), PWD.
     */
    public static Map<String, String> baseEnvironment(Path cwd) {
        var env = new LinkedHashMap<String, String>();
        env.put("PATH", DEFAULT_PATH);
        env.put("HOME", System.getProperty("user.home", "/"));
        var user = System.getProperty("user.name", "");
        env.put("USER", user);
        env.put("LOGNAME", user);
        env.put("SHELL", SHELL);
        env.put("LANG", "C.UTF-8");
        env.put("TERM", "dumb");
        env.put("PAGER", "cat");
        env.put("NO_COLOR", "1");
        env.put("PWD", cwd.toString());
        return env;
    }

    @Override
    public RunningProcess start(ProcessSpec spec) {
        var env = environment(spec);
        var timeout = timeout(spec);
        return launch(spec, env, commandLine(spec), timeout, level(), enforced(spec, timeout), Finisher.NONE);
    }

    /**
     * Checks that {@code spec} can start (an existing cwd, no NUL bytes, a runnable program) and
     * answers the environment it starts with.
     */
    Map<String, String> environment(ProcessSpec spec) {
        if (!Files.isDirectory(spec.cwd())) {
            throw new ActionException(ErrorKind.NOT_FOUND, "cwd_not_directory",
                    "The working directory " + spec.cwd() + " does not exist or is not a directory.",
                    "Pass an existing directory as cwd, or create it first.");
        }
        var env = baseEnvironment(spec.cwd());
        env.putAll(spec.env());
        checkNoNul(spec, env);
        if (spec.command() instanceof Command.Argv argv) {
            checkRunnable(argv.program(), spec.cwd(), env.getOrDefault("PATH", ""));
        }
        return env;
    }

    Duration timeout(ProcessSpec spec) {
        return spec.timeout().compareTo(limits.maxTimeout()) > 0 ? limits.maxTimeout() : spec.timeout();
    }

    /** Starts {@code commandLine} in {@code spec.cwd()} with exactly {@code env}, supervised as {@code spec} says. */
    RunningProcess launch(ProcessSpec spec, Map<String, String> env, List<String> commandLine, Duration timeout,
                          String level, List<String> enforced, Finisher finisher) {
        var builder = new ProcessBuilder(commandLine).directory(spec.cwd().toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        long started = System.nanoTime();
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            finisher.abandon();
            throw new ActionException(ErrorKind.INTERNAL, "sandbox_unavailable",
                    "The process could not be started: " + e.getMessage(),
                    "Check that /bin/sh and util-linux (setsid) are installed on the server.", null, e);
        }
        return new RunningProcess(process, setsid.isPresent(), started, timeout, limits.killGrace(),
                spec.outputCapBytes(), spec.stdin(), level, enforced, finisher, spec.output(), spec.stdinOpen());
    }

    /** The {@code setsid} program, when there is one: it gives the command its own process group. */
    Optional<Path> setsid() {
        return setsid;
    }

    private List<String> commandLine(ProcessSpec spec) {
        var line = new ArrayList<String>();
        setsid.ifPresent(path -> {
            line.add(path.toString());
            line.add("--");
        });
        var rl = spec.limits();
        switch (spec.command()) {
            case Command.Argv argv when rl.any() -> {
                line.addAll(List.of(SHELL, "-c", EXEC_ARGV, "sh", Integer.toString(rl.cpuSeconds()),
                        Integer.toString(rl.openFiles())));
                line.addAll(argv.args());
            }
            case Command.Argv argv -> line.addAll(argv.args());
            case Command.Script script when rl.any() -> line.addAll(List.of(SHELL, "-c", EVAL_SCRIPT, "sh",
                    Integer.toString(rl.cpuSeconds()), Integer.toString(rl.openFiles()), script.source()));
            case Command.Script script -> line.addAll(List.of(SHELL, "-c", script.source()));
        }
        return line;
    }

    List<String> enforced(ProcessSpec spec, Duration timeout) {
        var list = new ArrayList<String>();
        list.add("wall_clock_timeout_ms=" + timeout.toMillis());
        if (setsid.isPresent()) list.add("process_group_kill");
        if (spec.limits().cpuSeconds() > 0) list.add("rlimit_cpu_seconds=" + spec.limits().cpuSeconds());
        if (spec.limits().openFiles() > 0) list.add("rlimit_nofile=" + spec.limits().openFiles());
        list.add("output_cap_bytes=" + spec.outputCapBytes());
        list.add("minimal_environment");
        return list;
    }

    private static void checkNoNul(ProcessSpec spec, Map<String, String> env) {
        var texts = new ArrayList<String>();
        switch (spec.command()) {
            case Command.Argv argv -> texts.addAll(argv.args());
            case Command.Script script -> texts.add(script.source());
        }
        env.forEach((k, v) -> {
            texts.add(k);
            texts.add(v);
        });
        for (var text : texts) {
            if (text.indexOf('\0') >= 0) {
                throw new ActionException(ErrorKind.BAD_INPUT, "invalid_argument",
                        "The command or its environment contains a NUL byte, which no process can receive.",
                        "Remove the NUL byte; pass binary data through stdin or a file instead.");
            }
        }
    }

    /**
     * Finds the program the way exec would (a name with a slash relative to cwd, else along PATH),
     * so a missing program is reported as such instead of as an exit code from the wrapper.
     */
    private static void checkRunnable(String program, Path cwd, String pathVariable) {
        List<Path> candidates = new ArrayList<>();
        if (program.contains("/")) {
            candidates.add(cwd.resolve(program));
        } else {
            for (var dir : pathVariable.split(":", -1)) {
                candidates.add((dir.isEmpty() ? cwd : cwd.resolve(dir)).resolve(program));
            }
        }
        Path notExecutable = null;
        for (var candidate : candidates) {
            if (Files.isRegularFile(candidate)) {
                if (Files.isExecutable(candidate)) return;
                if (notExecutable == null) notExecutable = candidate;
            }
        }
        if (notExecutable != null) {
            throw new ActionException(ErrorKind.CONFLICT, "command_not_executable",
                    "The program " + notExecutable + " exists but is not executable.",
                    "Run it through its interpreter (e.g. argv [\"sh\", \"" + program + "\"]) or make it executable.");
        }
        throw new ActionException(ErrorKind.NOT_FOUND, "command_not_found",
                "No program '" + program + "' was found" + (program.contains("/") ? "." : " on PATH (" + pathVariable + ")."),
                "Check the name, give an absolute path, or run shell.exec with command 'command -v " + program
                        + "' to look for it.");
    }

    private static Optional<Path> firstExecutable(Path... paths) {
        for (var path : paths) {
            if (Files.isExecutable(path)) return Optional.of(path);
        }
        return Optional.empty();
    }
}
