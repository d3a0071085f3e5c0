package dev.warden.guard;

import java.util.ArrayList;
import java.util.Set;

/**
 * Lexical judgement of paths named in a command line: which are the system's own trees, block devices,
 * or the home directory. Paths are normalised lexically ({@code //}, {@code /./}, {@code ..}, trailing
 * slashes) because the analysis runs before anything touches the disk. The home directory is written
 * {@code ~} (or {@code ~user}) in normalised form.
 */
final class SystemPaths {
    /** Deleting, moving away or recursively re-owning any of these ruins the machine. */
    private static final Set<String> CRITICAL_TREES = Set.of(
            "/", "/etc", "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/boot", "/var", "/home",
            "/root", "/opt", "/srv", "/dev", "/proc", "/sys", "/mnt", "/media", "/snap", "/usr/bin", "/usr/sbin",
            "/usr/lib", "/usr/lib32", "/usr/lib64", "/usr/libexec", "/usr/share", "/usr/include", "/usr/local",
            "/var/lib", "/boot/efi", "~");

    /** Trees whose files belong to the system: writing there is at least high. */
    private static final String[] SYSTEM_PREFIXES = {"/etc", "/boot", "/usr", "/bin", "/sbin", "/var/lib",
            "/proc/sys", "/sys", "/root"};

    private static final String[] DISK_PREFIXES = {"/dev/sd", "/dev/nvme", "/dev/vd", "/dev/hd", "/dev/mmcblk",
            "/dev/xvd", "/dev/dm-", "/dev/md", "/dev/mapper/", "/dev/disk/", "/dev/loop", "/dev/root", "/dev/mem",
            "/dev/kmem", "/dev/port", "/dev/nbd", "/dev/rbd", "/dev/zd", "/dev/bcache", "/dev/sr", "/dev/fd0"};

    private static final Set<String> HARMLESS_DEVICES = Set.of("/dev/null", "/dev/zero", "/dev/stdout",
            "/dev/stderr", "/dev/stdin", "/dev/tty", "/dev/random", "/dev/urandom", "/dev/full", "/dev/console");

    private static final Set<String> STARTUP_FILES = Set.of(".bashrc", ".bash_profile", ".bash_login", ".profile",
            ".zshrc", ".zprofile", ".zshenv", ".bash_logout", "authorized_keys", "authorized_keys2", ".netrc",
            ".gitconfig", "sudoers", ".pam_environment");

    private SystemPaths() {}

    /**
     * The normalised absolute form of a path word, or null when it cannot be known (a variable, or a
     * relative path with the working directory unknown). {@code $HOME}, {@code ${HOME}} and {@code ~} map to {@code ~}.
     */
    static String absolute(String text, boolean dynamic, String cwd) {
        String path = text;
        for (var home : new String[] {"${HOME}", "$HOME"}) {
            if (path.startsWith(home) && (path.length() == home.length() || path.charAt(home.length()) == '/')) {
                path = "~" + path.substring(home.length());
                break;
            }
        }
        if (path.indexOf('$') >= 0 || path.indexOf('`') >= 0 || dynamic && !path.startsWith("~")) return null;
        if (path.startsWith("~")) {
            int slash = path.indexOf('/');
            var user = slash < 0 ? path : path.substring(0, slash);
            return normalise(slash < 0 ? "" : path.substring(slash), user);
        }
        if (path.startsWith("/")) return normalise(path, "");
        if (cwd == null || path.isEmpty()) return null;
        return absolute(cwd.equals("/") ? "/" + path : cwd + "/" + path, false, null);
    }

    private static String normalise(String path, String root) {
        var parts = new ArrayList<String>();
        var anchor = root;
        for (var part : path.split("/", -1)) {
            if (part.isEmpty() || part.equals(".")) continue;
            if (part.equals("..")) {
                if (!parts.isEmpty()) {
                    parts.removeLast();
                } else if (!anchor.isEmpty()) {
                    anchor = "";
                    parts.add("home");
                }
                continue;
            }
            parts.add(part);
        }
        var out = new StringBuilder(anchor);
        for (var part : parts) out.append('/').append(part);
        return out.isEmpty() ? "/" : out.toString();
    }

    /** The path itself, everything in it, or a glob that could name one of the system's top trees. */
    static boolean isCriticalTree(String abs) {
        if (abs == null) return false;
        if (CRITICAL_TREES.contains(abs) || abs.startsWith("~") && abs.indexOf('/') < 0) return true;
        if (!hasGlob(abs)) return false;
        for (var tree : CRITICAL_TREES) {
            if (Glob.matches(abs, tree)) return true;
        }
        int slash = abs.lastIndexOf('/');
        if (slash < 0 || !wildcardOnly(abs.substring(slash + 1))) return false;
        var parent = slash == 0 ? "/" : abs.substring(0, slash);
        return isCriticalTree(parent);
    }

    /** {@code /etc/*}: the last component matches everything in its directory. */
    static boolean isEverythingIn(String abs) {
        int slash = abs == null ? -1 : abs.lastIndexOf('/');
        return slash >= 0 && wildcardOnly(abs.substring(slash + 1)) && hasGlob(abs.substring(slash + 1));
    }

    static boolean isSystemPath(String abs) {
        if (abs == null) return false;
        for (var prefix : SYSTEM_PREFIXES) {
            if (abs.equals(prefix) || abs.startsWith(prefix + "/")) return true;
        }
        return abs.startsWith("/lib") || abs.equals("/");
    }

    static boolean isDisk(String abs) {
        if (abs == null) return false;
        for (var prefix : DISK_PREFIXES) {
            if (abs.startsWith(prefix)) return true;
        }
        return false;
    }

    static boolean isHarmlessDevice(String abs) {
        return abs != null && (HARMLESS_DEVICES.contains(abs) || abs.startsWith("/dev/fd/")
                || abs.startsWith("/dev/pts/") || abs.startsWith("/proc/self/fd/"));
    }

    static boolean isNetwork(String abs) {
        return abs != null && (abs.startsWith("/dev/tcp/") || abs.startsWith("/dev/udp/"));
    }

    /** Files that change how later logins and shells behave, or who may log in. */
    static boolean isStartupFile(String abs) {
        if (abs == null) return false;
        var name = abs.substring(abs.lastIndexOf('/') + 1);
        return STARTUP_FILES.contains(name) || abs.contains("/.ssh/") || abs.contains("/cron");
    }

    static boolean hasGlob(String s) {
        return s.indexOf('*') >= 0 || s.indexOf('?') >= 0 || s.indexOf('[') >= 0;
    }

    private static boolean wildcardOnly(String component) {
        if (component.isEmpty()) return false;
        for (int i = 0; i < component.length(); i++) {
            if (Character.isLetterOrDigit(component.charAt(i))) return false;
        }
        return hasGlob(component);
    }

    /** Shell pattern matching ({@code *}, {@code ?}, {@code [...]}) where wildcards never match {@code /}. */
    static final class Glob {
        private Glob() {}

        static boolean matches(String pattern, String text) {
            return match(pattern, 0, text, 0);
        }

        private static boolean match(String p, int pi, String t, int ti) {
            while (pi < p.length()) {
                char c = p.charAt(pi);
                if (c == '*') {
                    while (pi < p.length() && p.charAt(pi) == '*') pi++;
                    if (pi == p.length()) return t.indexOf('/', ti) < 0;
                    for (int k = ti; k <= t.length(); k++) {
                        if (match(p, pi, t, k)) return true;
                        if (k < t.length() && t.charAt(k) == '/') return false;
                    }
                    return false;
                }
                if (ti >= t.length()) return false;
                char x = t.charAt(ti);
                if (c == '?') {
                    if (x == '/') return false;
                } else if (c == '[') {
                    int close = p.indexOf(']', pi + 2);
                    if (close < 0) {
                        if (x != c) return false;
                    } else {
                        if (!inClass(p.substring(pi + 1, close), x)) return false;
                        pi = close;
                    }
                } else if (c != x) {
                    return false;
                }
                pi++;
                ti++;
            }
            return ti == t.length();
        }

        private static boolean inClass(String cls, char x) {
            boolean negate = !cls.isEmpty() && (cls.charAt(0) == '!' || cls.charAt(0) == '^');
            int i = negate ? 1 : 0;
            boolean found = false;
            for (; i < cls.length(); i++) {
                if (i + 2 < cls.length() && cls.charAt(i + 1) == '-') {
                    if (x >= cls.charAt(i) && x <= cls.charAt(i + 2)) found = true;
                    i += 2;
                } else if (cls.charAt(i) == x) {
                    found = true;
                }
            }
            return found != negate && x != '/';
        }
    }
}
