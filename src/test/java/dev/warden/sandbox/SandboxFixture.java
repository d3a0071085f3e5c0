package dev.warden.sandbox;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * Sandboxes over a temporary root for tests that run real isolated processes. The root is given to
 * {@code nobody} (65534), so the sandboxed command, which runs as nobody when the root belongs to
 * root, may write there. Tests that need root (namespaces, cgroups, overlays) call
 * {@link #assumeIsolation()}; on a machine without root they are skipped, saying why.
 */
public record SandboxFixture(Path root, Path dataDir, ProcessRunner runner, Sandboxes sandboxes) {
    public static final int NOBODY = 65534;

    public static SandboxFixture create(Path base, SandboxSettings settings) {
        try {
            var root = Files.createDirectories(base.resolve("root"));
            var data = Files.createDirectories(base.resolve("data"));
            if (isRoot()) chownTree(root, NOBODY);
            // A temporary directory is private to its owner; the sandboxed user must be able to reach the root.
            Files.setPosixFilePermissions(base, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            var limits = ProcessLimits.defaults().withKillGrace(Duration.ofMillis(300));
            var runner = new ProcessRunner(limits);
            var sandboxes = new Sandboxes(runner, settings, List.of(root.toRealPath()), List.of(data.toRealPath()),
                    () -> CapabilityProbe.probe(runner, data.resolve("sandbox-probe")));
            return new SandboxFixture(root.toRealPath(), data.toRealPath(), runner, sandboxes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static SandboxFixture create(Path base) {
        return create(base, SandboxSettings.defaults());
    }

    public static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** Skips the calling test unless namespaces and overlays work here. */
    public void assumeIsolation() {
        assumeTrue(isRoot(), "isolated and preview runs need Warden to run as root (namespaces, cgroups, setpriv)");
        var caps = sandboxes.capabilities();
        assumeTrue(caps.available(SandboxLevel.PREVIEW), "this machine cannot isolate: " + caps.missing(SandboxLevel.PREVIEW));
    }

    public ProcessSpec spec(Command command) {
        return runner.limits().spec(command, root);
    }

    /** Gives {@code dir} and everything below it to {@code uid} (group too). */
    public static void chownTree(Path dir, int uid) {
        try (Stream<Path> all = Files.walk(dir)) {
            for (var path : all.toList()) {
                Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(path, "unix:gid", uid, LinkOption.NOFOLLOW_LINKS);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
