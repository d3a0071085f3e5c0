package dev.warden.engine;

import static dev.warden.engine.EngineFixture.ADMIN;
import static dev.warden.engine.EngineFixture.OPERATOR;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.identity.Principal;
import dev.warden.identity.Role;
import dev.warden.json.Json;
import dev.warden.policy.Policy;
import dev.warden.policy.PolicyProblem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The policy's rate limits, daily budget and execution windows, through a real engine on a clock the test moves. */
class LimitsTest {
    static final String POLICY = """
            version: 1
            limits:
              - match: 'fs.write'
                perMinute: 2
              - match: 'fs.*'
                perHour: 100
                per: project
            budgets:
              daily: 10
              costs: {'fs.mkdir': 4, '*': 1}
            windows:
              - match: 'fs.delete'
                days: Mon-Fri
                hours: '09:00-17:00'
                zone: Europe/Berlin
            """;
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @TempDir
    Path temp;

    EngineFixture w;

    @BeforeEach
    void open() {
        w = new EngineFixture(temp, POLICY);
        // Start every test on a Wednesday at 10:00 in Berlin, inside the window.
        moveTo(ZonedDateTime.ofInstant(w.clock.instant(), BERLIN).with(TemporalAdjusters.next(DayOfWeek.WEDNESDAY))
                .withHour(10).withMinute(0).withSecond(0).withNano(0));
    }

    @AfterEach
    void close() {
        w.close();
    }

    private void moveTo(ZonedDateTime when) {
        w.clock.advance(Duration.between(w.clock.instant(), when.toInstant()));
    }

    private Outcome write(Principal who, String name) {
        return w.submit("fs.write", who, "{\"path\":\"" + name + "\",\"content\":\"x\"}");
    }

    @Test
    void aRateLimitRefusesWithWhenToRetryAndRefillsWithTime() {
        assertThat(write(OPERATOR, "a")).isInstanceOf(Outcome.Done.class);
        assertThat(write(OPERATOR, "b")).isInstanceOf(Outcome.Done.class);
        var limited = (Outcome.Limited) write(OPERATOR, "c");
        assertThat(limited.code()).isEqualTo("rate_limited");
        assertThat(limited.hint()).contains("Retry-After");
        assertThat(Duration.between(w.clock.instant(), limited.retryAt())).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(60));
        assertThat(w.root.resolve("c")).doesNotExist();
        var record = w.record(limited.auditSeq());
        assertThat(record.outcome()).isEqualTo("limited");
        assertThat(record.code()).isEqualTo("rate_limited");

        // Someone else has their own bucket; a simulation spends nothing.
        var other = new Principal("tok_x", "xavier", Role.OPERATOR, "default", Principal.Kind.TOKEN, List.of());
        assertThat(write(other, "d")).isInstanceOf(Outcome.Done.class);
        assertThat(w.simulate("fs.write", OPERATOR, "{\"path\":\"e\",\"content\":\"x\"}")).isInstanceOf(Outcome.Done.class);

        w.clock.advance(Duration.ofSeconds(31));
        assertThat(write(OPERATOR, "c")).isInstanceOf(Outcome.Done.class);
    }

    @Test
    void theDailyBudgetIsSpentByCostAndRenewsTheNextDay() {
        assertThat(w.submit("fs.mkdir", OPERATOR, "{\"path\":\"d1\"}")).isInstanceOf(Outcome.Done.class);
        assertThat(w.submit("fs.mkdir", OPERATOR, "{\"path\":\"d2\"}")).isInstanceOf(Outcome.Done.class);
        var over = (Outcome.Limited) w.submit("fs.mkdir", OPERATOR, "{\"path\":\"d3\"}");
        assertThat(over.code()).isEqualTo("budget_exhausted");
        assertThat(over.detail()).contains("costs 4");
        assertThat(w.root.resolve("d3")).doesNotExist();
        // 8 of 10 spent: two cheap calls still fit, the third does not.
        assertThat(w.submit("fs.stat", OPERATOR, "{\"path\":\".\"}")).isInstanceOf(Outcome.Done.class);
        assertThat(w.submit("fs.stat", OPERATOR, "{\"path\":\".\"}")).isInstanceOf(Outcome.Done.class);
        assertThat(w.submit("fs.stat", OPERATOR, "{\"path\":\".\"}")).isInstanceOf(Outcome.Limited.class);
        assertThat(w.submit("fs.stat", ADMIN, "{\"path\":\".\"}")).as("another principal's budget").isInstanceOf(Outcome.Done.class);

        w.clock.advance(Duration.ofDays(1));
        assertThat(w.submit("fs.mkdir", OPERATOR, "{\"path\":\"d3\"}")).isInstanceOf(Outcome.Done.class);
    }

    @Test
    void outsideItsWindowAnActionIsRefusedWithWhenTheWindowOpens() throws Exception {
        Files.writeString(w.root.resolve("f.txt"), "f");
        moveTo(ZonedDateTime.ofInstant(w.clock.instant(), BERLIN).with(TemporalAdjusters.next(DayOfWeek.SATURDAY)).withHour(12));
        var closed = (Outcome.Limited) w.submit("fs.delete", ADMIN, "{\"path\":\"f.txt\"}");
        assertThat(closed.code()).isEqualTo("outside_window");
        var opens = ZonedDateTime.ofInstant(closed.retryAt(), BERLIN);
        assertThat(opens.getDayOfWeek()).isEqualTo(DayOfWeek.MONDAY);
        assertThat(opens.getHour()).isEqualTo(9);
        assertThat(closed.hint()).contains(opens.toOffsetDateTime().toString());
        assertThat(w.root.resolve("f.txt")).exists();
        // Other actions are not covered by the window.
        assertThat(w.submit("fs.stat", ADMIN, "{\"path\":\"f.txt\"}")).isInstanceOf(Outcome.Done.class);

        moveTo(opens.plusMinutes(1));
        assertThat(w.submit("fs.delete", ADMIN, "{\"path\":\"f.txt\"}")).isInstanceOf(Outcome.Done.class);
        moveTo(opens.withHour(17));
        Files.writeString(w.root.resolve("f.txt"), "again");
        assertThat(w.submit("fs.delete", ADMIN, "{\"path\":\"f.txt\"}")).isInstanceOf(Outcome.Limited.class);
    }

    @Test
    void badLimitsAreReportedWithTheirLines() {
        var problems = Policy.validate("""
                version: 1
                limits:
                  - match: '*'
                budgets:
                  daily: lots
                windows:
                  - match: 'pkg.*'
                    days: Mon-Funday
                    hours: '17:00-09:00'
                    zone: Mars/Olympus
                """, "p.yaml");
        assertThat(problems).extracting(PolicyProblem::line).contains(3, 5, 8, 9, 10);
        assertThat(problems).anySatisfy(p -> assertThat(p.message()).contains("perMinute or perHour"));
        assertThat(problems).anySatisfy(p -> assertThat(p.message()).contains("time zone"));
    }
}
