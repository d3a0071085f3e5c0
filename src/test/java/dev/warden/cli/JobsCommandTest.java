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
import java.util.concurrent.TimeUnit;
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

    @BeforeEach
    void open() throws Exception {
        data = Files.createDirectories(temp.resolve("data"));
        root = Files.createDirectories(temp.resolve("root"));
        server = Warden.open(new WardenConfig("127.0.0.1", 0, data, List.of(root), data.resolve("policy.yaml"), null,
                WardenConfig.DEFAULT_MAX_BODY_BYTES, Duration.ofMinutes(5)), Clock.systemUTC());
    }

    @AfterEach
    void close() {
        server.close();
    }

    private Run warden(String... args) {
        var all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--data-dir", data.toString(), "--root", root.toString()));
        var out = new StringWriter();
        var err = new StringWriter();
        var cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return new Run(cli.execute(all.toArray(String[]::new)), out.toString(), err.toString());
    }

    /** Starts a job in the "server" as the local admin, as the CLI's user would have through the server. */
    private String start(String command) {
        var outcome = server.engine().submit(Intent.execute("job.start", Json.object().put("command", command),
                Principal.localAdmin(System.getProperty("user.name", "local")), Origin.REST));
        assertThat(outcome).isInstanceOf(Outcome.Done.class);
        return ((Outcome.Done) outcome).result().path("jobId").asString();
    }

    @Test
    void listShowsTheServersJobsAndFollowPrintsOutputUntilTheEnd() {
        assertThat(warden("jobs").out()).contains("No jobs.");
        var id = start("echo first; sleep 4; echo second; exit 3");

        var list = warden("jobs", "list");
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out()).contains("ID", "STATUS", id, "running", "echo first; sleep 4");

        var follow = warden("jobs", "follow", id, "--progress");
        assertThat(follow.out()).isEqualTo("first\nsecond\n");
        assertThat(follow.exit()).as("the job's exit code").isEqualTo(3);
        assertThat(follow.err()).contains("[" + id + " running").contains(id + " exited with exit code 3");

        var json = warden("jobs", "list", "--json", "--status", "exited");
        assertThat(Json.parse(json.out()).get(0).path("exitCode").asInt()).isEqualTo(3);
        var audit = new AuditQuery(server.database()).latest(10).stream().map(r -> r.action() + "/" + r.origin()).toList();
        assertThat(audit).contains("job.list/cli", "job.output/cli");
    }

    @Test
    void theProgressLineShowsTheElapsedTimeAndTheOutputSoFar() {
        var id = start("printf 'first\\n'; sleep 3; printf 'second\\n'");
        var follow = warden("jobs", "follow", id, "--progress");
        assertThat(follow.out()).as("the progress line never mixes into the output").isEqualTo("first\nsecond\n");

        var shown = Pattern.compile("\\r\\033\\[K\\[" + id + " running (\\d+)s, (\\d+) B of output]").matcher(follow.err());
        var seconds = new ArrayList<Integer>();
        var sizes = new ArrayList<Integer>();
        while (shown.find()) {
            seconds.add(Integer.parseInt(shown.group(1)));
            sizes.add(Integer.parseInt(shown.group(2)));
        }
        assertThat(seconds).as("redrawn while the job sleeps: " + follow.err()).hasSizeGreaterThan(1);
        assertThat(seconds).as("the time since the job started").isSorted();
        assertThat(seconds.getLast()).isBetween(2, 5);
        assertThat(sizes).as("bytes of output so far: 'first\\n' while it sleeps").isSorted().contains(6);
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
            var id = start("echo a; sleep 3; echo b");
            Thread.sleep(2_000);
            var follow = warden("jobs", "follow", id, "--progress", "--server", "http://127.0.0.1:" + rest.port(),
                    "--token", ADMIN_TOKEN);
            assertThat(follow.out()).isEqualTo("a\nb\n");
            var shown = Pattern.compile("\\[" + id + " running (\\d+)s, (\\d+) B of output]").matcher(follow.err());
            assertThat(shown.find()).as(follow.err()).isTrue();
            assertThat(Integer.parseInt(shown.group(1))).as("the job had run two seconds before it was followed")
                    .isGreaterThanOrEqualTo(2);
            assertThat(Integer.parseInt(shown.group(2))).isEqualTo(2);
        }
    }
}
