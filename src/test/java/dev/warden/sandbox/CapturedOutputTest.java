package dev.warden.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CapturedOutputTest {

    private static CapturedOutput capture(byte[] bytes, int cap) {
        var capture = OutputCapture.start(new ByteArrayInputStream(bytes), cap, "test", () -> true);
        assertThat(capture.awaitEnd(Duration.ofSeconds(5))).isTrue();
        return capture.snapshot();
    }

    @Test
    void withinTheCapEverythingIsKept() {
        var text = "héllo wörld, a line that splits a character across head and tail: ü";
        var out = capture(text.getBytes(StandardCharsets.UTF_8), text.getBytes(StandardCharsets.UTF_8).length);

        assertThat(out.droppedBytes()).isZero();
        assertThat(out.text()).isEqualTo(text);
    }

    @Test
    void beyondTheCapTheMiddleIsDropped() {
        var bytes = "0123456789abcdefghij".getBytes(StandardCharsets.UTF_8);
        var out = capture(bytes, 8);

        assertThat(new String(out.head(), StandardCharsets.UTF_8)).isEqualTo("0123");
        assertThat(new String(out.tail(), StandardCharsets.UTF_8)).isEqualTo("ghij");
        assertThat(out.droppedBytes()).isEqualTo(12);
        assertThat(out.text()).isEqualTo("0123\n[... 12 bytes dropped ...]\nghij");
    }

    @Test
    void theTailRingKeepsTheLastBytesAcrossManyWrites() {
        var sb = new StringBuilder();
        for (int i = 0; i < 100_000; i++) sb.append(i).append('\n');
        var bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        var out = capture(bytes, 1000);

        var all = sb.toString();
        assertThat(new String(out.head(), StandardCharsets.UTF_8)).isEqualTo(all.substring(0, 500));
        assertThat(new String(out.tail(), StandardCharsets.UTF_8)).isEqualTo(all.substring(all.length() - 500));
        assertThat(out.totalBytes()).isEqualTo(bytes.length);
    }

    @Test
    void charactersCutAtTheEdgesAreLeftOutNotMangled() {
        // "aé" + 10 x + "éb": the cap of 4 cuts both é in half.
        var bytes = ("aé" + "x".repeat(10) + "éb").getBytes(StandardCharsets.UTF_8);
        var out = capture(bytes, 4);

        assertThat(out.text()).isEqualTo("a\n[... 14 bytes dropped ...]\nb").doesNotContain("\uFFFD");
    }

    @Test
    void aZeroCapKeepsNothingButCountsEverything() {
        var out = capture("abc".getBytes(StandardCharsets.UTF_8), 0);

        assertThat(out.droppedBytes()).isEqualTo(3);
        assertThat(out.head()).isEmpty();
        assertThat(out.tail()).isEmpty();
    }

    @Test
    void malformedBytesAreReplaced() {
        var out = capture(new byte[] {'o', 'k', (byte) 0xFF, '!'}, 100);

        assertThat(out.text()).isEqualTo("ok\uFFFD!");
    }
}
