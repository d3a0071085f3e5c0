package dev.warden.policy;

import java.util.ArrayDeque;

/**
 * Paths as the caller wrote them, with {@code .}, {@code ..} and repeated slashes resolved on the
 * text alone. Policy rules see paths before the path jail resolves symlinks, so that
 * {@code /tmp/../etc/passwd} is still recognised as a path under {@code /etc}.
 */
final class LexicalPath {
    private LexicalPath() {}

    static String normalize(String path) {
        if (path.isEmpty()) return path;
        var absolute = path.startsWith("/");
        var parts = new ArrayDeque<String>();
        for (var part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) continue;
            if (part.equals("..")) {
                if (!parts.isEmpty() && !parts.peekLast().equals("..")) parts.removeLast();
                else if (!absolute) parts.addLast(part);
                // ".." above the root stays at the root, as the kernel does
            } else {
                parts.addLast(part);
            }
        }
        var joined = String.join("/", parts);
        if (absolute) return "/" + joined;
        return joined.isEmpty() ? "." : joined;
    }

    /** True when {@code path} is {@code dir} itself or lies below it. */
    static boolean under(String path, String dir) {
        var p = normalize(path);
        var d = normalize(dir);
        if (d.equals("/")) return p.startsWith("/");
        return p.equals(d) || p.startsWith(d + "/");
    }
}
