package dev.warden.actions.fs;

import java.util.ArrayList;
import java.util.List;

/**
 * A unified diff of two texts, line by line, for previews and edit results. The common head and
 * tail are cut off first; the changed middle is aligned by a longest-common-subsequence table when
 * it is small enough, and otherwise shown as one replaced block, so a huge file never costs more
 * than a bounded amount of time and memory. The rendered diff is capped in length too.
 */
public final class TextDiff {
    private static final int CONTEXT = 3;
    private static final long MAX_TABLE_CELLS = 4_000_000;
    static final int MAX_CHARS = 64 * 1024;

    private record Op(char kind, String line) {}

    private TextDiff() {}

    /** The unified diff from {@code before} to {@code after}, empty when they are equal. */
    public static String unified(String path, String before, String after) {
        if (before.equals(after)) return "";
        var a = lines(before);
        var b = lines(after);
        int head = 0;
        while (head < a.size() && head < b.size() && a.get(head).equals(b.get(head))) head++;
        int tail = 0;
        while (tail < a.size() - head && tail < b.size() - head
                && a.get(a.size() - 1 - tail).equals(b.get(b.size() - 1 - tail))) tail++;
        var ops = new ArrayList<Op>();
        for (int i = 0; i < head; i++) ops.add(new Op(' ', a.get(i)));
        align(a.subList(head, a.size() - tail), b.subList(head, b.size() - tail), ops);
        for (int i = a.size() - tail; i < a.size(); i++) ops.add(new Op(' ', a.get(i)));
        return render(path, ops);
    }

    private static List<String> lines(String text) {
        var list = new ArrayList<>(List.of(text.split("\n", -1)));
        // A final newline ends the last line rather than starting an empty one.
        if (!list.isEmpty() && list.getLast().isEmpty()) list.removeLast();
        return list;
    }

    private static void align(List<String> a, List<String> b, List<Op> ops) {
        int n = a.size(), m = b.size();
        if ((long) (n + 1) * (m + 1) > MAX_TABLE_CELLS) {
            a.forEach(l -> ops.add(new Op('-', l)));
            b.forEach(l -> ops.add(new Op('+', l)));
            return;
        }
        var lcs = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        int i = 0, j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && a.get(i).equals(b.get(j))) {
                ops.add(new Op(' ', a.get(i++)));
                j++;
            } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
                ops.add(new Op('-', a.get(i++)));
            } else {
                ops.add(new Op('+', b.get(j++)));
            }
        }
    }

    private static String render(String path, List<Op> ops) {
        var name = path.startsWith("/") ? path : "/" + path;
        var out = new StringBuilder("--- a").append(name).append("\n+++ b").append(name).append('\n');
        int k = 0;
        while (k < ops.size()) {
            while (k < ops.size() && ops.get(k).kind() == ' ') k++;
            if (k == ops.size()) break;
            int start = Math.max(0, k - CONTEXT);
            // Extend the hunk while the next change is within two contexts' reach.
            int end = k;
            int lastChange = k;
            while (end < ops.size() && end - lastChange <= 2 * CONTEXT) {
                if (ops.get(end).kind() != ' ') lastChange = end;
                end++;
            }
            end = Math.min(ops.size(), lastChange + CONTEXT + 1);
            int oldStart = 1, newStart = 1;
            for (int x = 0; x < start; x++) {
                if (ops.get(x).kind() != '+') oldStart++;
                if (ops.get(x).kind() != '-') newStart++;
            }
            int oldLen = 0, newLen = 0;
            for (int x = start; x < end; x++) {
                if (ops.get(x).kind() != '+') oldLen++;
                if (ops.get(x).kind() != '-') newLen++;
            }
            out.append("@@ -").append(oldLen == 0 ? oldStart - 1 : oldStart).append(',').append(oldLen)
                    .append(" +").append(newLen == 0 ? newStart - 1 : newStart).append(',').append(newLen).append(" @@\n");
            for (int x = start; x < end; x++) out.append(ops.get(x).kind()).append(ops.get(x).line()).append('\n');
            if (out.length() > MAX_CHARS) {
                out.setLength(MAX_CHARS);
                out.append("\n... diff truncated at ").append(MAX_CHARS).append(" characters\n");
                return out.toString();
            }
            k = end;
        }
        return out.toString();
    }
}
