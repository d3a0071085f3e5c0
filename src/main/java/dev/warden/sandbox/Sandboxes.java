package dev.warden.sandbox;

import dev.warden.action.ActionException;
import dev.warden.action.ErrorKind;
import dev.warden.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;

/**
 * The sandbox levels together, as actions that run commands see them ({@code shell.exec}, later
 * {@code job.start}): which level a call gets ({@link #choose}), and starting a command at it. What
 * the machine can do is probed once, when a level beyond {@code process} is first asked for (or
 * the capability report is), not at start.
 */
public final class Sandboxes {
    private final Sandbox process;
    private final ProcessRunner base;
    private final SandboxSettings settings;
    private final List<Path> roots;
    private final List<Path> hidden;
    private final Supplier<Capabilities> probe;
    private final AtomicReference<Capabilities> capabilities = new AtomicReference<>();

    /**
     * @param base     the {@code process} level, and the base the other levels start from
     * @param roots    the allowed roots: writable under {@code isolated}, overlaid under {@code preview}
     * @param hidden   paths no sandboxed command may even read (Warden's data dir), or, for a file
     *                 (the policy or config file in a root), write; one that holds a
     *                 root is left visible, or the root would vanish with it
     * @param probe    finds the capabilities, e.g. {@code () -> CapabilityProbe.probe(base, scratch)}
     */
    public Sandboxes(ProcessRunner base, SandboxSettings settings, List<Path> roots, List<Path> hidden,
                     Supplier<Capabilities> probe) {
        this.process = base;
        this.base = base;
        this.settings = settings;
        this.roots = List.copyOf(roots);
        this.hidden = hidden.stream().filter(h -> this.roots.stream().noneMatch(r -> r.startsWith(h))).toList();
        this.probe = probe;
    }

    private Sandboxes(Sandbox process) {
        this.process = process;
        this.base = null;
        this.settings = SandboxSettings.defaults();
        this.roots = List.of();
        this.hidden = List.of();
        this.probe = () -> Capabilities.processOnly("this Warden was set up with the process level only");
    }

    /**
     * The sandboxes of a Warden whose data dir is {@code dataDir}: the data dir is hidden from
     * isolated commands, and the capabilities are probed in a scratch directory inside it.
     */
    public static Sandboxes open(ProcessRunner base, SandboxSettings settings, List<Path> roots, Path dataDir) {
        return open(base, settings, roots, dataDir, List.of());
    }

    /**
     * As {@link #open(ProcessRunner, SandboxSettings, List, Path)}; {@code ownFiles} (the policy and
     * config file) are made read-only to isolated commands where a root holds them, so a command
     * cannot rewrite the policy that judges it.
     */
    public static Sandboxes open(ProcessRunner base, SandboxSettings settings, List<Path> roots, Path dataDir, List<Path> ownFiles) {
        Path data;
        try {
            data = dataDir.toRealPath();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot resolve the data dir " + dataDir, e);
        }
        var guarded = new ArrayList<Path>(List.of(data));
        for (var file : ownFiles) {
            try {
                var real = file.toRealPath();
                if (!real.startsWith(data) && Files.isRegularFile(real)) guarded.add(real);
            } catch (IOException e) {
                // A file that does not exist has nothing to protect yet; the path jail refuses creating it.
            }
        }
        var scratch = data.resolve("sandbox").resolve("probe-" + ProcessHandle.current().pid());
        return new Sandboxes(base, settings, roots, List.copyOf(guarded), () -> CapabilityProbe.probe(base, scratch));
    }

    /** Only the {@code process} level, run by {@code process}; other levels fail closed. */
    public static Sandboxes processOnly(Sandbox process) {
        return new Sandboxes(process);
    }

    /**
     * The same levels, settings, roots and capabilities over another base runner, e.g. one with
     * longer time limits for background jobs; the capabilities are probed once for both.
     */
    public Sandboxes withBase(ProcessRunner other) {
        return new Sandboxes(other, settings, roots, hidden, this::capabilities);
    }

    public SandboxSettings settings() {
        return settings;
    }

    public ProcessLimits limits() {
        return process.limits();
    }

    /** What this machine's sandbox can do; probed on the first call. Public so that {@code warden doctor} can print it. */
    public Capabilities capabilities() {
        var known = capabilities.get();
        if (known != null) return known;
        synchronized (capabilities) {
            if (capabilities.get() == null) capabilities.set(probe.get());
            return capabilities.get();
        }
    }

    /** The capability report with the policy's settings: per level, whether it is available and what it lacks. */
    public JsonNode capabilityReport() {
        var report = (tools.jackson.databind.node.ObjectNode) capabilities().report(settings.cgroup());
        var policy = report.putObject("policy");
        policy.put("default", settings.defaultLevel().id());
        policy.put("minimum", settings.minimum().id());
        policy.put("network", settings.network());
        return report;
    }

    /**
     * The level for a call that asked for {@code requested} (null: the policy's default). A level
     * below the policy's minimum is refused ({@code sandbox_below_minimum}); a level this machine
     * cannot have fails closed ({@code sandbox_unavailable}): a command never runs weaker than asked.
     */
    public SandboxLevel choose(String requested) {
        SandboxLevel level;
        if (requested == null) {
            level = settings.defaultLevel();
        } else {
            level = SandboxLevel.parse(requested).orElseThrow(() -> new ActionException(ErrorKind.BAD_INPUT,
                    "invalid_input", "Unknown sandbox level '" + requested + "'.", "Use process, isolated or preview."));
        }
        if (!level.atLeast(settings.minimum())) {
            throw new ActionException(ErrorKind.REFUSED, "sandbox_below_minimum",
                    "The policy runs commands at the sandbox level '" + settings.minimum().id() + "' or stricter; '"
                            + level.id() + "' was asked for.",
                    "Ask for sandbox '" + settings.minimum().id() + "' (or a stricter one), or leave sandbox out to get the"
                            + " policy's default '" + settings.defaultLevel().id() + "'.",
                    Json.object().put("requested", level.id()).put("minimum", settings.minimum().id()));
        }
        if (level != SandboxLevel.PROCESS) capabilities().require(level);
        return level;
    }

    /** Starts {@code spec} at {@code level}: {@code process} or {@code isolated}. A preview needs {@link #startPreview}. */
    public RunningProcess start(SandboxLevel level, ProcessSpec spec) {
        return switch (level) {
            case PROCESS -> process.start(spec);
            case ISOLATED -> isolated().start(spec, Isolation.of(roots, settings.network(), hidden));
            case PREVIEW -> throw new IllegalArgumentException("a preview starts with startPreview");
        };
    }

    /**
     * Starts {@code spec} as a preview: each root is overlaid, with the upper and work directories
     * created in {@code dir} (which must be outside every root, on a file system that can hold an
     * overlay's upper directory).
     */
    public PreviewRun startPreview(ProcessSpec spec, Path dir) {
        capabilities().require(SandboxLevel.PREVIEW);
        var overlays = new ArrayList<Overlay>();
        for (int i = 0; i < roots.size(); i++) {
            var root = roots.get(i);
            checkPreviewable(root, dir);
            try {
                overlays.add(Overlay.create(root, dir.resolve(Integer.toString(i))));
            } catch (IOException e) {
                throw new ActionException(ErrorKind.INTERNAL, "sandbox_unavailable",
                        "The preview's overlay directories could not be created in " + dir + ": " + e.getMessage(),
                        "Check free space and permissions of Warden's data dir.", null, e);
            }
        }
        var running = isolated().start(spec, Isolation.preview(overlays, settings.network(), hidden));
        return new PreviewRun(running, overlays);
    }

    private static void checkPreviewable(Path root, Path dir) {
        String why = null;
        if (dir.startsWith(root) || root.startsWith(dir)) {
            why = "the preview directory " + dir + " and the root " + root + " overlap; Warden's data dir must be outside the roots";
        } else if (unsafeForOptions(root) || unsafeForOptions(dir)) {
            why = "the path of the root " + root + " or of the preview directory " + dir
                    + " has a comma, colon, backslash or blank, which overlay mount options cannot carry";
        }
        if (why != null) {
            throw new ActionException(ErrorKind.INTERNAL, "sandbox_unavailable", "A preview cannot be made here: " + why + ".",
                    "Use sandbox 'isolated' or move the data dir or the root.", Json.object().put("level", "preview").put("reason", why));
        }
    }

    private static boolean unsafeForOptions(Path path) {
        return path.toString().matches(".*[,:\\\\\\s].*");
    }

    private IsolatedRunner isolated() {
        if (base == null) capabilities().require(SandboxLevel.ISOLATED);
        return new IsolatedRunner(base, capabilities(), settings.cgroup(), Isolation.of(roots, settings.network(), hidden));
    }
}
