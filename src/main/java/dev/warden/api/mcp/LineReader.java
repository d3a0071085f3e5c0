package dev.warden.api.mcp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Newline-delimited UTF-8 lines from a stream, each at most {@code maxBytes} long. Works on bytes
 * (a newline byte never occurs inside a multi-byte UTF-8 sequence) and decodes each line once. A
 * longer line is read past, not kept, and reported as {@link #TOO_LONG}, so a runaway client costs
 * no more memory than the limit.
 */
final class LineReader {
    /** Returned, by identity, in place of a line longer than the limit. */
    static final String TOO_LONG = new String("<line too long>");

    private final InputStream in;
    private final int maxBytes;
    private final byte[] buffer = new byte[64 * 1024];
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private int position;
    private int limit;

    LineReader(InputStream in, int maxBytes) {
        this.in = in;
        this.maxBytes = maxBytes;
    }

    /** The next line without its line break (a trailing CR is dropped too), or null at the end. */
    String next() throws IOException {
        partial.reset();
        boolean tooLong = false;
        while (true) {
            if (position == limit) {
                int n = in.read(buffer);
                if (n < 0) {
                    // The last line may lack its newline.
                    if (tooLong) return TOO_LONG;
                    return partial.size() == 0 ? null : decode(partial.toByteArray(), partial.size());
                }
                position = 0;
                limit = n;
            }
            int newline = indexOfNewline();
            int end = newline < 0 ? limit : newline;
            int length = end - position;
            if (!tooLong && partial.size() + length > maxBytes) {
                tooLong = true;
                partial.reset();
            }
            if (newline >= 0 && partial.size() == 0 && !tooLong) {
                // The common case: the whole line is in the buffer.
                var line = decode(buffer, position, length);
                position = newline + 1;
                return line;
            }
            if (!tooLong) partial.write(buffer, position, length);
            position = newline < 0 ? limit : newline + 1;
            if (newline >= 0) return tooLong ? TOO_LONG : decode(partial.toByteArray(), partial.size());
        }
    }

    private int indexOfNewline() {
        for (int i = position; i < limit; i++) {
            if (buffer[i] == '\n') return i;
        }
        return -1;
    }

    private static String decode(byte[] bytes, int length) {
        return decode(bytes, 0, length);
    }

    private static String decode(byte[] bytes, int offset, int length) {
        if (length > 0 && bytes[offset + length - 1] == '\r') length--;
        return new String(bytes, offset, length, StandardCharsets.UTF_8);
    }
}
