package dev.warden.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebhookRoutesTest {
    @TempDir
    Path temp;

    RestFixture w;

    @BeforeEach
    void start() {
        w = new RestFixture(temp, null, 1_048_576);
    }

    @AfterEach
    void stop() {
        w.close();
    }

    private HttpResponse<String> send(String method, String token, String body) throws Exception {
        var b = HttpRequest.newBuilder(w.uri("/v1/webhooks/default")).header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anAdminSetsReadsAndRemovesTheWebhookAndOthersCannot() throws Exception {
        assertThat(send("PUT", w.operatorToken, "{\"url\":\"http://127.0.0.1:9/x\"}").statusCode()).isEqualTo(403);
        var set = send("PUT", RestFixture.ADMIN, "{\"url\":\"http://127.0.0.1:9/x\"}");
        assertThat(set.statusCode()).isEqualTo(200);
        assertThat(set.body()).contains("whsec_");
        var read = send("GET", RestFixture.ADMIN, null);
        assertThat(read.body()).contains("http://127.0.0.1:9/x").doesNotContain("whsec_");
        assertThat(send("PUT", RestFixture.ADMIN, "{\"url\":\"ftp://x\"}").statusCode()).isEqualTo(422);
        assertThat(send("PUT", RestFixture.ADMIN, "{}").statusCode()).isEqualTo(422);
        assertThat(send("DELETE", RestFixture.ADMIN, null).statusCode()).isEqualTo(200);
        assertThat(send("GET", RestFixture.ADMIN, null).statusCode()).isEqualTo(404);
    }
}
