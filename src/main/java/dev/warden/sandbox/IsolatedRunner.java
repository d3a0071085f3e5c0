package dev.warden.sandbox;

import dev.warden.action.ActionException;
import dev.warden.action.ErrorKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The {@code isolated} and {@code preview} levels. {@code ProcessBuilder} cannot run code between
 * fork and exec, so the command starts through a chain of launchers, each doing one step and then
 * exec'ing the next:
 *
 * <ol>
 *   <li>{@code setsid}: own session and process group, as for the {@code process} level;</li>
 *   <li>a fixed {@code /bin/sh} script ({@link #OUTER}): the rlimits, then it writes its own pid
 *       into the run's control groups, so everything started from here on is counted, before any
 *       namespace exists;</li>
 *   <li>{@code unshare}: new mount, pid, ipc and uts namespaces, and a network namespace with no
 *       interface up unless the policy allows the network; a fresh {@code /proc}; the first process
 *       of the pid namespace is killed if unshare dies ({@code --kill-child}), and with it every
 *       process of the namespace;</li>
 *   <li>a fixed {@code /bin/sh} script ({@link #INNER}), pid 1 of the namespace: binds each root
 *       over itself (or mounts its overlay over it for a preview), remounts every other mount point
 *       read-only, hides Warden's data dir under an empty tmpfs, enters the working directory
 *       again (so it sees the new mounts), and runs the command through {@code setpriv} as an
 *       unprivileged user with no capabilities and {@code no_new_privs}.</li>
 * </ol>
 *
 * The user's argv or script only ever travels as positional parameters after the scripts' own
 * text; it is never spliced into it. When a step of the setup fails, the script says so on stderr
 * after a fixed marker and exits 125 before the command runs, and the result carries
 * {@link ProcessResult#setupFailure()}.
 */
public final class IsolatedRunner implements Sandbox {
    static final String MARKER = "warden-sandbox: ";
    private static final String SHELL = "/bin/sh";
    private static final int NOBODY = 65534;

    /** $1 cpu seconds, $2 open files, $3 how many cgroup.procs files follow, then the next launcher's argv. */
    static final String OUTER = """
            [ "$1" = 0 ] || ulimit -t "$1" || { echo "warden-sandbox: cannot set the CPU-time limit" >&2; exit 125; }
            [ "$2" = 0 ] || ulimit -n "$2" || { echo "warden-sandbox: cannot set the open-file limit" >&2; exit 125; }
            n=$3; shift 3
            while [ "$n" -gt 0 ]; do
              echo $$ > "$1" || { echo "warden-sandbox: cannot join the control group $1" >&2; exit 125; }
              shift; n=$((n - 1))
            done
            exec "$@"
            """;

    /**
     * $1 cwd, $2 uid or -, $3 gid or -, then counted lists: roots to bind, overlays (root, upper,
     * work), mount points to make read-only, directories to hide, files inside the roots to make
     * read-only (a bind mount cannot be replaced by rename or removed); then the command's argv.
     */
    static final String INNER = """
            fail() { echo "warden-sandbox: $*" >&2; exit 125; }
            cwd=$1 uid=$2 gid=$3; shift 3
            mount --make-rprivate / || fail "cannot make the mounts private"
            n=$1; shift
            while [ "$n" -gt 0 ]; do mount --rbind -- "$1" "$1" || fail "cannot bind $1"; shift; n=$((n - 1)); done
            n=$1; shift
            while [ "$n" -gt 0 ]; do
              mount -t overlay warden-preview -o "lowerdir=$1,upperdir=$2,workdir=$3,userxattr" -- "$1" \\
                || fail "cannot mount an overlay on $1"
              shift 3; n=$((n - 1))
            done
            n=$1; shift
            while [ "$n" -gt 0 ]; do
              mount -o remount,bind,ro -- "$1" 2>/dev/null || [ ! -e "$1" ] || fail "cannot make $1 read-only"
              shift; n=$((n - 1))
            done
            n=$1; shift
            while [ "$n" -gt 0 ]; do
              mount -t tmpfs -o ro,size=4k,mode=0 warden-hidden -- "$1" || fail "cannot hide $1"
              shift; n=$((n - 1))
            done
            n=$1; shift
            while [ "$n" -gt 0 ]; do
              { mount --bind -- "$1" "$1" && mount -o remount,bind,ro -- "$1"; } || fail "cannot make $1 read-only"
              shift; n=$((n - 1))
            done
            cd -- "$cwd" || fail "cannot enter $cwd"
            # Not exec'd: this shell stays pid 1, so the command gets signals sent to its group and its orphans are reaped.
            if [ "$uid" = - ]; then "$@"; exit $?; fi
            setpriv --reuid "$uid" --regid "$gid" --clear-groups --no-new-privs --bounding-set=-all --inh-caps=-all -- "$@"
            exit $?
            """;

    private final ProcessRunner base;
    private final Capabilities caps;
    private final CgroupLimits cgroupLimits;
    private final Isolation defaults;
    private final SecureRandom random = new SecureRandom();

    /**
     * {@code defaults} is what {@link #start(ProcessSpec)} applies; {@code cgroupLimits} is applied
     * to every run on the controllers {@code caps} found usable.
     */
    public IsolatedRunner(ProcessRunner base, Capabilities caps, CgroupLimits cgroupLimits, Isolation defaults) {
        this.base = base;
        this.caps = caps;
        this.cgroupLimits = cgroupLimits;
        this.defaults = defaults;
    }

    @Override
    public String level() {
        return SandboxLevel.ISOLATED.id();
    }

    @Override
    public ProcessLimits limits() {
        return base.limits();
    }

    @Override
    public RunningProcess start(ProcessSpec spec) {
        return start(spec, defaults);
    }

    /** Starts {@code spec} confined by {@code isolation}; a preview when it has overlays. */
    public RunningProcess start(ProcessSpec spec, Isolation isolation) {
        var level = isolation.overlays().isEmpty() ? SandboxLevel.ISOLATED : SandboxLevel.PREVIEW;
        caps.require(level);
        var env = base.environment(spec);
        var timeout = base.timeout(spec);
        CgroupRun group = null;
        if (cgroupLimits.any() && !caps.controllers().isEmpty()) {
            try {
                group = caps.cgroups().create(newRunId(), cgroupLimits, caps.controllers());
            } catch (IOException | RuntimeException e) {
                throw new ActionException(ErrorKind.INTERNAL, "sandbox_unavailable",
                        "The control group for the command could not be created: " + e.getMessage(),
                        "Check that Warden may write below /sys/fs/cgroup; `warden doctor` shows the sandbox capabilities.",
                        null, e);
            }
        }
        var user = caps.root() ? user(spec.cwd(), isolation) : null;
        var enforced = new ArrayList<>(base.enforced(spec, timeout));
        enforced.addAll(enforced(isolation, user));
        if (group != null) enforced.addAll(group.enforced());
        var unavailable = caps.unavailable(level, cgroupLimits);
        var line = commandLine(spec, isolation, group, user);
        var finisher = new IsolationFinisher(group, List.copyOf(enforced), unavailable);
        return base.launch(spec, env, line, timeout, level.id(), enforced, finisher);
    }

    private List<String> commandLine(ProcessSpec spec, Isolation isolation, CgroupRun group, int[] user) {
        var line = new ArrayList<String>();
        base.setsid().ifPresent(path -> {
            line.add(path.toString());
            line.add("--");
        });
        var rl = spec.limits();
        var procs = group == null ? List.<Path>of() : group.procsFiles();
        line.addAll(List.of(SHELL, "-c", OUTER, "sh", Integer.toString(rl.cpuSeconds()), Integer.toString(rl.openFiles()),
                Integer.toString(procs.size())));
        procs.forEach(p -> line.add(p.toString()));
        line.add(caps.unshare().toString());
        line.addAll(List.of("--mount", "--pid", "--fork", "--kill-child", "--mount-proc", "--ipc", "--uts"));
        if (!isolation.network()) line.add("--net");
        if (!caps.root()) line.addAll(List.of("--user", "--map-root-user"));
        line.addAll(List.of(SHELL, "-c", INNER, "sh", spec.cwd().toString(),
                user == null ? "-" : Integer.toString(user[0]), user == null ? "-" : Integer.toString(user[1])));
        counted(line, isolation.roots().stream().map(Path::toString).toList());
        line.add(Integer.toString(isolation.overlays().size()));
        for (var overlay : isolation.overlays()) {
            line.addAll(List.of(overlay.root().toString(), overlay.upper().toString(), overlay.work().toString()));
        }
        counted(line, readOnlyMounts(isolation).stream().map(Path::toString).toList());
        counted(line, isolation.hidden().stream().filter(Files::isDirectory).map(Path::toString).toList());
        counted(line, protectedFiles(isolation).stream().map(Path::toString).toList());
        switch (spec.command()) {
            case Command.Argv argv -> line.addAll(argv.args());
            case Command.Script script -> line.addAll(List.of(SHELL, "-c", script.source()));
        }
        return line;
    }

    /** Warden's own files that lie in a writable root: outside the roots everything is read-only already. */
    static List<Path> protectedFiles(Isolation isolation) {
        var writable = isolation.writable();
        return isolation.hidden().stream()
                .filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                .filter(p -> writable.stream().anyMatch(p::startsWith))
                .toList();
    }

    private static void counted(List<String> line, List<String> items) {
        line.add(Integer.toString(items.size()));
        line.addAll(items);
    }

    /**
     * Every mount point but the writable roots and what is mounted below them (they keep their
     * own flags), and what is below {@code /proc} (the namespace has a fresh one).
     */
    static List<Path> readOnlyMounts(Isolation isolation) {
        var writable = isolation.writable();
        var proc = Path.of("/proc");
        return MountTable.read().points().stream()
                .filter(p -> writable.stream().noneMatch(p::startsWith))
                .filter(p -> p.equals(proc) || !p.startsWith(proc))
                .toList();
    }

    /**
     * Who the command runs as when Warden is root: the owner of the root it works in, when that is
     * not root (so it can write there as the files' owner would), else {@code nobody}, who can
     * write only where permissions let anyone.
     */
    static int[] user(Path cwd, Isolation isolation) {
        var root = isolation.writable().stream().filter(cwd::startsWith).findFirst()
                .orElse(isolation.writable().isEmpty() ? cwd : isolation.writable().getFirst());
        try {
            int uid = (Integer) Files.getAttribute(root, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            int gid = (Integer) Files.getAttribute(root, "unix:gid", LinkOption.NOFOLLOW_LINKS);
            return uid == 0 ? new int[] {NOBODY, NOBODY} : new int[] {uid, gid};
        } catch (IOException | UnsupportedOperationException e) {
            return new int[] {NOBODY, NOBODY};
        }
    }

    private List<String> enforced(Isolation isolation, int[] user) {
        var list = new ArrayList<String>();
        list.add("namespaces=mount,pid,ipc,uts" + (isolation.network() ? "" : ",net") + (caps.root() ? "" : ",user"));
        if (!isolation.network()) list.add("no_network");
        list.add("read_only_outside_roots");
        if (!isolation.overlays().isEmpty()) list.add("overlay_roots=" + isolation.overlays().size());
        if (isolation.hidden().stream().anyMatch(Files::isDirectory)) list.add("data_dir_hidden");
        if (!protectedFiles(isolation).isEmpty()) list.add("warden_files_read_only");
        if (user != null) list.add("uid=" + user[0]);
        return list;
    }

    private String newRunId() {
        var bytes = new byte[6];
        random.nextBytes(bytes);
        return "run-" + HexFormat.of().formatHex(bytes);
    }

    /** After the run: what the control groups saw, their removal, and whether the setup failed. */
    private record IsolationFinisher(CgroupRun group, List<String> enforced, List<String> unavailable) implements Finisher {
        @Override
        public ProcessResult finish(ProcessResult result) {
            Set<String> hit = Set.of();
            if (group != null) {
                hit = group.limitsHit();
                group.remove();
            }
            return result.withSandbox(enforced, unavailable, hit, setupFailure(result));
        }

        @Override
        public void abandon() {
            if (group != null) group.remove();
        }
    }

    /**
     * The reason the setup gave before the command ran, or null when the command ran. The marker
     * line follows whatever the failed tool itself said on stderr.
     */
    static String setupFailure(ProcessResult result) {
        var err = result.stderr().text();
        if (result.exitCode() == 125) {
            var marked = err.lines().filter(l -> l.startsWith(MARKER)).findFirst();
            if (marked.isPresent()) {
                var before = err.lines().takeWhile(l -> !l.startsWith(MARKER)).map(String::strip).filter(l -> !l.isEmpty())
                        .reduce((a, b) -> b).map(l -> " (" + l + ")").orElse("");
                return marked.get().substring(MARKER.length()).strip() + before;
            }
        }
        if (result.exitCode() != 0 && err.startsWith("unshare: ")) return firstLine(err);
        return null;
    }

    private static String firstLine(String text) {
        var end = text.indexOf('\n');
        return (end < 0 ? text : text.substring(0, end)).strip();
    }
}
