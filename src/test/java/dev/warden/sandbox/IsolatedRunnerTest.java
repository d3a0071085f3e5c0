package dev.warden.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The isolated level with real processes: each limit is shown to hold by a command that tries to pass it. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IsolatedRunnerTest {
    @TempDir
    Path base;

    private SandboxFixture fx;

    @BeforeEach
    void setUp() {
        fx = SandboxFixture.create(base);
        fx.assumeIsolation();
    }

    private ProcessResult isolated(String script) {
        return fx.sandboxes().start(SandboxLevel.ISOLATED, fx.spec(Command.script(script))).await();
    }

    @Test
    void runsInItsOwnPidNamespaceAsNobody() {
        var result = isolated("id -u; echo $$; ls /proc | grep -c '^[0-9]'");

        assertThat(result.setupFailure()).isNull();
        assertThat(result.exitCode()).as(result.stderr().text()).isZero();
        var lines = result.stdout().text().lines().toList();
        assertThat(lines.get(0)).isEqualTo("65534");
        // Pids count from 1 in the new namespace (the setup's mount commands used a few); only this tree is visible.
        assertThat(Integer.parseInt(lines.get(1))).isLessThan(100);
        assertThat(Integer.parseInt(lines.get(2))).isLessThan(8);
        assertThat(result.level()).isEqualTo("isolated");
        assertThat(result.enforced()).contains("namespaces=mount,pid,ipc,uts,net", "no_network", "read_only_outside_roots",
                "uid=65534", "data_dir_hidden", "cgroup_memory_bytes=536870912", "cgroup_pids_max=256", "cgroup_cpus=1.0",
                "process_group_kill");
        assertThat(result.unavailable()).isEmpty();
    }

    @Test
    void runsAsTheOwnerOfTheRootWhenThatIsNotRoot() {
        SandboxFixture.chownTree(fx.root(), 1234);

        var result = isolated("id -u; echo hi > mine.txt");

        assertThat(result.stdout().text()).isEqualTo("1234\n");
        assertThat(result.exitCode()).isZero();
        assertThat(fx.root().resolve("mine.txt")).hasContent("hi");
    }

    @Test
    void writesInsideTheRootsWorkAndWritesOutsideFail() throws IOException {
        var outside = Files.createDirectories(base.resolve("outside"));
        Files.setPosixFilePermissions(outside, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));

        var result = isolated("echo in > inside.txt && echo out > " + outside + "/escaped.txt");

        assertThat(fx.root().resolve("inside.txt")).hasContent("in");
        assertThat(outside.resolve("escaped.txt")).doesNotExist();
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr().text()).contains("Read-only file system");
    }

    @Test
    void theDataDirIsHidden() throws IOException {
        Files.writeString(fx.dataDir().resolve("secret.key"), "s3cret");
        Files.setPosixFilePermissions(fx.dataDir().resolve("secret.key"),
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));

        var result = isolated("cat " + fx.dataDir() + "/secret.key");

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stdout().text()).doesNotContain("s3cret");
    }

    @Test
    void theNetworkIsUnreachableInsideButNotOutside() throws Exception {
        try (var server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            var accepted = new AtomicInteger();
            var acceptor = Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try (var socket = server.accept()) {
                        accepted.incrementAndGet();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            var connect = "echo hello > /dev/tcp/127.0.0.1/" + server.getLocalPort();
            var outside = fx.sandboxes().start(SandboxLevel.PROCESS, fx.spec(Command.argv("bash", "-c", connect))).await();
            var inside = fx.sandboxes().start(SandboxLevel.ISOLATED, fx.spec(Command.argv("bash", "-c", connect))).await();

            assertThat(outside.exitCode()).as(outside.stderr().text()).isZero();
            assertThat(inside.exitCode()).isNotZero();
            assertThat(inside.stderr().text()).containsAnyOf("Network is unreachable", "Connection refused");
            // The outside connection was made; the acceptor counts it when it gets scheduled.
            var until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (accepted.get() == 0 && System.nanoTime() < until) Thread.sleep(20);
            assertThat(accepted.get()).isEqualTo(1);
            server.close();
            acceptor.join(1000);
        }
    }

    @Test
    void thePolicyMayAllowTheNetwork() throws Exception {
        fx = SandboxFixture.create(base.resolve("net"), SandboxSettings.defaults().withNetwork(true));
        try (var server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            var acceptor = Thread.ofVirtual().start(() -> {
                try (var socket = server.accept()) {
                    socket.getInputStream().readAllBytes();
                } catch (IOException e) {
                    // the test fails on the exit code below
                }
            });
            var connect = "echo hello > /dev/tcp/127.0.0.1/" + server.getLocalPort();

            var result = fx.sandboxes().start(SandboxLevel.ISOLATED, fx.spec(Command.argv("bash", "-c", connect))).await();

            assertThat(result.exitCode()).as(result.stderr().text()).isZero();
            assertThat(result.enforced()).doesNotContain("no_network").contains("namespaces=mount,pid,ipc,uts");
            acceptor.join(2000);
        }
    }

    @Test
    void theCpuQuotaSlowsABusyLoop() {
        fx = SandboxFixture.create(base.resolve("cpu"), SandboxSettings.defaults().withCgroup(new CgroupLimits(256L << 20, 64, 0.1)));
        // The shell spins, so nothing but the CPU it is refused keeps its CPU time below the wall time
        // of the loop. It prints both: wall milliseconds, then its user and system clock ticks.
        var loop = Command.script("t0=$(date +%s%N); i=0; while [ $i -lt 200000 ]; do i=$((i + 1)); done; t1=$(date +%s%N); "
                + "echo $(( (t1 - t0) / 1000000 )) $(cut -d' ' -f14,15 /proc/$$/stat) $(getconf CLK_TCK)");

        var limited = fx.sandboxes().start(SandboxLevel.ISOLATED, fx.spec(loop).withTimeout(Duration.ofSeconds(60))).await();

        assertThat(limited.exitCode()).as(limited.stderr().text()).isZero();
        assertThat(limited.enforced()).contains("cgroup_cpus=0.1");
        var numbers = Arrays.stream(limited.stdout().text().strip().split(" ")).mapToLong(Long::parseLong).toArray();
        long wallMs = numbers[0];
        long cpuMs = (numbers[1] + numbers[2]) * 1000 / numbers[3];
        // Enough CPU that the ratio means something (a whole CPU spends far more on 200,000 rounds).
        assertThat(cpuMs).as("CPU time of the loop").isGreaterThanOrEqualTo(50);
        // A tenth of a CPU: about a tenth of the wall time. A free loop on an idle machine gets nearly all
        // of it; a busy machine only lowers the share, and a third leaves room for tick rounding and the
        // first period's allowance.
        assertThat(cpuMs * 3).as("%d ms of CPU in %d ms", cpuMs, wallMs).isLessThan(wallMs);
    }

    @Test
    void aForkBombIsContainedByThePidsLimit() {
        fx = SandboxFixture.create(base.resolve("bomb"), SandboxSettings.defaults().withCgroup(new CgroupLimits(256L << 20, 64, 1.0)));
        var spec = fx.spec(Command.script("bomb() { bomb | bomb & }; bomb; sleep 2; echo survived"))
                .withTimeout(Duration.ofSeconds(5));

        var result = fx.sandboxes().start(SandboxLevel.ISOLATED, spec).await();

        assertThat(result.limitsHit()).contains("pids");
        assertThat(result.enforced()).contains("cgroup_pids_max=64");
        assertThat(result.durationMs()).isLessThan(15_000);
        assertThat(runGroups("pids")).isEmpty();
    }

    @Test
    void aMemoryHogIsKilledAndReportedAsSuch() {
        fx = SandboxFixture.create(base.resolve("hog"), SandboxSettings.defaults().withCgroup(new CgroupLimits(64L << 20, 64, 1.0)));

        var result = fx.sandboxes().start(SandboxLevel.ISOLATED, fx.spec(Command.argv("tail", "/dev/zero"))
                .withTimeout(Duration.ofSeconds(20))).await();

        assertThat(result.exitCode()).isEqualTo(137);
        assertThat(result.limitsHit()).contains("memory");
        assertThat(result.killedBy()).contains("memory");
        assertThat(result.timedOut()).isFalse();
        assertThat(runGroups("memory")).isEmpty();
    }

    @Test
    void aTimeoutStopsTheWholeNamespace() {
        var spec = fx.spec(Command.script("sleep 30 & sleep 30")).withTimeout(Duration.ofMillis(500));

        var result = fx.sandboxes().start(SandboxLevel.ISOLATED, spec).await();

        assertThat(result.timedOut()).isTrue();
        assertThat(result.killedBy()).contains("timeout");
        assertThat(result.durationMs()).isLessThan(5_000);
    }

    @Test
    void aSetupThatFailsIsReportedAndTheCommandNeverRuns() throws IOException {
        // The data dir is hidden inside, so a working directory below it cannot be entered.
        var cwd = Files.createDirectories(fx.dataDir().resolve("below"));
        var spec = fx.runner().limits().spec(Command.script("echo ran"), cwd);

        var result = fx.sandboxes().start(SandboxLevel.ISOLATED, spec).await();

        assertThat(result.setupFailure()).contains("cannot enter");
        assertThat(result.stdout().text()).doesNotContain("ran");
    }

    /** This test run's groups left under the warden group of {@code controller}: none once runs are over. */
    /**
     * The run groups of {@code controller} still there after a short wait: removal follows the run's
     * end, and another Warden on the machine (a parallel build) may have groups of its own, so only
     * groups that outlive the wait and were not there before this class started count.
     */
    private static java.util.List<Path> runGroups(String controller) {
        var deadline = System.nanoTime() + 5_000_000_000L;
        var left = currentRunGroups(controller);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            left = currentRunGroups(controller);
        }
        return left.stream().filter(p -> !FOREIGN.contains(p)).toList();
    }

    /** Run groups that existed before these tests: not theirs to account for. */
    private static final java.util.Set<Path> FOREIGN = new java.util.HashSet<>();

    static {
        for (var c : java.util.List.of("pids", "memory", "cpu")) FOREIGN.addAll(currentRunGroups(c));
    }

    private static java.util.List<Path> currentRunGroups(String controller) {
        var parent = Path.of("/sys/fs/cgroup", controller, Cgroups.PARENT);
        if (!Files.isDirectory(parent)) return java.util.List.of();
        try (var list = Files.list(parent)) {
            return list.filter(p -> p.getFileName().toString().startsWith("run-")).toList();
        } catch (IOException e) {
            return java.util.List.of();
        }
    }
}
