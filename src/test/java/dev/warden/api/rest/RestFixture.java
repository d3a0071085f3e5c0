package dev.warden.api.rest;

import dev.warden.app.Warden;
import dev.warden.audit.AuditQuery;
import dev.warden.config.LlmConfig;
import dev.warden.config.MonitorConfig;
import dev.warden.config.WardenConfig;
import dev.warden.identity.Members;
import dev.warden.identity.Role;
import dev.warden.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** A real Warden with its REST front on a free port, over a temporary data dir and root. */
final class RestFixture implements AutoCloseable {
    static final String ADMIN = "test-admin-secret-0123456789";

    final Path root;
    final Path dataDir;
    final Warden warden;
    final RestServer server;
    final HttpClient http = HttpClient.newHttpClient();
    final String operatorToken;
    final String viewerToken;

    RestFixture(Path temp, String policyYaml, long maxBodyBytes) {
        this(temp, policyYaml, maxBodyBytes, MonitorConfig.defaults());
    }

    RestFixture(Path temp, String policyYaml, long maxBodyBytes, MonitorConfig monitor) {
        this(temp, policyYaml, maxBodyBytes, monitor, LlmConfig.none());
    }

    /** With {@code llm} as Warden's model providers, for the chat routes. */
    RestFixture(Path temp, String policyYaml, long maxBodyBytes, MonitorConfig monitor, LlmConfig llm) {
        try {
            root = Files.createDirectories(temp.resolve("root"));
            dataDir = Files.createDirectories(temp.resolve("data"));
            if (policyYaml != null) Files.writeString(dataDir.resolve("policy.yaml"), policyYaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var config = new WardenConfig("127.0.0.1", 0, dataDir, List.of(root), dataDir.resolve("policy.yaml"), ADMIN,
                maxBodyBytes, Duration.ofMinutes(5), WardenConfig.DEFAULT_APPROVAL_TTL, monitor, llm);
        warden = Warden.open(config, Clock.systemUTC());
        warden.tokens().ensureAdmin(ADMIN);
        Members.add(warden.users(), warden.projects(), "default", "olivia", Role.OPERATOR);
        Members.add(warden.users(), warden.projects(), "default", "victor", Role.VIEWER);
        operatorToken = warden.tokens().create("op", "olivia", "default", Role.OPERATOR, null, List.of()).secret();
        viewerToken = warden.tokens().create("viewer", "victor", "default", Role.VIEWER, null, List.of()).secret();
        server = new RestServer(warden.restDependencies(), "127.0.0.1", 0, maxBodyBytes).start();
    }

    record Answer(int status, String contentType, JsonNode body, HttpResponse<String> raw) {}

    Answer post(String path, String token, String body) {
        var b = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) b.header("Authorization", "Bearer " + token);
        return send(b.build());
    }

    Answer get(String path, String token) {
        var b = HttpRequest.newBuilder(uri(path)).GET();
        if (token != null) b.header("Authorization", "Bearer " + token);
        return send(b.build());
    }

    Answer delete(String path, String token) {
        var b = HttpRequest.newBuilder(uri(path)).DELETE();
        if (token != null) b.header("Authorization", "Bearer " + token);
        return send(b.build());
    }

    private Answer send(HttpRequest request) {
        try {
            var response = http.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode body = response.body().isEmpty() ? Json.object() : Json.parse(response.body());
            return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), body, response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    @Override
    public void close() {
        server.close();
        warden.close();
    }
}
