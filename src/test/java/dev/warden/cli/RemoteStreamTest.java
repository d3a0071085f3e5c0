package dev.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** A turn's event stream that goes silent ends with a clear error instead of hanging the terminal. */
class RemoteStreamTest {
    /** Bytes handed out as a server would send them, then nothing until closed (a dead server, a cut network). */
    static final class Feed extends InputStream {
        private final LinkedBlockingQueue<Integer> bytes = new LinkedBlockingQueue<>();
        private final CountDownLatch closed = new CountDownLatch(1);

        void send(String text) {
            for (var b : text.getBytes(StandardCharsets.UTF_8)) bytes.add(b & 0xff);
        }

        @Override
        public int read() throws IOException {
            try {
                while (true) {
                    var next = bytes.poll(10, TimeUnit.MILLISECONDS);
                    if (next != null) return next;
                    if (closed.getCount() == 0) throw new IOException("closed");
                }
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            // One byte at a time, so a line arrives as soon as its bytes do.
            if (len == 0) return 0;
            b[off] = (byte) read();
            return 1;
        }

        @Override
        public void close() {
            closed.countDown();
        }
    }

    @Test
    void aStreamThatFallsSilentIsGivenUpWithTheReason() {
        var feed = new Feed();
        feed.send("event: text\ndata: {\"type\": \"text\", \"text\": \"thinking\"}\n\n");
        var events = new ArrayList<JsonNode>();
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> RemoteChat.read(feed, Duration.ofMillis(600), events::add))
                .isInstanceOf(IOException.class).hasMessageContaining("nothing came for 0.6 s");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(5));
        assertThat(events).singleElement().satisfies(e -> assertThat(e.path("text").asString()).isEqualTo("thinking"));
    }

    @Test
    void keepAlivesKeepASlowTurnGoingToItsEnd() throws Exception {
        // Keep-alives every 200 ms against a limit of 3 s: a stall of the machine far longer than
        // the pacing is tolerated, and the turn outlasts the limit, which it only can by its keep-alives.
        var silence = Duration.ofSeconds(3);
        var turn = silence.multipliedBy(3).dividedBy(2);
        var feed = new Feed();
        long t0 = System.nanoTime();
        var writer = Thread.ofVirtual().start(() -> {
            try {
                var end = System.nanoTime() + turn.toNanos();
                while (System.nanoTime() < end) {
                    feed.send(": keepalive\n\n");
                    Thread.sleep(200);
                }
                feed.send("event: done\ndata: {\"type\": \"done\", \"text\": \"finished\"}\n\n");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        var events = new ArrayList<JsonNode>();
        assertThat(RemoteChat.read(feed, silence, events::add)).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("the turn outlasted the silence limit").isGreaterThan(silence);
        writer.join();
        assertThat(events).singleElement().satisfies(e -> assertThat(e.path("type").asString()).isEqualTo("done"));
    }
}
