package dev.warden.webhook;

import dev.warden.testing.WebhookReceiver;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.app.Warden;
import dev.warden.config.WardenConfig;
import dev.warden.engine.Intent;
import dev.warden.engine.Origin;
import dev.warden.engine.Outcome;
import dev.warden.identity.Principal;
import dev.warden.identity.Role;
import dev.warden.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real HTTP receiver hears of an approval's request, decision and execution, each signed with the project's secret. */
class WebhooksTest {

    @TempDir
    Path temp;

    WebhookReceiver receiver;
    Warden warden;
    Path root;

    @BeforeEach
    void start() throws Exception {
        receiver = new WebhookReceiver();
        root = Files.createDirectories(temp.resolve("root"));
        var data = Files.createDirectories(temp.resolve("data"));
        Files.writeString(data.resolve("policy.yaml"), """
                version: 1
                rules:
                  - name: mkdir-needs-approval
                    when: 'action == "fs.mkdir"'
                    effect: approve
                """);
        warden = Warden.open(new WardenConfig("127.0.0.1", 0, data, List.of(root), data.resolve("policy.yaml"), null,
                1_048_576, Duration.ofMinutes(5)), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        if (warden != null) warden.close();
        receiver.close();
    }

    @Test
    void eachStepOfAnApprovalIsDeliveredSigned() throws Exception {
        var secret = warden.webhooks().set("default", receiver.url(), null).secret();
        assertThat(secret).startsWith("whsec_");
        var olivia = new Principal("tok_o", "olivia", Role.OPERATOR, "default", Principal.Kind.TOKEN, List.of());
        var held = (Outcome.PendingApproval) warden.engine().submit(
                Intent.execute("fs.mkdir", Json.parse("{\"path\":\"d\"}"), olivia, Origin.REST));
        var bea = new Principal("tok_b", "bea", Role.ADMIN, "default", Principal.Kind.TOKEN, List.of());
        warden.approvals().approve(bea, held.approvalId(), "ok", Origin.REST);

        var events = new java.util.ArrayList<WebhookReceiver.Received>();
        for (int i = 0; i < 3; i++) {
            var r = receiver.poll(Duration.ofSeconds(10));
            assertThat(r).as("delivery %d", i).isNotNull();
            events.add(r);
        }
        assertThat(events).extracting(WebhookReceiver.Received::event)
                .containsExactlyInAnyOrder("approval.requested", "approval.decided", "approval.executed");
        for (var e : events) {
            var parts = e.signature().split(",");
            var t = parts[0].substring(2);
            assertThat(parts[1]).isEqualTo("sha256=" + Webhooks.sign(secret, t + "." + e.body()));
            assertThat(parts[1]).isNotEqualTo("sha256=" + Webhooks.sign("wrong", t + "." + e.body()));
            assertThat(Json.parse(e.body()).path("approval").path("id").asString()).isEqualTo(held.approvalId());
        }
        // The secret is stored sealed, never in clear.
        try (var c = warden.database().connection(); var ps = c.prepareStatement("SELECT secret_ciphertext FROM webhooks");
             var rs = ps.executeQuery()) {
            rs.next();
            assertThat(rs.getString(1)).doesNotContain(secret);
        }
    }

    @Test
    void rotatingTheKeyResealsStoredSecretsThatStillWork() throws Exception {
        var url = receiver.url();
        var secret = warden.webhooks().set("default", url, "my-own-secret").secret();
        assertThat(secret).isEqualTo("my-own-secret");
        assertThat(warden.secrets().rotate()).isEqualTo(2);
        assertThat(warden.webhooks().reseal()).isEqualTo(1);
        var olivia = new Principal("tok_o", "olivia", Role.OPERATOR, "default", Principal.Kind.TOKEN, List.of());
        warden.engine().submit(Intent.execute("fs.mkdir", Json.parse("{\"path\":\"e\"}"), olivia, Origin.REST));
        var r = receiver.poll(Duration.ofSeconds(10));
        var t = r.signature().split(",")[0].substring(2);
        assertThat(r.signature()).endsWith("sha256=" + Webhooks.sign("my-own-secret", t + "." + r.body()));
    }

    @Test
    void closingWardenWaitsForADeliveryInFlight() throws Exception {
        // A pause of 1 s: long enough that the delivery is still out when close begins, short enough
        // to leave 4 s of the close bound for the rest of Warden's close on a loaded machine.
        receiver.slowness(Duration.ofSeconds(1));
        warden.webhooks().set("default", receiver.slowUrl(), null);
        warden.webhooks().send("default", "test.slow", Json.object().put("n", 1));
        assertThat(warden.webhooks().inFlight()).isEqualTo(1);
        assertThat(receiver.received()).as("not delivered yet as close begins").isEmpty();

        var started = System.nanoTime();
        warden.close();
        var took = Duration.ofNanos(System.nanoTime() - started);
        warden = null;

        // Delivered before close returned: the receiver records only after its pause.
        var r = receiver.received().poll();
        assertThat(r).as("delivered before close returned").isNotNull();
        assertThat(r.event()).isEqualTo("test.slow");
        assertThat(took).as("close returned when the delivery ended, not at its bound").isLessThan(Webhooks.CLOSE_WAIT);
    }

    @Test
    void closeWaitsNoLongerThanItsBoundAndThenTakesNoMoreDeliveries() throws Exception {
        receiver.slowness(Duration.ofMillis(3_000));
        var webhooks = warden.webhooks();
        webhooks.set("default", receiver.slowUrl(), null);
        webhooks.send("default", "test.stuck", Json.object());

        var started = System.nanoTime();
        webhooks.close(Duration.ofMillis(300));
        var took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(250)).isLessThan(Duration.ofMillis(2_000));
        assertThat(receiver.received()).isEmpty();
        webhooks.send("default", "test.after-close", Json.object());
        assertThat(webhooks.inFlight()).isLessThanOrEqualTo(1);
        Thread.sleep(3_500);
        assertThat(receiver.received()).extracting(WebhookReceiver.Received::event).doesNotContain("test.after-close");
    }
}
