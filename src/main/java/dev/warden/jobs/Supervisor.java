package dev.warden.jobs;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * The Warden process that runs a job: host, pid and the process's start time. Another process on
 * the same data dir uses it to tell whether that Warden still lives (the start time tells a reused
 * pid from the original).
 */
record Supervisor(String host, long pid, Instant startedAt) {
    /** Start times read twice may differ by a clock tick's rounding. */
    private static final Duration SAME_START = Duration.ofSeconds(2);

    static Supervisor current() {
        var self = ProcessHandle.current();
        return new Supervisor(hostName(), self.pid(), self.info().startInstant().orElse(null));
    }

    /** Whether the process {@code pid} that started at {@code startedAt} (null: unknown) is alive now. */
    static boolean alive(long pid, Instant startedAt) {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .map(h -> startedAt == null || h.info().startInstant().map(s -> close(s, startedAt)).orElse(true))
                .orElse(false);
    }

    boolean alive() {
        return alive(pid, startedAt);
    }

    private static boolean close(Instant a, Instant b) {
        return Duration.between(a, b).abs().compareTo(SAME_START) <= 0;
    }

    private static String hostName() {
        try {
            var kernel = Path.of("/proc/sys/kernel/hostname");
            if (Files.isReadable(kernel)) return Files.readString(kernel).strip();
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
