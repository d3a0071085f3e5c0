package dev.warden.sandbox;

import java.nio.charset.StandardCharsets;

/**
 * What was kept of one output stream. Within the cap everything is kept; beyond it, the first
 * half and the last half of the cap are kept and the middle is dropped, because the start of an
 * output says what ran and the end usually says how it ended (the error, the summary).
 *
 * @param head       the first bytes
 * @param tail       the last bytes, following {@code head} directly when nothing was dropped
 * @param totalBytes how many bytes the process wrote in all
 */
public record CapturedOutput(byte[] head, byte[] tail, long totalBytes) {

    public static final CapturedOutput EMPTY = new CapturedOutput(new byte[0], new byte[0], 0);

    public long droppedBytes() {
        return totalBytes - head.length - tail.length;
    }

    /**
     * The output as UTF-8 (malformed bytes replaced). When bytes were dropped a marker line stands
     * where they were, and characters cut in half at either edge are left out rather than mangled.
     */
    public String text() {
        if (droppedBytes() == 0) {
            var all = new byte[head.length + tail.length];
            System.arraycopy(head, 0, all, 0, head.length);
            System.arraycopy(tail, 0, all, head.length, tail.length);
            return new String(all, StandardCharsets.UTF_8);
        }
        int headEnd = completePrefix(head);
        int tailStart = firstCharStart(tail);
        long dropped = droppedBytes() + (head.length - headEnd) + tailStart;
        return new String(head, 0, headEnd, StandardCharsets.UTF_8)
                + "\n[... " + dropped + " bytes dropped ...]\n"
                + new String(tail, tailStart, tail.length - tailStart, StandardCharsets.UTF_8);
    }

    /** Length of {@code bytes} without a trailing, incomplete UTF-8 sequence. */
    public static int completePrefix(byte[] bytes) {
        int n = bytes.length;
        for (int i = n - 1; i >= Math.max(0, n - 4); i--) {
            int b = bytes[i] & 0xFF;
            if ((b & 0xC0) == 0x80) continue;
            int need = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            return i + need > n ? i : n;
        }
        return n;
    }

    /** Index of the first byte that is not a UTF-8 continuation byte (at most 3 are skipped). */
    public static int firstCharStart(byte[] bytes) {
        int i = 0;
        while (i < bytes.length && i < 3 && (bytes[i] & 0xC0) == 0x80) i++;
        return i;
    }
}
