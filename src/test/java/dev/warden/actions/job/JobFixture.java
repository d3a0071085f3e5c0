package dev.warden.actions.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.app.Warden;
import dev.warden.config.WardenConfig;
import dev.warden.engine.Intent;
import dev.warden.engine.Origin;
import dev.warden.engine.Outcome;
import dev.warden.identity.Principal;
import dev.warden.identity.Role;
import dev.warden.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import tools.jackson.databind.JsonNode;

/** A real Warden (default policy) over {@code temp/root} and {@code temp/data}, and the principals the job tests use. */
final class JobFixture implements AutoCloseable {
    static final Principal OPERATOR = new Principal("tok_op", "olivia", Role.OPERATOR, "default", Principal.Kind.TOKEN, List.of());
    /** The same person as {@link #OPERATOR} on another token. */
    static final Principal OPERATOR_AGAIN = new Principal("tok_op2", "olivia", Role.OPERATOR, "default", Principal.Kind.TOKEN, List.of());
    static final Principal OTHER = new Principal("tok_other", "oscar", Role.OPERATOR, "default", Principal.Kind.TOKEN, List.of());
    static final Principal ADMIN = new Principal("tok_admin", "ada", Role.ADMIN, "default", Principal.Kind.TOKEN, List.of());
    static final Principal FOREIGN_ADMIN = new Principal("tok_fadmin", "fred", Role.ADMIN, "elsewhere", Principal.Kind.TOKEN, List.of());
    static final Principal VIEWER = new Principal("tok_viewer", "victor", Role.VIEWER, "default", Principal.Kind.TOKEN, List.of());

    final Path root;
    final Path dataDir;
    Warden warden;

    JobFixture(Path temp) {
        try {
            root = Files.createDirectories(temp.resolve("root"));
            dataDir = Files.createDirectories(temp.resolve("data"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        warden = open();
    }

    Warden open() {
        var config = new WardenConfig("127.0.0.1", 0, dataDir, List.of(root), dataDir.resolve("policy.yaml"), null,
                WardenConfig.DEFAULT_MAX_BODY_BYTES, Duration.ofMinutes(5));
        return Warden.open(config, Clock.systemUTC());
    }

    /** Closes this Warden and opens another on the same data dir, as a restart does. */
    void restart() {
        warden.close();
        warden = open();
    }

    Outcome submit(Principal who, String action, String json) {
        return warden.engine().submit(Intent.execute(action, Json.parse(json), who, Origin.REST));
    }

    /** The result of a call that must be done. */
    JsonNode done(Principal who, String action, String json) {
        var outcome = submit(who, action, json);
        assertThat(outcome).as(action + " " + json).isInstanceOf(Outcome.Done.class);
        return ((Outcome.Done) outcome).result();
    }

    String start(Principal who, String json) {
        var result = done(who, "job.start", json);
        assertThat(result.path("status").asString()).isEqualTo("running");
        return result.path("jobId").asString();
    }

    /** Reads with sinceLast until the job finished; everything it wrote, in order. */
    String drain(Principal who, String jobId) {
        var all = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            var read = done(who, "job.output", "{\"jobId\":\"" + jobId + "\",\"sinceLast\":true,\"waitMs\":2000}");
            all.append(read.path("data").asString());
            if (read.path("finished").asBoolean()) return all.toString();
        }
        throw new AssertionError("job " + jobId + " did not finish; output so far: " + all);
    }

    static void await(String what, BooleanSupplier condition) {
        var until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(until);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Live processes (not zombies) whose process group is {@code pgid}, read from /proc. */
    static List<Long> liveGroupMembers(long pgid) {
        try (var procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(p -> {
                        try {
                            var stat = Files.readString(p.resolve("stat"));
                            // After the command name in parentheses: state, ppid, pgrp.
                            var fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                            return !fields[0].equals("Z") && Long.parseLong(fields[2]) == pgid;
                        } catch (IOException | RuntimeException e) {
                            return false; // it ended while being read
                        }
                    })
                    .map(p -> Long.parseLong(p.getFileName().toString())).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        warden.close();
    }
}
