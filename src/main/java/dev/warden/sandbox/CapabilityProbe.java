package dev.warden.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Finds out what the sandbox can do on this machine by trying it: an isolated run of {@code true}
 * through the real launcher chain, and a preview that writes one file through an overlay. Reading
 * documentation or kernel versions would say what should work; only a try says what does (a
 * container may forbid mounts, a kernel may lack overlayfs).
 */
public final class CapabilityProbe {
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);

    private CapabilityProbe() {}

    /** Probes with {@code scratch} (created, then removed) as the probe runs' root. */
    public static Capabilities probe(ProcessRunner base, Path scratch) {
        var unshare = executable("/usr/bin/unshare", "/bin/unshare");
        var setpriv = executable("/usr/bin/setpriv", "/bin/setpriv");
        boolean root = isRoot();
        if (unshare == null) return Capabilities.processOnly("the unshare program (util-linux) is not installed");
        if (root && setpriv == null) return Capabilities.processOnly("the setpriv program (util-linux) is not installed");
        var cgroups = Cgroups.detect(MountTable.read());
        Set<String> controllers = root ? cgroups.prepare() : Set.of();
        var assumed = new Capabilities(root, unshare, setpriv, null, cgroups, Set.of(), null);
        try {
            var lower = Files.createDirectories(scratch.resolve("root"));
            if (root) giveToNobody(lower);
            var namespaces = tryIsolated(base, assumed, lower);
            String overlay = namespaces;
            if (namespaces == null) overlay = tryOverlay(base, assumed, lower, scratch.resolve("overlay"));
            return new Capabilities(root, unshare, setpriv, namespaces, cgroups, controllers, overlay);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot probe the sandbox in " + scratch, e);
        } finally {
            deleteTree(scratch);
        }
    }

    private static String tryIsolated(ProcessRunner base, Capabilities caps, Path root) {
        var runner = new IsolatedRunner(base, caps, CgroupLimits.NONE, Isolation.of(List.of(root), false, List.of()));
        var result = runner.run(base.limits().spec(Command.argv("true"), root).withTimeout(PROBE_TIMEOUT));
        return failure("an isolated test run", result);
    }

    private static String tryOverlay(ProcessRunner base, Capabilities caps, Path lower, Path dir) throws IOException {
        Files.writeString(lower.resolve("probe"), "before");
        if (caps.root()) giveToNobody(lower.resolve("probe"));
        var overlay = Overlay.create(lower, dir);
        var runner = new IsolatedRunner(base, caps, CgroupLimits.NONE, Isolation.preview(List.of(overlay), false, List.of()));
        var result = runner.run(base.limits().spec(Command.script("echo after > probe"), lower).withTimeout(PROBE_TIMEOUT));
        var failed = failure("a test preview", result);
        if (failed != null) return failed;
        var upper = overlay.upper().resolve("probe");
        if (!Files.readString(lower.resolve("probe")).equals("before")) {
            return "a write through the overlay reached the real file";
        }
        if (!Files.exists(upper) || !Files.readString(upper, StandardCharsets.UTF_8).strip().equals("after")) {
            return "a write through the overlay did not land in its upper directory";
        }
        return null;
    }

    private static String failure(String what, ProcessResult result) {
        if (result.setupFailure() != null) return what + " failed: " + result.setupFailure();
        if (result.exitCode() != 0 || result.timedOut()) {
            var err = result.stderr().text().strip();
            return what + " failed with exit code " + result.exitCode() + (err.isEmpty() ? "" : ": " + err.lines().findFirst().orElse(""));
        }
        return null;
    }

    private static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private static void giveToNobody(Path path) throws IOException {
        Files.setAttribute(path, "unix:uid", 65534, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(path, "unix:gid", 65534, LinkOption.NOFOLLOW_LINKS);
    }

    private static Path executable(String... candidates) {
        for (var candidate : candidates) {
            var path = Path.of(candidate);
            if (Files.isExecutable(path)) return path;
        }
        return null;
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) return;
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // A probe's leftovers are harmless: they are in Warden's own scratch directory.
        }
    }
}
