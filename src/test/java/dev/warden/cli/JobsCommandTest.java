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
        var cli = new CommandLine(new Main());
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
}
