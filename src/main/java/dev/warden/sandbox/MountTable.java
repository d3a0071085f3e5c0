package dev.warden.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** The mounts this process sees, read from {@code /proc/self/mountinfo}. */
record MountTable(List<Mount> mounts) {

    /** One line of mountinfo: where it is mounted, the file system type, and its per-super-block options. */
    record Mount(Path point, String type, Set<String> superOptions) {}

    MountTable {
        mounts = List.copyOf(mounts);
    }

    static MountTable read() {
        try {
            return parse(Files.readAllLines(Path.of("/proc/self/mountinfo")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/self/mountinfo", e);
        }
    }

    static MountTable parse(List<String> lines) {
        var list = new ArrayList<Mount>();
        for (var line : lines) {
            var fields = line.split(" ");
            int dash = Arrays.asList(fields).indexOf("-");
            if (fields.length < 5 || dash < 0 || dash + 3 >= fields.length) continue;
            list.add(new Mount(Path.of(unescape(fields[4])), fields[dash + 1],
                    Set.of(fields[dash + 3].split(","))));
        }
        return new MountTable(list);
    }

    /** The distinct mount points, in table order (parents before the mounts on top of them). */
    List<Path> points() {
        return mounts.stream().map(Mount::point).distinct().toList();
    }

    /** mountinfo writes space, tab, newline and backslash as three-digit octal escapes. */
    static String unescape(String field) {
        if (field.indexOf('\\') < 0) return field;
        var out = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length()
                    && field.substring(i + 1, i + 4).chars().allMatch(d -> d >= '0' && d <= '7')) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
