package dev.warden.system;

import dev.warden.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import oshi.software.os.OSProcess;
import tools.jackson.databind.node.ObjectNode;

/**
 * The machine's processes: listed (filtered, sorted, paged), described one at a time, and sent
 * signals. A process's CPU share is measured between two readings, as {@code top} does: against
 * the previous listing when it is recent, else over a short baseline, so the first listing after a
 * quiet minute takes a quarter of a second longer.
 */
public final class ProcessTable {
    private static final Duration STALE = Duration.ofSeconds(60);
    private static final Duration BASELINE = Duration.ofMillis(250);
    private static final int COMMAND_IN_LIST = 300;
    private static final int COMMAND_IN_INFO = 4000;

    /** The signals {@code proc.kill} may send, by their names without {@code SIG}. */
    public enum Signal { TERM, KILL, INT, HUP, QUIT, USR1, USR2, STOP, CONT }

    /** Why a process may not be signalled, or empty when it may. */
    public enum Protection { NONE, INIT, WARDEN }

    /** A page of processes and how many matched in all. */
    public record Page(int total, List<ObjectNode> processes) {}

    /** What a signal did: sent or not (with the reason), and whether the process is gone. */
    public record Sent(boolean sent, boolean exited, String error) {}

    private final SystemProbe probe;
    private final ReentrantLock lock = new ReentrantLock();
    private Map<Integer, OSProcess> prior = Map.of();
    private long priorAt;

    public ProcessTable(SystemProbe probe) {
        this.probe = probe;
    }

    public int ownPid() {
        return (int) ProcessHandle.current().pid();
    }

    public Protection protection(int pid) {
        if (pid == 1) return Protection.INIT;
        if (pid == ownPid()) return Protection.WARDEN;
        return Protection.NONE;
    }

    public Page list(ProcessQuery query) {
        var snapshot = snapshot();
        var name = query.name() == null ? null : glob(query.name());
        var command = query.command() == null ? null : query.command().toLowerCase(Locale.ROOT);
        var rows = new ArrayList<Row>();
        for (var p : snapshot.now().values()) {
            if (p.getState() == OSProcess.State.INVALID) continue;
            if (name != null && !name.matcher(text(p.getName())).matches()) continue;
            if (query.user() != null && !query.user().equals(p.getUser())) continue;
            if (command != null && !text(p.getCommandLine()).toLowerCase(Locale.ROOT).contains(command)) continue;
            rows.add(new Row(p, cpuPercent(p, snapshot.before())));
        }
        rows.sort(order(query));
        var page = new ArrayList<ObjectNode>();
        for (int i = query.offset(); i < rows.size() && page.size() < query.limit(); i++) {
            page.add(summary(rows.get(i), COMMAND_IN_LIST));
        }
        return new Page(rows.size(), page);
    }

    /** One process in detail, or empty when no process has that id. Never its environment (secrets live there). */
    public Optional<ObjectNode> info(int pid) {
        var p = probe.os().getProcess(pid);
        if (p == null || p.getState() == OSProcess.State.INVALID) return Optional.empty();
        var node = summary(new Row(p, cpuPercent(p, priorReading())), COMMAND_IN_INFO);
        node.put("path", text(p.getPath()));
        node.put("cwd", text(p.getCurrentWorkingDirectory()));
        var args = node.putArray("arguments");
        p.getArguments().stream().limit(200).map(ProcessTable::text).forEach(args::add);
        node.put("uid", text(p.getUserID()));
        node.put("group", text(p.getGroup()));
        node.put("gid", text(p.getGroupID()));
        node.put("priority", p.getPriority());
        node.put("userTimeMs", p.getUserTime());
        node.put("kernelTimeMs", p.getKernelTime());
        node.put("uptimeSeconds", p.getUpTime() / 1000);
        node.put("openFiles", p.getOpenFiles());
        node.put("openFilesLimit", p.getSoftOpenFileLimit());
        node.put("bytesRead", p.getBytesRead());
        node.put("bytesWritten", p.getBytesWritten());
        var children = node.putArray("children");
        probe.os().getChildProcesses(pid, null, null, 0).forEach(c -> children.add(c.getProcessID()));
        node.put("protected", protection(pid) != Protection.NONE);
        return Optional.of(node);
    }

    /**
     * Sends {@code signal} to {@code pid} and waits up to {@code wait} for it to end (for signals that
     * end processes). The caller has checked {@link #protection}; this refuses protected ids again.
     */
    public Sent signal(int pid, Signal signal, Duration wait) {
        if (protection(pid) != Protection.NONE) return new Sent(false, false, "protected process");
        var handle = ProcessHandle.of(pid);
        if (handle.isEmpty()) return new Sent(false, true, "no such process");
        try {
            var kill = new ProcessBuilder("kill", "-s", signal.name(), "--", Integer.toString(pid)).redirectErrorStream(true).start();
            var output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!kill.waitFor(10, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
                return new Sent(false, false, "kill did not finish");
            }
            if (kill.exitValue() != 0) return new Sent(false, !handle.get().isAlive(), output.isEmpty() ? "kill failed" : output);
        } catch (IOException e) {
            return new Sent(false, false, "cannot run kill: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Sent(true, false, null);
        }
        if (signal == Signal.STOP || signal == Signal.CONT || signal == Signal.USR1 || signal == Signal.USR2 || signal == Signal.HUP) {
            return new Sent(true, !handle.get().isAlive(), null);
        }
        return new Sent(true, waitForExit(pid, wait), null);
    }

    private boolean waitForExit(int pid, Duration wait) {
        long until = System.nanoTime() + wait.toNanos();
        while (true) {
            var p = probe.os().getProcess(pid);
            // A zombie has ended; only its parent has not collected its status yet.
            if (p == null || p.getState() == OSProcess.State.INVALID || p.getState() == OSProcess.State.ZOMBIE) return true;
            if (System.nanoTime() >= until) return false;
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    private record Row(OSProcess process, double cpuPercent) {}

    /** The processes now, and as the previous reading saw them (for CPU shares). */
    private record Snapshot(Map<Integer, OSProcess> now, Map<Integer, OSProcess> before) {}

    private Snapshot snapshot() {
        lock.lock();
        try {
            if (prior.isEmpty() || System.nanoTime() - priorAt > STALE.toNanos()) {
                prior = byPid(probe.os().getProcesses());
                try {
                    Thread.sleep(BASELINE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            var snapshot = new Snapshot(byPid(probe.os().getProcesses()), prior);
            prior = snapshot.now();
            priorAt = System.nanoTime();
            return snapshot;
        } finally {
            lock.unlock();
        }
    }

    private Map<Integer, OSProcess> priorReading() {
        lock.lock();
        try {
            return prior;
        } finally {
            lock.unlock();
        }
    }

    /** Percent of one core since the previous reading (100 = one core busy), else over the process's life. */
    private static double cpuPercent(OSProcess p, Map<Integer, OSProcess> before) {
        var then = before.get(p.getProcessID());
        double load = then != null && then.getStartTime() == p.getStartTime()
                ? p.getProcessCpuLoadBetweenTicks(then) : p.getProcessCpuLoadCumulative();
        return SystemProbe.percent(load);
    }

    private static Map<Integer, OSProcess> byPid(List<OSProcess> processes) {
        var map = new HashMap<Integer, OSProcess>(processes.size() * 2);
        processes.forEach(p -> map.put(p.getProcessID(), p));
        return map;
    }

    private static Comparator<Row> order(ProcessQuery query) {
        Comparator<Row> by = switch (query.sort()) {
            case CPU -> Comparator.comparingDouble(Row::cpuPercent);
            case MEMORY -> Comparator.comparingLong(r -> r.process().getResidentMemory());
            case PID -> Comparator.comparingInt(r -> r.process().getProcessID());
            case NAME -> Comparator.comparing(r -> text(r.process().getName()), String.CASE_INSENSITIVE_ORDER);
            case STARTED -> Comparator.comparingLong(r -> r.process().getStartTime());
        };
        if (query.descending()) by = by.reversed();
        return by.thenComparingInt(r -> r.process().getProcessID());
    }

    private static ObjectNode summary(Row row, int commandChars) {
        var p = row.process();
        var node = Json.object();
        node.put("pid", p.getProcessID());
        node.put("ppid", p.getParentProcessID());
        node.put("name", text(p.getName()));
        node.put("user", text(p.getUser()));
        node.put("state", p.getState().name().toLowerCase(Locale.ROOT));
        node.put("cpuPercent", row.cpuPercent());
        node.put("rssBytes", p.getResidentMemory());
        node.put("virtualBytes", p.getVirtualSize());
        node.put("threads", p.getThreadCount());
        if (p.getStartTime() > 0) node.put("startedAt", Instant.ofEpochMilli(p.getStartTime()).toString());
        var command = text(p.getCommandLine());
        node.put("command", command.length() > commandChars ? command.substring(0, commandChars) + "…" : command);
        return node;
    }

    /** OSHI answers null for what it could not read (another user's cwd, say); the schema wants strings. */
    private static String text(String value) {
        return value == null ? "" : value;
    }

    /** A shell-style glob ({@code *}, {@code ?}) as a case-insensitive pattern over the whole name. */
    static Pattern glob(String glob) {
        var regex = new StringBuilder();
        for (var c : glob.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    }
}
