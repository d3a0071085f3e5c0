package dev.warden.engine;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.warden.identity.Principal;
import dev.warden.policy.Limits;
import dev.warden.store.Database;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * The limits stage: execution windows (checked before anyone is asked to confirm), then rate limits
 * and the daily budget (spent only by an intent that is about to run). Rate limits are token buckets
 * in memory (Bucket4j, on the engine's clock); budgets are counted in the database, so they hold
 * across restarts and across the server and the CLI on one data dir.
 */
final class Limiter {
    /** Why an intent may not run now, and when it may. */
    record Refusal(String code, String detail, String hint, Instant retryAt) {}

    private record BucketKey(Limits.RateLimit limit, String scope) {}

    private final Database db;
    private final Clock clock;
    private final Cache<BucketKey, Bucket> buckets = Caffeine.newBuilder().expireAfterAccess(Duration.ofHours(2))
            .maximumSize(100_000).build();
    private final TimeMeter time;

    Limiter(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
        this.time = new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                var now = clock.instant();
                return now.getEpochSecond() * 1_000_000_000L + now.getNano();
            }

            @Override
            public boolean isWallClockBased() {
                return true;
            }
        };
    }

    /** Refused when a window covers the action and now is outside it; says when it next opens. */
    Optional<Refusal> window(Limits limits, String actionId) {
        for (var w : limits.windows()) {
            if (!Limits.matches(w.match(), actionId)) continue;
            var now = ZonedDateTime.ofInstant(clock.instant(), w.zone());
            if (inside(w, now)) continue;
            var opens = nextOpening(w, now);
            return Optional.of(new Refusal("outside_window",
                    actionId + " may run only " + describe(w) + "; it is now " + now.toLocalDateTime().withNano(0) + " there.",
                    "Try again after " + opens.toOffsetDateTime() + ", or ask an admin to run it.", opens.toInstant()));
        }
        return Optional.empty();
    }

    /** Takes one token from every matching rate limit and the action's cost from the budget. */
    Optional<Refusal> consume(Limits limits, Principal principal, String actionId) {
        for (var limit : limits.rates()) {
            if (!Limits.matches(limit.match(), actionId)) continue;
            var scope = limit.per() == Limits.Scope.PROJECT ? "project:" + principal.project() : "principal:" + principal.id();
            var bucket = buckets.get(new BucketKey(limit, scope), k -> build(limit));
            var probe = bucket.tryConsumeAndReturnRemaining(1);
            if (!probe.isConsumed()) {
                var wait = Duration.ofNanos(probe.getNanosToWaitForRefill());
                var seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
                return Optional.of(new Refusal("rate_limited",
                        "The rate limit for " + limit.match() + " (" + rate(limit) + " per " + limit.per().name().toLowerCase(java.util.Locale.ROOT)
                                + ") is used up.",
                        "Wait " + seconds + " s (Retry-After) and send it again; batch work into fewer calls if you can.",
                        clock.instant().plusSeconds(seconds)));
            }
        }
        var budget = limits.budget();
        if (budget != null) {
            var cost = budget.costOf(actionId);
            var scope = budget.per() == Limits.Scope.PROJECT ? "project:" + principal.project() : "principal:" + principal.id();
            var today = LocalDate.ofInstant(clock.instant(), budget.zone());
            if (!spend(scope, today.toString(), cost, budget.daily())) {
                var tomorrow = today.plusDays(1).atStartOfDay(budget.zone());
                return Optional.of(new Refusal("budget_exhausted",
                        "Today's budget of " + budget.daily() + " cost units is spent; " + actionId + " costs " + cost + ".",
                        "The budget renews at " + tomorrow.toOffsetDateTime() + "; an admin can raise budgets.daily in the policy.",
                        tomorrow.toInstant()));
            }
        }
        return Optional.empty();
    }

    private Bucket build(Limits.RateLimit limit) {
        var builder = Bucket.builder().withCustomTimePrecision(time);
        if (limit.perMinute() > 0) {
            builder.addLimit(b -> b.capacity(limit.perMinute()).refillGreedy(limit.perMinute(), Duration.ofMinutes(1)));
        }
        if (limit.perHour() > 0) {
            builder.addLimit(b -> b.capacity(limit.perHour()).refillGreedy(limit.perHour(), Duration.ofHours(1)));
        }
        return builder.build();
    }

    /** One conditional upsert: spends {@code cost} only if the day's total stays within {@code daily}. */
    private boolean spend(String scope, String day, long cost, long daily) {
        if (cost > daily) return false;
        try (var c = db.writeConnection(); var ps = c.prepareStatement("""
                INSERT INTO budget_usage (scope_key, day, used) VALUES (?, ?, ?)
                ON CONFLICT (scope_key, day) DO UPDATE SET used = used + excluded.used
                WHERE budget_usage.used + excluded.used <= ?""")) {
            ps.setString(1, scope);
            ps.setString(2, day);
            ps.setLong(3, cost);
            ps.setLong(4, daily);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("budget store: " + e.getMessage(), e);
        }
    }

    private static boolean inside(Limits.Window w, ZonedDateTime now) {
        var t = now.toLocalTime();
        return w.days().contains(now.getDayOfWeek()) && !t.isBefore(w.from()) && t.isBefore(w.to());
    }

    private static ZonedDateTime nextOpening(Limits.Window w, ZonedDateTime now) {
        for (int d = 0; d <= 7; d++) {
            var day = now.toLocalDate().plusDays(d);
            if (!w.days().contains(day.getDayOfWeek())) continue;
            var opening = day.atTime(w.from()).atZone(w.zone());
            if (opening.isAfter(now)) return opening;
        }
        return now.plusDays(7);
    }

    private static String describe(Limits.Window w) {
        return "on " + w.days().stream().map(d -> d.name().substring(0, 3)).toList() + " from " + w.from() + " to " + w.to()
                + " (" + w.zone() + ")";
    }

    private static String rate(Limits.RateLimit l) {
        if (l.perMinute() > 0 && l.perHour() > 0) return l.perMinute() + "/min and " + l.perHour() + "/h";
        return l.perMinute() > 0 ? l.perMinute() + "/min" : l.perHour() + "/h";
    }
}
