package dev.warden.api.mcp;

import dev.warden.testing.MovableClock;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.engine.Intent;
import dev.warden.engine.Origin;
import dev.warden.identity.Principal;
import dev.warden.json.Json;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class HeldIntentsTest {
    private final MovableClock clock = new MovableClock(Instant.parse("2026-11-05T10:00:00Z"));
    private final Intent intent = Intent.execute("fs.delete", Json.object().put("path", "a"), Principal.localAdmin("ann"), Origin.MCP);

    @Test
    void anIntentIsFoundUntilItsTokenExpires() {
        var held = new HeldIntents(10, clock);
        held.hold("t1", intent, clock.instant().plus(Duration.ofMinutes(5)));
        assertThat(held.find("t1")).contains(intent);
        assertThat(held.find("other")).isEmpty();

        clock.advance(Duration.ofMinutes(5));
        assertThat(held.find("t1")).isEmpty();
        assertThat(held.size()).isZero();
    }

    @Test
    void theOldestIntentGivesWayWhenFull() {
        var held = new HeldIntents(2, clock);
        var later = clock.instant().plus(Duration.ofMinutes(5));
        held.hold("t1", intent, later);
        held.hold("t2", intent, later);
        held.hold("t3", intent, later);
        assertThat(held.size()).isEqualTo(2);
        assertThat(held.find("t1")).isEmpty();
        assertThat(held.find("t2")).isPresent();
        assertThat(held.find("t3")).isPresent();
    }

}
