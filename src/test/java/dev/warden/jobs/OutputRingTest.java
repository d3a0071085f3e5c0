package dev.warden.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OutputRingTest {

    private static void append(OutputRing ring, String text) {
        var bytes = text.getBytes(StandardCharsets.UTF_8);
        ring.append(bytes, 0, bytes.length);
    }

    private static String text(OutputSlice slice) {
        return slice.text().data();
    }

    @Test
    void offsetsAreAbsoluteAndReadsResumeWhereTheyStopped() {
        var ring = new OutputRing(1024);
        append(ring, "hello ");
        append(ring, "world\n");
        var first = ring.read(0, 5);
        assertThat(text(first)).isEqualTo("hello");
        assertThat(first.text().nextOffset()).isEqualTo(5);
        assertThat(first.hasMore()).isTrue();
        var rest = ring.read(first.text().nextOffset(), 100);
        assertThat(text(rest)).isEqualTo(" world\n");
        assertThat(rest.endOffset()).isEqualTo(12);
        assertThat(rest.droppedBytes()).isZero();
        assertThat(ring.read(12, 100).bytes()).isEmpty();
    }

    @Test
    void overflowDropsTheOldestBytesAndSaysHowMany() {
        var ring = new OutputRing(10);
        append(ring, "0123456789");
        append(ring, "abcde");
        assertThat(ring.start()).isEqualTo(5);
        assertThat(ring.end()).isEqualTo(15);
        var slice = ring.read(0, 100);
        assertThat(text(slice)).isEqualTo("56789abcde");
        assertThat(slice.offset()).isEqualTo(5);
        assertThat(slice.droppedBytes()).isEqualTo(5);
        assertThat(slice.firstOffset()).isEqualTo(5);
        // One write larger than the ring keeps its newest bytes, and the offsets still count all of them.
        append(ring, "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
        assertThat(ring.end()).isEqualTo(41);
        assertThat(text(ring.read(0, 100))).isEqualTo("QRSTUVWXYZ");
        assertThat(text(ring.read(34, 3))).isEqualTo("TUV");
    }

    @Test
    void theBufferGrowsWithTheOutputAndWrapsOnceFull() {
        var ring = new OutputRing(10_000);
        var expected = new StringBuilder();
        for (int i = 0; i < 3_000; i++) {
            var line = i + "\n";
            append(ring, line);
            expected.append(line);
        }
        var all = expected.toString();
        var kept = all.substring(all.length() - 10_000);
        assertThat(text(ring.read(0, 20_000))).isEqualTo(kept);
        assertThat(ring.start()).isEqualTo(all.length() - 10_000);
    }

    @Test
    void tailLinesStartsAtTheRightLine() {
        var ring = new OutputRing(1024);
        append(ring, "one\ntwo\nthree\nfour\n");
        assertThat(text(ring.read(ring.lineStart(2), 100))).isEqualTo("three\nfour\n");
        assertThat(text(ring.read(ring.lineStart(10), 100))).isEqualTo("one\ntwo\nthree\nfour\n");
        append(ring, "partial");
        assertThat(text(ring.read(ring.lineStart(1), 100))).isEqualTo("partial");
        assertThat(text(ring.read(ring.lineStart(2), 100))).isEqualTo("four\npartial");
    }

    @Test
    void aCharacterSplitAcrossReadsIsNeverMangled() {
        var ring = new OutputRing(1024);
        append(ring, "añb€c");
        var whole = new StringBuilder();
        long next = 0;
        for (int i = 0; i < 20 && next < ring.end(); i++) {
            var text = ring.read(next, 4).text();
            whole.append(text.data());
            next = text.nextOffset();
        }
        assertThat(whole.toString()).isEqualTo("añb€c");
        // A read that lands inside a character skips its remaining bytes.
        assertThat(text(ring.read(2, 100))).isEqualTo("b€c");
    }

    @Test
    void aWaitingReaderWakesForNewOutputAndWhenTheRingCloses() throws Exception {
        var ring = new OutputRing(1024);
        var waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return ring.awaitBeyond(0, Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(100);
        assertThat(waiting).isNotDone();
        append(ring, "x");
        assertThat(waiting.get(5, TimeUnit.SECONDS)).isTrue();

        var closing = CompletableFuture.supplyAsync(() -> {
            try {
                return ring.awaitBeyond(1, Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(100);
        ring.close();
        assertThat(closing.get(5, TimeUnit.SECONDS)).isFalse();
        assertThat(ring.read(0, 10).complete()).isTrue();
    }
}
