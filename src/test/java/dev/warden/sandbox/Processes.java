package dev.warden.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Looks at processes through /proc, the way the tests check that nothing survived. */
final class Processes {
    private Processes() {}

    /** True while {@code pid} exists and is not a zombie waiting to be reaped. */
    static boolean running(long pid) {
        var stat = Path.of("/proc", Long.toString(pid), "stat");
        try {
            var text = Files.readString(stat);
            var state = text.substring(text.lastIndexOf(')') + 2).charAt(0);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }

    /** Waits up to {@code millis} for {@code pid} to stop running; true if it did. */
    static boolean gone(long pid, long millis) throws InterruptedException {
        long until = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < until) {
            if (!running(pid)) return true;
            Thread.sleep(20);
        }
        return !running(pid);
    }

    /** Fields 5 and 6 of /proc/PID/stat: the process group and session of {@code pid}. */
    static long[] groupAndSession(long pid) throws IOException {
        var text = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        var fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
        return new long[] {Long.parseLong(fields[2]), Long.parseLong(fields[3])};
    }

    /** Reads a pid a test command wrote to {@code file}, waiting for it to appear. */
    static long pidFrom(Path file) throws IOException, InterruptedException {
        for (int i = 0; i < 250 && (!Files.exists(file) || Files.readString(file).isBlank()); i++) Thread.sleep(20);
        return Long.parseLong(Files.readString(file).trim());
    }
}
