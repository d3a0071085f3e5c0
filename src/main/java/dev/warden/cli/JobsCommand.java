package dev.warden.cli;

import dev.warden.engine.Engine;
import dev.warden.engine.Intent;
import dev.warden.engine.Origin;
import dev.warden.engine.Outcome;
import dev.warden.identity.Principal;
import dev.warden.jobs.ReadFrom;
import dev.warden.json.Json;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * {@code warden jobs}: background jobs on this data dir, as the local admin (own jobs and every job
 * of the default project). Listing reads the store, so it shows a server's jobs too. Following a
 * job of this process reads its output as it comes; a job a server runs is followed through the
 * store (its newest output, brought up to date about every second), or exactly with
 * {@code --server URL --token T}, which reads the server's event stream.
 */
@Command(name = "jobs", mixinStandardHelpOptions = true,
        description = "List background jobs, or follow one's output (as the local admin).",
        subcommands = {JobsCommand.ListCmd.class, JobsCommand.Follow.class})
final class JobsCommand implements Callable<Integer> {
    @Mixin
    DataDirOptions data;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Without a subcommand: the list. */
    @Override
    public Integer call() {
        return list(spec, data, null, 50, false);
    }

    static Principal me() {
        return Principal.localAdmin(System.getProperty("user.name", "local"));
    }

    static int list(CommandLine.Model.CommandSpec spec, DataDirOptions data, String status, int limit, boolean json) {
        try (var warden = data.open()) {
            var input = Json.object().put("limit", limit);
            if (status != null) input.put("status", status);
            var outcome = warden.engine().submit(Intent.execute("job.list", input, me(), Origin.CLI));
            var out = spec.commandLine().getOut();
            if (!(outcome instanceof Outcome.Done done)) {
                spec.commandLine().getErr().println(Json.write(OutcomeText.json(outcome)));
                return OutcomeText.exitCode(outcome);
            }
            if (json) {
                out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(done.result().path("jobs")));
            } else {
                table(out, done.result().path("jobs"));
            }
            return 0;
        }
    }

    private static void table(PrintWriter out, JsonNode jobs) {
        if (jobs.isEmpty()) {
            out.println("No jobs.");
            return;
        }
        out.printf("%-20s  %-9s  %4s  %-20s  %9s  %9s  %-10s  %s%n", "ID", "STATUS", "EXIT", "STARTED", "DURATION",
                "OUTPUT", "OWNER", "COMMAND");
        for (var job : jobs) {
            var command = job.has("command") ? job.path("command").asString() : String.join(" ",
                    job.path("argv").valueStream().map(JsonNode::asString).toList());
            out.printf("%-20s  %-9s  %4s  %-20s  %9s  %9s  %-10s  %s%n", job.path("jobId").asString(),
                    job.path("status").asString(), job.has("exitCode") ? job.path("exitCode").asString() : "-",
                    job.path("startedAt").asString().replaceFirst("\\.\\d+Z$", "Z"),
                    duration(job.path("durationMs").asLong()), bytes(job.path("outputBytes").asLong()),
                    job.path("owner").asString(), command.length() > 60 ? command.substring(0, 57) + "..." : command);
        }
    }

    static String duration(long millis) {
        var s = millis / 1000;
        if (s < 60) return s + "s";
        if (s < 3600) return (s / 60) + "m" + String.format(Locale.ROOT, "%02d", s % 60) + "s";
        return (s / 3600) + "h" + String.format(Locale.ROOT, "%02d", s / 60 % 60) + "m";
    }

    static String bytes(long n) {
        if (n < 1024) return n + " B";
        if (n < 1024 * 1024) return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        return String.format(Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024));
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Jobs, newest first, with their status and output size.")
    static final class ListCmd implements Callable<Integer> {
        @Mixin
        DataDirOptions data;
        @Option(names = "--status", description = "running, exited, cancelled or lost.")
        String status;
        @Option(names = "--limit", description = "At most this many (default 50).")
        int limit = 50;
        @Option(names = "--json", description = "Print the jobs as JSON.")
        boolean json;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            return list(spec, data, status, limit, json);
        }
    }

    @Command(name = "follow", mixinStandardHelpOptions = true,
            description = "Print a job's output as it comes, until it ends; exits with its exit code (1 when cancelled or lost).")
    static final class Follow implements Callable<Integer> {
        @Mixin
        DataDirOptions data;
        @Parameters(index = "0", paramLabel = "ID")
        String id;
        @Option(names = "--offset", paramLabel = "BYTES", description = "Start at this output offset (default: the start).")
        long offset;
        @Option(names = "--tail", paramLabel = "LINES", description = "Start with the last LINES lines.")
        Integer tail;
        @Option(names = "--progress", negatable = true,
                description = "A progress line on stderr while the job runs (default: when stderr is a terminal).")
        Boolean progress;
        @Option(names = "--server", paramLabel = "URL", description = "Follow through a Warden server's event stream.")
        String server;
        @Option(names = "--token", paramLabel = "TOKEN", description = "The bearer token for --server (default: $WARDEN_TOKEN).")
        String token;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            var line = new ProgressLine(spec.commandLine().getErr(), progress != null ? progress : stderrIsTerminal());
            if (server != null) {
                var bearer = token != null ? token : System.getenv("WARDEN_TOKEN");
                if (bearer == null) throw new CommandLine.ParameterException(spec.commandLine(), "--server needs --token or $WARDEN_TOKEN");
                return new StreamFollower(server, bearer, spec.commandLine().getOut(), spec.commandLine().getErr(), line)
                        .follow(id, offset, tail);
            }
            return followHere(line);
        }

        private int followHere(ProgressLine line) {
            var out = spec.commandLine().getOut();
            try (var warden = data.open()) {
                // The first read goes through the engine, so policy decides and the audit trail shows it.
                var input = Json.object().put("jobId", id);
                if (tail != null) input.put("tailLines", tail);
                else input.put("offset", offset);
                var first = warden.engine().submit(Intent.execute("job.output", input, me(), Origin.CLI));
                if (!(first instanceof Outcome.Done done)) {
                    spec.commandLine().getErr().println(Json.write(OutcomeText.json(first)));
                    return first instanceof Outcome.Invalid || first instanceof Outcome.Failed f && "job_not_found".equals(f.code())
                            ? 2 : OutcomeText.exitCode(first);
                }
                var result = done.result();
                line.clear();
                out.print(result.path("data").asString());
                out.flush();
                long next = result.path("nextOffset").asLong();
                var caller = Engine.caller(me());
                var job = result.path("job");
                boolean finished = result.path("finished").asBoolean();
                while (!finished) {
                    line.show(id, job.path("status").asString(), Duration.between(Instant.parse(job.path("startedAt").asString()),
                            Instant.now()), next);
                    var read = warden.jobs().read(caller, id, new ReadFrom.Offset(next), 64 * 1024, Duration.ofSeconds(1));
                    if (!read.text().data().isEmpty()) {
                        line.clear();
                        out.print(read.text().data());
                        out.flush();
                    }
                    next = read.text().nextOffset();
                    finished = read.finished();
                    job = read.job().toJson(Instant.now());
                }
                line.clear();
                return ended(warden.jobs().get(caller, id).toJson(Instant.now()));
            }
        }

        private int ended(JsonNode job) {
            var status = job.path("status").asString();
            spec.commandLine().getErr().println("[" + id + " " + status + (job.has("exitCode") ? " with exit code "
                    + job.path("exitCode").asInt() : "") + " after " + duration(job.path("durationMs").asLong())
                    + (job.has("endedReason") ? ": " + job.path("endedReason").asString() : "") + "]");
            return exitCodeOf(job);
        }
    }

    /** Whether standard error goes to a terminal (Linux: fd 2 is a tty device), so a redrawn line makes sense. */
    static boolean stderrIsTerminal() {
        return Terminal.isTerminal(2);
    }

    /** The job's own exit code when it exited; 1 when it was cancelled or lost. */
    static int exitCodeOf(JsonNode job) {
        return job.path("status").asString().equals("exited") ? Math.min(255, Math.max(0, job.path("exitCode").asInt(1))) : 1;
    }

    /** One line on stderr, redrawn in place, that says how a running job is doing; output clears it first. */
    static final class ProgressLine {
        private final PrintWriter err;
        private final boolean enabled;
        private boolean shown;

        ProgressLine(PrintWriter err, boolean enabled) {
            this.err = err;
            this.enabled = enabled;
        }

        boolean enabled() {
            return enabled;
        }

        void show(String id, String status, Duration elapsed, long outputBytes) {
            if (!enabled) return;
            err.print("\r\033[K[" + id + " " + status + " " + duration(elapsed.toMillis()) + ", " + bytes(outputBytes) + " of output]");
            err.flush();
            shown = true;
        }

        void clear() {
            if (!shown) return;
            err.print("\r\033[K");
            err.flush();
            shown = false;
        }
    }
}
