package dev.warden.sandbox;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Signals a whole process group. Java has no killpg, so the shell's {@code kill} builtin does it;
 * the group id travels as a positional parameter, never inside the script text. This runs only
 * when a command is stopped, never on the normal path.
 */
public final class ProcessGroup {
    private static final String KILL_GROUP = "kill -s \"$1\" -- \"-$2\" 2>/dev/null";

    private ProcessGroup() {}

    /**
     * Sends {@code signal} (e.g. {@code TERM}, {@code KILL}) to every process in group {@code pgid};
     * false when no process was signalled (the group is empty or does not exist yet).
     */
    public static boolean signal(long pgid, String signal) {
        if (pgid <= 1) throw new IllegalArgumentException("refusing to signal group " + pgid);
        try {
            var kill = new ProcessBuilder("/bin/sh", "-c", KILL_GROUP, "sh", signal, Long.toString(pgid))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            kill.getOutputStream().close();
            if (kill.waitFor(5, TimeUnit.SECONDS)) return kill.exitValue() == 0;
            kill.destroyForcibly();
            return false;
        } catch (IOException e) {
            // Nothing better to do: the caller also kills the descendants it can see.
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
