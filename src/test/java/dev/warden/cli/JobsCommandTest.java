package dev.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.api.rest.RestServer;
import dev.warden.app.Warden;
import dev.warden.audit.AuditQuery;
import dev.warden.config.WardenConfig;
import dev.warden.engine.Intent;
import dev.warden.engine.Origin;
import dev.warden.engine.Outcome;
import dev.warden.identity.Principal;
import dev.warden.json.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code warden jobs} against a data dir on which another Warden (standing in for a server) runs
 * the jobs: the CLI lists them from the store and follows them through it or the server's stream.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JobsCommandTest {
    private static final String ADMIN_TOKEN = "jobs-cli-admin-secret-0123456789";

    @TempDir
    Path temp;

    Path data;
    Path root;
    Warden server;

    record Run(int exit, String out, String err) {}

    /**
     * A job part that waits until the test creates {@code go} in the root (the job's directory): the
     * test, not the clock, decides when the job moves on, so a slow machine cannot end it early.
     */
    private static final String WAIT_FOR_GATE = "while [ ! -e go ]; do sleep 0.1; done";

    /** A command line running on a thread of its own, so the test can watch its stderr meanwhile. */
    record Background(StringWriter err, Future<Run> run) {
        Run result() throws Exception {
            return run.get(30, TimeUnit.SECONDS);
        }
    }

    @BeforeEach
    void open() throws Exception {
        data = Files.createDirectories(temp.resolve("data"));
        root = Files.createDirectories(temp.resolve("root"));
        server = Warden.open(new WardenConfig("127.0.0.1", 0, data, List.of(root), data.resolve("policy.yaml"), null,
                WardenConfig.DEFAULT_MAX_BODY_BYTES, Duration.ofMinutes(5)), Clock.systemUTC());
    }

    @AfterEach
    void close() throws Exception {
        openGate(); // a test that failed half-way leaves no job or follower waiting
        server.close();
    }

    private Run warden(String... args) {
        return warden(new StringWriter(), args);
    }

    private Run warden(StringWriter err, String... args) {
        var all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--data-dir", data.toString(), "--root", root.toString()));
        var out = new StringWriter();
        var cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return new Run(cli.execute(all.toArray(String[]::new)), out.toString(), err.toString());
    }

    private Background inBackground(String... args) {
        var err = new StringWriter(); // a StringBuffer inside: safe to read while the command writes
        var run = new FutureTask<>(() -> warden(err, args));
        Thread.ofVirtual().name("jobs-cli").start(run);
        return new Background(err, run);
    }

    /** Waits until the command's stderr so far satisfies {@code seen}; fails if it ends first or within 20 s. */
    private static void awaitErr(Background command, Predicate<String> seen, String what) throws Exception {
        var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!seen.test(command.err().toString())) {
            assertThat(command.run().isDone()).as("ended before " + what + ": " + command.err()).isFalse();
            assertThat(System.nanoTime()).as(what + ": " + command.err()).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private void openGate() throws Exception {
        if (!Files.exists(root.resolve("go"))) Files.createFile(root.resolve("go"));
    }

    /** Starts a job in the "server" as the local admin, as the CLI's user would have through the server. */
    private String start(String command) {
        var outcome = server.engine().submit(Intent.execute("job.start", Json.object().put("command", command),
                Principal.localAdmin(System.getProperty("user.name", "local")), Origin.REST));
        assertThat(outcome).isInstanceOf(Outcome.Done.class);
        return ((Outcome.Done) outcome).result().path("jobId").asString();
    }

    @Test
    void listShowsTheServersJobsAndFollowPrintsOutputUntilTheEnd() throws Exception {
        assertThat(warden("jobs").out()).contains("No jobs.");
        var id = start("echo first; " + WAIT_FOR_GATE + "; echo second; exit 3");

        var list = warden("jobs", "list");
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out()).contains("ID", "STATUS", id, "running", "echo first; while");

        var following = inBackground("jobs", "follow", id, "--progress");
        awaitErr(following, err -> err.contains("[" + id + " running"), "the progress line of the running job");
        openGate();
        var follow = following.result();
        assertThat(follow.out()).isEqualTo("first\nsecond\n");
        assertThat(follow.exit()).as("the job's exit code").isEqualTo(3);
        assertThat(follow.err()).contains("[" + id + " running").contains(id + " exited with exit code 3");

        var json = warden("jobs", "list", "--json", "--status", "exited");
        assertThat(Json.parse(json.out()).get(0).path("exitCode").asInt()).isEqualTo(3);
        var audit = new AuditQuery(server.database()).latest(10).stream().map(r -> r.action() + "/" + r.origin()).toList();
        assertThat(audit).contains("job.list/cli", "job.output/cli");
    }

    @Test
    void theProgressLineShowsTheElapsedTimeAndTheOutputSoFar() throws Exception {
        var before = System.nanoTime();
        var id = start("printf 'first\\n'; " + WAIT_FOR_GATE + "; printf 'second\\n'");
        var line = Pattern.compile("\\r\\033\\[K\\[" + id + " running (\\d+)s, (\\d+) B of output]");
        var following = inBackground("jobs", "follow", id, "--progress");
        // The job goes on once the line was drawn twice with 'first' out, the later time two seconds in.
        awaitErr(following, err -> {
            var waiting = line.matcher(err).results().filter(m -> m.group(2).equals("6")).toList();
            return waiting.size() >= 2 && Integer.parseInt(waiting.getLast().group(1)) >= 2;
        }, "two redraws while the job waits");
        openGate();
        var follow = following.result();
        var ranAtMost = Duration.ofNanos(System.nanoTime() - before).toSeconds() + 1;
        assertThat(follow.out()).as("the progress line never mixes into the output").isEqualTo("first\nsecond\n");

        var shown = line.matcher(follow.err());
        var seconds = new ArrayList<Integer>();
        var sizes = new ArrayList<Integer>();
        while (shown.find()) {
            seconds.add(Integer.parseInt(shown.group(1)));
            sizes.add(Integer.parseInt(shown.group(2)));
        }
        assertThat(seconds).as("redrawn while the job waits: " + follow.err()).hasSizeGreaterThan(1);
        assertThat(seconds).as("the time since the job started").isSorted();
        assertThat(seconds.getLast()).as("no more than the job has run").isBetween(2, (int) ranAtMost);
        assertThat(sizes).as("bytes of output so far: 'first\\n' while it waits").isSorted().contains(6);
        assertThat(sizes.getLast()).isLessThanOrEqualTo(13);
        assertThat(follow.err()).as("the line is cleared before the end is told").contains("\r\033[K[" + id + " exited");
    }

    @Test
    void theProgressLineFormatsLongRunsAndLargeOutputAndIsSilentWhenOff() {
        var err = new StringWriter();
        var line = new JobsCommand.ProgressLine(new PrintWriter(err, true), true);
        line.show("job_1", "running", Duration.ofSeconds(65), 1536);
        line.show("job_1", "running", Duration.ofMinutes(125), 3L * 1024 * 1024);
        line.clear();
        line.clear();
        assertThat(err.toString()).isEqualTo("\r\033[K[job_1 running 1m05s, 1.5 KiB of output]"
                + "\r\033[K[job_1 running 2h05m, 3.0 MiB of output]" + "\r\033[K");
        var quiet = new StringWriter();
        var off = new JobsCommand.ProgressLine(new PrintWriter(quiet, true), false);
        off.show("job_1", "running", Duration.ofSeconds(1), 1);
        off.clear();
        assertThat(quiet.toString()).isEmpty();
    }

    @Test
    void followWithoutProgressPrintsOnlyOutputAndTailStartsAtTheEnd() {
        var id = start("printf 'a\\nb\\nc\\n'");
        var tail = warden("jobs", "follow", id, "--tail", "1", "--no-progress");
        assertThat(tail.out()).isEqualTo("c\n");
        assertThat(tail.exit()).isZero();
        assertThat(tail.err()).doesNotContain("running");
        var missing = warden("jobs", "follow", "job_nothere");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("job_not_found");
    }

    @Test
    void followThroughTheServersEventStream() {
        server.tokens().ensureAdmin(ADMIN_TOKEN);
        try (var rest = new RestServer(server.restDependencies(), "127.0.0.1", 0, 1 << 20).start()) {
            var id = start("for i in 1 2 3; do echo $i; sleep 0.2; done");
            var follow = warden("jobs", "follow", id, "--server", "http://127.0.0.1:" + rest.port(), "--token", ADMIN_TOKEN);
            assertThat(follow.out()).isEqualTo("1\n2\n3\n");
            assertThat(follow.exit()).as(follow.err()).isZero();
            assertThat(follow.err()).contains("exited with exit code 0");
            var tail = warden("jobs", "follow", id, "--tail", "1", "--server", "http://127.0.0.1:" + rest.port(),
                    "--token", ADMIN_TOKEN);
            assertThat(tail.out()).isEqualTo("3\n");
        }
    }

    @Test
    void followingThroughTheServerCountsTheElapsedTimeFromTheJobsStart() throws Exception {
        server.tokens().ensureAdmin(ADMIN_TOKEN);
        try (var rest = new RestServer(server.restDependencies(), "127.0.0.1", 0, 1 << 20).start()) {
            var id = start("echo a; " + WAIT_FOR_GATE + "; echo b");
            Thread.sleep(2_000);
            var following = inBackground("jobs", "follow", id, "--progress", "--server", "http://127.0.0.1:" + rest.port(),
                    "--token", ADMIN_TOKEN);
            // 'b' comes only after the first progress line was drawn, so that line counts 'a\n' alone.
            awaitErr(following, err -> err.contains("[" + id + " running"), "the first progress line");
            openGate();
            var follow = following.result();
            assertThat(follow.out()).isEqualTo("a\nb\n");
            var shown = Pattern.compile("\\[" + id + " running (\\d+)s, (\\d+) B of output]").matcher(follow.err());
            assertThat(shown.find()).as(follow.err()).isTrue();
            assertThat(Integer.parseInt(shown.group(1))).as("the job had run two seconds before it was followed")
                    .isGreaterThanOrEqualTo(2);
            assertThat(Integer.parseInt(shown.group(2))).isEqualTo(2);
        }
    }
}
