package dev.warden.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * When a sample is shared and when a new one is read, on a time the test moves by hand: with the
 * real clock a busy machine can stretch the gap between two calls past the one second a sample is
 * kept, whatever the calls do.
 */
class SystemProbeTest {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    /** The wall clock sampledAt is read from, moved by the same hand. */
    private final Clock clock = new Clock() {
        @Override
        public Instant instant() {
            return Instant.EPOCH.plusNanos(nanos.get());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    };
    private final SystemProbe probe = new SystemProbe(clock, nanos::get);

    @Test
    void samplesLessThanASecondApartShareOneReadingAndLaterOnesCompareWithIt() {
        var first = probe.sample();

        // Many watchers cost one sample.
        nanos.addAndGet(999_000_000L);
        assertThat(probe.sample()).isEqualTo(first);

        // A second on, a new reading, whose rates are over the time since the shared one (no new baseline).
        nanos.addAndGet(2_000_000L);
        var next = probe.sample();
        assertThat(next.path("sampledAt").asString()).isNotEqualTo(first.path("sampledAt").asString());
        assertThat(next.path("intervalSeconds").asDouble()).isEqualTo(1.001);
    }
}
