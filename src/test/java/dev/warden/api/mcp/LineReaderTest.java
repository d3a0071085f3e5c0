package dev.warden.api.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineReaderTest {

    @Test
    void splitsOnNewlinesDropsCarriageReturnsAndKeepsALastLineWithoutNewline() throws IOException {
        assertThat(lines(stream("one\ntwo\r\n\nthree"), 100)).containsExactly("one", "two", "", "three");
    }

    @Test
    void joinsALineThatArrivesInPiecesAndDecodesMultiByteCharactersAcrossThem() throws IOException {
        // One byte per read: every line, and the 3-byte euro sign, spans many reads.
        assertThat(lines(trickle(stream("größe €5\n{\"a\":1}\n")), 100)).containsExactly("größe €5", "{\"a\":1}");
    }

    @Test
    void reportsALineOverTheLimitOnceAndGoesOnWithTheNext() throws IOException {
        var text = "short\n" + "x".repeat(50) + "\nafter\n" + "y".repeat(11) + "\n" + "z".repeat(10) + "\n";
        assertThat(lines(stream(text), 10)).containsExactly("short", LineReader.TOO_LONG, "after", LineReader.TOO_LONG,
                "z".repeat(10));
        assertThat(lines(trickle(stream(text)), 10)).containsExactly("short", LineReader.TOO_LONG, "after",
                LineReader.TOO_LONG, "z".repeat(10));
    }

    @Test
    void anEmptyStreamHasNoLines() throws IOException {
        assertThat(new LineReader(stream(""), 10).next()).isNull();
    }

    private static List<String> lines(InputStream in, int max) throws IOException {
        var reader = new LineReader(in, max);
        var lines = new ArrayList<String>();
        for (var line = reader.next(); line != null; line = reader.next()) lines.add(line);
        return lines;
    }

    private static InputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    private static InputStream trickle(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, 1));
            }
        };
    }
}
