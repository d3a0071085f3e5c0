package dev.warden.policy;

import java.util.ArrayDeque;
import java.util.List;

/**
 * Paths as the caller wrote them, with {@code .}, {@code ..} and repeated slashes resolved on the
 * text alone. Policy rules see paths before the path jail resolves symlinks, so that
 * {@code /tmp/../etc/passwd} is still recognised as a path under {@code /etc}.
 */
final class LexicalPath {
    private LexicalPath() {}

    static String normalize(String path) {
        if (path.isEmpty() || isNormal(path)) return path;
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
        return within(normalize(path), normalize(dir));
    }

    /** True when {@code path} is one of {@code dirs} or lies below one of them. */
    static boolean underAny(String path, List<?> dirs) {
        var p = normalize(path);
        for (var dir : dirs) {
            if (within(p, normalize(String.valueOf(dir)))) return true;
        }
        return false;
    }

    /** True when one of the path's components is exactly {@code name}, e.g. {@code .ssh} in {@code /home/ann/.ssh/id_rsa}. */
    static boolean hasSegment(String path, String name) {
        var p = normalize(path);
        int from = 0;
        while (from <= p.length()) {
            int slash = p.indexOf('/', from);
            int end = slash < 0 ? p.length() : slash;
            if (end - from == name.length() && p.regionMatches(from, name, 0, name.length())) return true;
            if (slash < 0) return false;
            from = slash + 1;
        }
        return false;
    }

    private static boolean within(String p, String d) {
        if (d.equals("/")) return p.startsWith("/");
        return p.startsWith(d) && (p.length() == d.length() || p.charAt(d.length()) == '/');
    }

    /** Already normal: no empty, "." or ".." component and no trailing slash. Most paths are, and skip the rebuild. */
    private static boolean isNormal(String path) {
        if (path.equals("/")) return true;
        if (path.endsWith("/")) return false;
        int start = path.startsWith("/") ? 1 : 0;
        while (start <= path.length()) {
            int slash = path.indexOf('/', start);
            int end = slash < 0 ? path.length() : slash;
            int length = end - start;
            if (length == 0) return false;
            if (path.charAt(start) == '.' && (length == 1 || (length == 2 && path.charAt(start + 1) == '.'))) return false;
            if (slash < 0) return true;
            start = slash + 1;
        }
        return true;
    }
}
