package dev.warden.webhook;

import com.google.common.base.Suppliers;
import dev.warden.approval.ApprovalStore;
import dev.warden.json.Json;
import dev.warden.secret.SecretBox;
import dev.warden.store.Database;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * One outbound webhook per project, told when an approval is requested, decided and executed, and
 * when an alert fires or resolves. The
 * body is signed: {@code Warden-Signature: t=UNIX,sha256=HEX} where HEX is the HMAC-SHA256 of
 * {@code UNIX + "." + body} under the project's secret, so a receiver can check origin and reject
 * replays. Delivery runs on its own virtual thread, never on the request's, with retries.
 * {@link #close} waits a bounded time for deliveries in flight, so stopping Warden right after a
 * decision does not silently drop its announcement.
 */
public final class Webhooks implements AutoCloseable {
    /** How long {@link #close()} waits for deliveries in flight. */
    public static final Duration CLOSE_WAIT = Duration.ofSeconds(5);
    private static final Logger log = LoggerFactory.getLogger(Webhooks.class);
    private static final List<Duration> BACKOFF = List.of(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(4));

    /** A project's webhook as admins see it: never the secret. */
    public record Hook(String project, String url, String createdAt) {}

    /** A webhook just set: the only time its secret is shown. */
    public record Created(Hook hook, String secret) {}

    private final Database db;
    private final SecretBox secrets;
    private final Clock clock;
    // Made on the first delivery: building one sets up TLS (the default SSLContext reads the trust
    // store), a tenth of a second or more of every start, and most Wardens never send a webhook.
    private final Supplier<HttpClient> http =
            Suppliers.memoize(() -> HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
    private final SecureRandom random = new SecureRandom();
    private final Set<Thread> inFlight = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public Webhooks(Database db, SecretBox secrets, Clock clock) {
        this.db = db;
        this.secrets = secrets;
        this.clock = clock;
    }

    /** Sets (or replaces) the project's webhook; a null secret is generated. */
    public Created set(String project, String url, String secret) {
        var uri = URI.create(url);
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException("the webhook URL must be http(s)://host/...");
        }
        if (secret == null || secret.isBlank()) {
            var bytes = new byte[32];
            random.nextBytes(bytes);
            secret = "whsec_" + HexFormat.of().formatHex(bytes);
        }
        var now = clock.instant().toString();
        try (var c = db.writeConnection(); var ps = c.prepareStatement("""
                INSERT INTO webhooks (project, url, secret_ciphertext, created_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (project) DO UPDATE SET url = excluded.url, secret_ciphertext = excluded.secret_ciphertext,
                  created_at = excluded.created_at""")) {
            ps.setString(1, project);
            ps.setString(2, url);
            ps.setString(3, secrets.seal(secret, context(project)));
            ps.setString(4, now);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("webhook store: " + e.getMessage(), e);
        }
        return new Created(new Hook(project, url, now), secret);
    }

    public Optional<Hook> find(String project) {
        return row(project).map(r -> new Hook(project, r[0], r[2]));
    }

    public boolean remove(String project) {
        try (var c = db.writeConnection(); var ps = c.prepareStatement("DELETE FROM webhooks WHERE project = ?")) {
            ps.setString(1, project);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("webhook store: " + e.getMessage(), e);
        }
    }

    /** Re-seals every stored secret under the keyset's current primary key (after a rotation). */
    public int reseal() {
        int count = 0;
        try (var c = db.writeConnection(); var ps = c.prepareStatement("SELECT project, secret_ciphertext FROM webhooks");
             var rs = ps.executeQuery()) {
            while (rs.next()) {
                var project = rs.getString(1);
                var plain = secrets.open(rs.getString(2), context(project));
                try (var up = c.prepareStatement("UPDATE webhooks SET secret_ciphertext = ? WHERE project = ?")) {
                    up.setString(1, secrets.seal(plain, context(project)));
                    up.setString(2, project);
                    count += up.executeUpdate();
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("webhook store: " + e.getMessage(), e);
        }
        return count;
    }

    /** Hands an approval change to the project's webhook, if it has one. Returns at once. */
    public void approvalChanged(ApprovalStore.Event event) {
        var payload = Json.object();
        payload.set("approval", event.approval().toJson());
        send(event.approval().project(), event.kind(), payload);
    }

    /**
     * Sends {@code kind} (e.g. {@code approval.requested}, {@code alert.firing}) with {@code payload}'s
     * fields to the project's webhook, if it has one, signed; returns at once. The body also names the
     * event, the project and the time.
     */
    public void send(String project, String kind, ObjectNode payload) {
        var hook = row(project);
        if (hook.isEmpty()) return;
        var body = Json.object();
        body.put("event", kind);
        body.put("project", project);
        body.put("at", clock.instant().toString());
        body.setAll(payload);
        var url = hook.get()[0];
        var secret = secrets.open(hook.get()[1], context(project));
        if (closed) {
            log.warn("webhook {} not sent for {}: Warden is stopping", url, kind);
            return;
        }
        var delivery = Thread.ofVirtual().name("warden-webhook").unstarted(() -> {
            try {
                deliver(url, secret, kind, body);
            } finally {
                inFlight.remove(Thread.currentThread());
            }
        });
        inFlight.add(delivery);
        delivery.start();
    }

    /** Stops taking deliveries and waits up to {@link #CLOSE_WAIT} for those in flight. */
    @Override
    public void close() {
        close(CLOSE_WAIT);
    }

    /**
     * Stops taking deliveries and waits up to {@code wait} for those in flight (retries included);
     * what is still running then is interrupted and logged as given up.
     */
    public void close(Duration wait) {
        closed = true;
        var deadline = System.nanoTime() + wait.toNanos();
        for (var delivery : List.copyOf(inFlight)) {
            var left = deadline - System.nanoTime();
            try {
                if (left > 0) delivery.join(Duration.ofNanos(left));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        var abandoned = List.copyOf(inFlight);
        if (!abandoned.isEmpty()) {
            log.warn("{} webhook deliveries still in flight after {} s; given up", abandoned.size(), wait.toSeconds());
            abandoned.forEach(Thread::interrupt);
        }
    }

    /** Deliveries running now (tests and shutdown). */
    public int inFlight() {
        return inFlight.size();
    }

    private void deliver(String url, String secret, String kind, ObjectNode body) {
        var text = Json.write(body);
        var id = new byte[8];
        random.nextBytes(id);
        var delivery = "dlv_" + HexFormat.of().formatHex(id);
        for (var wait : BACKOFF) {
            try {
                Thread.sleep(wait);
                var t = Long.toString(clock.instant().getEpochSecond());
                var request = HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json")
                        .header("Warden-Event", kind)
                        .header("Warden-Delivery", delivery)
                        .header("Warden-Signature", "t=" + t + ",sha256=" + sign(secret, t + "." + text))
                        .POST(HttpRequest.BodyPublishers.ofString(text)).build();
                var status = http.get().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status / 100 == 2) return;
                log.warn("webhook {} answered {} to {} ({})", url, status, kind, delivery);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                log.warn("webhook {} failed for {} ({}): {}", url, kind, delivery, e.toString());
            }
        }
        log.error("webhook {} gave up on {} ({}) after {} attempts", url, kind, delivery, BACKOFF.size());
    }

    /** Hex HMAC-SHA256 of {@code message} under {@code secret}: what a receiver recomputes. */
    public static String sign(String secret, String message) {
        try {
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {url, ciphertext, createdAt} of the project's webhook. */
    private Optional<String[]> row(String project) {
        try (var c = db.connection(); var ps = c.prepareStatement(
                "SELECT url, secret_ciphertext, created_at FROM webhooks WHERE project = ?")) {
            ps.setString(1, project);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)}) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("webhook store: " + e.getMessage(), e);
        }
    }

    private static String context(String project) {
        return "webhook:" + project;
    }
}
