package dev.warden.system;

import dev.warden.json.Json;
import java.io.File;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import com.google.common.base.Suppliers;
import oshi.SystemInfo;
import oshi.hardware.HardwareAbstractionLayer;
import oshi.software.os.OperatingSystem;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The machine as OSHI reads it: what it is ({@link #info}) and how busy it is now ({@link #sample}).
 * Rates (CPU, disk and network bytes per second) are the difference between two readings of the
 * kernel's counters, so a sample compares with the previous one; when there is none recent enough
 * it takes a short baseline first. Samples taken less than a second apart are shared: many streams
 * and an alert loop cost one reading.
 */
public final class SystemProbe {
    /** A previous reading older than this is not a fair baseline for "now". */
    private static final Duration STALE = Duration.ofSeconds(60);
    private static final Duration BASELINE = Duration.ofMillis(500);
    private static final Duration REUSE = Duration.ofSeconds(1);

    /** Made on first use: OSHI loads JNA's native library, which a start that never asks should not pay for. */
    private final Supplier<SystemInfo> oshi = Suppliers.memoize(SystemInfo::new);
    private final Clock clock;
    /** The monotonic time REUSE and the rates are measured in: System.nanoTime, or a test's own. */
    private final LongSupplier nanoTime;
    private final ReentrantLock lock = new ReentrantLock();
    private Counters last;
    private ObjectNode cached;
    private long cachedAt;
    /** The mounted file systems as OSHI lists them; mounts change rarely and listing them is most of a sample's cost. */
    private final Supplier<List<Mount>> mounts = Suppliers.memoizeWithExpiration(this::listMounts, STALE);

    private record Mount(String path, String type) {}

    public SystemProbe(Clock clock) {
        this(clock, System::nanoTime);
    }

    SystemProbe(Clock clock, LongSupplier nanoTime) {
        this.clock = clock;
        this.nanoTime = nanoTime;
    }

    OperatingSystem os() {
        return oshi.get().getOperatingSystem();
    }

    private HardwareAbstractionLayer hardware() {
        return oshi.get().getHardware();
    }

    /** What the machine is: OS, kernel, CPU, memory, disks, file systems, uptime. */
    public ObjectNode info() {
        var os = os();
        var hardware = hardware();
        var node = Json.object();
        node.put("hostname", os.getNetworkParams().getHostName());
        var version = os.getVersionInfo();
        node.putObject("os").put("family", os.getFamily()).put("manufacturer", os.getManufacturer())
                .put("version", String.valueOf(version.getVersion())).put("codeName", String.valueOf(version.getCodeName()))
                .put("bitness", os.getBitness());
        node.put("kernel", System.getProperty("os.version"));
        node.put("architecture", System.getProperty("os.arch"));
        var cpu = hardware.getProcessor();
        var id = cpu.getProcessorIdentifier();
        node.putObject("cpu").put("model", id.getName().strip()).put("vendor", id.getVendor())
                .put("physicalCores", cpu.getPhysicalProcessorCount()).put("logicalCores", cpu.getLogicalProcessorCount())
                .put("packages", cpu.getPhysicalPackageCount()).put("maxFreqHz", Math.max(0, cpu.getMaxFreq()));
        var memory = hardware.getMemory();
        node.putObject("memory").put("totalBytes", memory.getTotal()).put("availableBytes", memory.getAvailable());
        var swap = memory.getVirtualMemory();
        node.putObject("swap").put("totalBytes", swap.getSwapTotal()).put("usedBytes", swap.getSwapUsed());
        var disks = node.putArray("disks");
        for (var disk : hardware.getDiskStores()) {
            if (!physical(disk.getName()) || disk.getSize() <= 0) continue;
            disks.addObject().put("name", disk.getName()).put("model", disk.getModel()).put("sizeBytes", disk.getSize());
        }
        fileSystems(node.putArray("fileSystems"));
        node.put("uptimeSeconds", os.getSystemUptime());
        node.put("bootTime", java.time.Instant.ofEpochSecond(os.getSystemBootTime()).toString());
        node.put("processes", os.getProcessCount());
        node.put("wardenPid", os.getProcessId());
        return node;
    }

    /**
     * How busy the machine is now: CPU, load, memory, swap, disk and network rates, file system
     * usage, process and thread counts. The shape is {@code sys.metrics}'s output and what alert
     * rules see.
     */
    public ObjectNode sample() {
        lock.lock();
        try {
            long now = nanoTime.getAsLong();
            if (cached != null && now - cachedAt < REUSE.toNanos()) return cached.deepCopy();
            var before = last;
            if (before == null || now - before.nanos() > STALE.toNanos()) {
                before = counters();
                sleep(BASELINE);
            }
            var after = counters();
            cached = render(before, after);
            cachedAt = after.nanos();
            last = after;
            return cached.deepCopy();
        } finally {
            lock.unlock();
        }
    }

    /** The kernel's running totals at one instant; rates are differences of two of these. */
    private record Counters(long nanos, long[] cpu, long[][] cores, Map<String, long[]> disks, Map<String, long[]> nics) {}

    private Counters counters() {
        var hardware = hardware();
        var cpu = hardware.getProcessor();
        var disks = new LinkedHashMap<String, long[]>();
        for (var disk : hardware.getDiskStores()) {
            if (!physical(disk.getName())) continue;
            disks.put(disk.getName(), new long[] {disk.getReadBytes(), disk.getWriteBytes(), disk.getReads(), disk.getWrites()});
        }
        var nics = new LinkedHashMap<String, long[]>();
        for (var nic : hardware.getNetworkIFs(true)) {
            nics.put(nic.getName(), new long[] {nic.getBytesRecv(), nic.getBytesSent(), nic.getPacketsRecv(), nic.getPacketsSent()});
        }
        return new Counters(nanoTime.getAsLong(), cpu.getSystemCpuLoadTicks(), cpu.getProcessorCpuLoadTicks(), disks, nics);
    }

    private ObjectNode render(Counters before, Counters after) {
        var os = os();
        var hardware = hardware();
        double seconds = Math.max(1e-3, (after.nanos() - before.nanos()) / 1e9);
        var node = Json.object();
        node.put("sampledAt", clock.instant().toString());
        node.put("intervalSeconds", round(seconds, 3));
        var processor = hardware.getProcessor();
        var cpu = node.putObject("cpu");
        cpu.put("usedPercent", percent(processor.getSystemCpuLoadBetweenTicks(before.cpu(), after.cpu())));
        cpu.put("cores", processor.getLogicalProcessorCount());
        var perCore = cpu.putArray("perCorePercent");
        for (var load : processor.getProcessorCpuLoadBetweenTicks(before.cores(), after.cores())) perCore.add(percent(load));
        var averages = processor.getSystemLoadAverage(3);
        var load = node.putObject("load");
        load.put("one", round(Math.max(0, averages[0]), 2)).put("five", round(Math.max(0, averages[1]), 2))
                .put("fifteen", round(Math.max(0, averages[2]), 2));
        var memory = hardware.getMemory();
        long total = memory.getTotal();
        long available = memory.getAvailable();
        node.putObject("memory").put("totalBytes", total).put("availableBytes", available).put("usedBytes", total - available)
                .put("usedPercent", share(total - available, total));
        var swap = memory.getVirtualMemory();
        node.putObject("swap").put("totalBytes", swap.getSwapTotal()).put("usedBytes", swap.getSwapUsed())
                .put("usedPercent", share(swap.getSwapUsed(), swap.getSwapTotal()));
        var disk = node.putObject("disk");
        rates(disk, disk.putArray("devices"), before.disks(), after.disks(), seconds,
                "readBytesPerSec", "writeBytesPerSec", "readsPerSec", "writesPerSec");
        var network = node.putObject("network");
        rates(network, network.putArray("interfaces"), before.nics(), after.nics(), seconds,
                "rxBytesPerSec", "txBytesPerSec", "rxPacketsPerSec", "txPacketsPerSec");
        fileSystems(node.putArray("fileSystems"));
        node.put("processes", os.getProcessCount());
        node.put("threads", os.getThreadCount());
        node.put("uptimeSeconds", os.getSystemUptime());
        return node;
    }

    /** One entry per device present in both readings, and the totals over all of them on {@code totals}. */
    private static void rates(ObjectNode totals, ArrayNode devices, Map<String, long[]> before, Map<String, long[]> after,
                              double seconds, String... names) {
        var sums = new double[names.length];
        after.forEach((name, now) -> {
            var then = before.get(name);
            if (then == null) return;
            var device = devices.addObject().put("name", name);
            for (int i = 0; i < names.length; i++) {
                // A counter that went backwards was reset (device re-added): no rate for it this time.
                double rate = Math.max(0, now[i] - then[i]) / seconds;
                device.put(names[i], round(rate, 1));
                sums[i] += rate;
            }
        });
        for (int i = 0; i < names.length; i++) totals.put(names[i], round(sums[i], 1));
    }

    /** Space of each mounted file system, read now (one statvfs each) over the cached list of mounts. */
    private void fileSystems(ArrayNode list) {
        for (var mount : mounts.get()) {
            var file = new File(mount.path());
            long total = file.getTotalSpace();
            if (total <= 0) continue;
            long free = file.getUsableSpace();
            list.addObject().put("mount", mount.path()).put("type", mount.type()).put("totalBytes", total)
                    .put("freeBytes", free).put("usedPercent", share(total - free, total));
        }
    }

    private List<Mount> listMounts() {
        return os().getFileSystem().getFileStores(true).stream().map(store -> new Mount(store.getMount(), store.getType())).toList();
    }

    /** Whole disks and partitions, not loop devices or RAM disks (their counters say nothing about the machine's disks). */
    private static boolean physical(String name) {
        var base = name.substring(name.lastIndexOf('/') + 1);
        return !(base.startsWith("loop") || base.startsWith("ram") || base.startsWith("zram"));
    }

    static double percent(double fraction) {
        return Double.isNaN(fraction) || fraction < 0 ? 0.0 : round(fraction * 100, 1);
    }

    static double share(long part, long whole) {
        return whole <= 0 ? 0.0 : round(100.0 * part / whole, 1);
    }

    static double round(double value, int places) {
        double scale = Math.pow(10, places);
        return Math.round(value * scale) / scale;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
