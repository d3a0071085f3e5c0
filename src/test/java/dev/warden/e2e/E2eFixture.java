package dev.warden.e2e;

import dev.warden.testing.MovableClock;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.api.rest.RestServer;
import dev.warden.app.Warden;
import dev.warden.audit.AuditQuery;
import dev.warden.config.WardenConfig;
import dev.warden.identity.Members;
import dev.warden.identity.Role;
import dev.warden.identity.TokenService;
import dev.warden.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * A real Warden with its REST front on a free port, over {@code temp/root} (the only root) and
 * {@code temp/data}, with the default policy and a clock the test can move forward.
 */
final class E2eFixture implements AutoCloseable {
    static final String ADMIN = "e2e-admin-secret-0123456789";

    final Path temp;
    final Path root;
    final Path dataDir;
    final MovableClock clock = new MovableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    final Warden warden;
    final RestServer server;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final String operatorToken;
    /** How long a request may take to be answered; a test that queues many writers on one path raises it. */
    volatile Duration requestTimeout = Duration.ofSeconds(30);

    E2eFixture(Path temp, long maxBodyBytes) {
        this.temp = temp;
        try {
            root = Files.createDirectories(temp.resolve("root"));
            dataDir = Files.createDirectories(temp.resolve("data"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var config = new WardenConfig("127.0.0.1", 0, dataDir, List.of(root), dataDir.resolve("policy.yaml"), ADMIN,
                maxBodyBytes, Duration.ofMinutes(5));
        warden = Warden.open(config, clock);
        warden.tokens().ensureAdmin(ADMIN);
        operatorToken = token(Role.OPERATOR, null, List.of());
        server = new RestServer(warden.restDependencies(),
                "127.0.0.1", 0, maxBodyBytes).start();
    }

    String token(Role role, Duration ttl, List<String> actions) {
        return create(role, ttl, actions).secret();
    }

    TokenService.Created create(Role role, Duration ttl, List<String> actions) {
        var user = role.id() + "-user";
        Members.add(warden.users(), warden.projects(), "default", user, role);
        return warden.tokens().create(role.id(), user, "default", role, ttl, actions);
    }

    /** An answer: status, content type, the body parsed when it is JSON (else a JSON string node of the text). */
    record Answer(int status, String contentType, JsonNode body, String text) {
        String code() {
            return body.path("code").asString("");
        }

        /** A problem document as Warden promises it: RFC 9457 media type, the status repeated, a code, a detail and a hint. */
        Answer assertProblem(int expectedStatus, String expectedCode) {
            assertThat(status).as(text).isEqualTo(expectedStatus);
            assertCleanProblem();
            if (expectedCode != null) assertThat(code()).as(text).isEqualTo(expectedCode);
            return this;
        }

        Answer assertCleanProblem() {
            assertThat(status).as(text).isBetween(400, 599);
            assertThat(contentType).as(text).startsWith("application/problem+json");
            assertThat(body.path("status").asInt()).as(text).isEqualTo(status);
            assertThat(body.path("code").asString("")).as(text).matches("[a-z0-9_]+");
            assertThat(body.path("detail").asString("")).as(text).isNotBlank();
            assertThat(body.path("hint").asString("")).as(text).isNotBlank();
            return this;
        }
    }

    Answer post(String path, String token, String body) {
        return send(request(path, token).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").build());
    }

    Answer post(String path, String token, JsonNode body) {
        return post(path, token, Json.write(body));
    }

    Answer postWithType(String path, String token, String contentType, String body) {
        var b = request(path, token).POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) b.header("Content-Type", contentType);
        return send(b.build());
    }

    Answer method(String method, String path, String token) {
        return send(request(path, token).method(method, HttpRequest.BodyPublishers.noBody()).build());
    }

    Answer get(String path, String token) {
        return send(request(path, token).GET().build());
    }

    private HttpRequest.Builder request(String path, String token) {
        var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).timeout(requestTimeout);
        if (token != null) b.header("Authorization", "Bearer " + token);
        return b;
    }

    private Answer send(HttpRequest request) {
        try {
            var response = http.send(request, HttpResponse.BodyHandlers.ofString());
            var text = response.body();
            JsonNode body;
            try {
                body = text.isEmpty() ? Json.object() : Json.parse(text);
            } catch (JacksonException e) {
                body = Json.toTree(text);
            }
            return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), body, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The server still answers a plain authenticated request correctly. */
    void assertStillServing() {
        var stat = post("/v1/actions/fs.stat", operatorToken, "{\"path\":\".\"}");
        assertThat(stat.status()).as(stat.text()).isEqualTo(200);
        assertThat(stat.body().path("status").asString()).isEqualTo("done");
    }

    List<Path> filesUnder(Path dir) {
        try (var walk = Files.walk(dir)) {
            return walk.filter(p -> !p.equals(dir)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.close();
        warden.close();
    }

}
