package dev.warden.api.mcp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;

/**
 * The stdio transport's input, one newline-delimited JSON-RPC message at a time, each passed
 * through {@code filter} before the SDK reads it; a message the filter maps to null is dropped.
 */
final class MessageLines extends InputStream {
    private final BufferedReader lines;
    private final UnaryOperator<String> filter;
    private byte[] current = new byte[0];
    private int next;

    MessageLines(InputStream in, UnaryOperator<String> filter) {
        this.lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        this.filter = filter;
    }

    @Override
    public int read() throws IOException {
        if (!fill()) return -1;
        return current[next++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        if (!fill()) return -1;
        int n = Math.min(len, current.length - next);
        System.arraycopy(current, next, b, off, n);
        next += n;
        return n;
    }

    /** Makes sure bytes are waiting; false at the end of the input. */
    private boolean fill() throws IOException {
        while (next >= current.length) {
            var line = lines.readLine();
            if (line == null) return false;
            var passed = line.isBlank() ? line : filter.apply(line);
            if (passed == null) continue;
            current = (passed + "\n").getBytes(StandardCharsets.UTF_8);
            next = 0;
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        lines.close();
    }
}
