package dev.warden.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.action.ActionException;
import dev.warden.action.ErrorKind;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CapabilitiesTest {
    @TempDir
    Path temp;

    private static final Capabilities NO_CGROUPS = new Capabilities(true, Path.of("/usr/bin/unshare"),
            Path.of("/usr/bin/setpriv"), null, Cgroups.none(), Set.of(), null);

    @Test
    void aLevelWhoseEssentialsAreMissingFailsClosedWithTheReason() {
        var caps = Capabilities.processOnly("the unshare program (util-linux) is not installed");

        assertThat(caps.available(SandboxLevel.PROCESS)).isTrue();
        assertThat(caps.available(SandboxLevel.ISOLATED)).isFalse();
        assertThatThrownBy(() -> caps.require(SandboxLevel.PREVIEW)).isInstanceOfSatisfying(ActionException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.INTERNAL);
            assertThat(e.code()).isEqualTo("sandbox_unavailable");
            assertThat(e.getMessage()).contains("'preview'", "unshare program", "not run");
            assertThat(e.details().path("reason").asString()).contains("unshare");
        });
    }

    @Test
    void missingControllersAreListedAsUnavailableNotSilentlyDropped() {
        assertThat(NO_CGROUPS.available(SandboxLevel.ISOLATED)).isTrue();
        assertThat(NO_CGROUPS.unavailable(SandboxLevel.ISOLATED, CgroupLimits.defaults()))
                .containsExactly("cgroup_memory: no cgroup hierarchy is mounted", "cgroup_pids: no cgroup hierarchy is mounted",
                        "cgroup_cpu: no cgroup hierarchy is mounted");
        assertThat(NO_CGROUPS.unavailable(SandboxLevel.ISOLATED, CgroupLimits.NONE)).isEmpty();
        assertThat(NO_CGROUPS.unavailable(SandboxLevel.PROCESS, CgroupLimits.defaults())).isEmpty();
    }

    @Test
    void theReportNamesEachLevel() {
        var report = Capabilities.processOnly("no namespaces in this container").report(CgroupLimits.defaults());

        assertThat(report.path("levels").path("process").path("available").asBoolean()).isTrue();
        assertThat(report.path("levels").path("isolated").path("available").asBoolean()).isFalse();
        assertThat(report.path("levels").path("isolated").path("reason").asString()).isEqualTo("no namespaces in this container");
        assertThat(report.path("cgroupVersion").asString()).isEqualTo("none");
    }

    @Test
    void onThisMachineTheProbeFindsWhatRootHas() {
        var fx = SandboxFixture.create(temp);
        fx.assumeIsolation();

        var report = fx.sandboxes().capabilityReport();

        assertThat(report.path("root").asBoolean()).isTrue();
        assertThat(report.path("levels").path("isolated").path("available").asBoolean()).isTrue();
        assertThat(report.path("levels").path("preview").path("available").asBoolean()).isTrue();
        assertThat(report.path("policy").path("default").asString()).isEqualTo("process");
        // The scratch directory of the probe is gone again.
        assertThat(fx.dataDir().resolve("sandbox-probe")).doesNotExist();
    }

    @Test
    void mountinfoEscapesAreDecoded() {
        var table = MountTable.parse(List.of(
                "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw",
                "40 27 0:37 / /mnt/with\\040space rw - tmpfs tmpfs rw",
                "41 31 0:38 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory"));

        assertThat(table.points()).containsExactly(Path.of("/"), Path.of("/mnt/with space"), Path.of("/sys/fs/cgroup/memory"));
        assertThat(Cgroups.detect(table).version()).isEqualTo(Cgroups.Version.V1);
    }
}
