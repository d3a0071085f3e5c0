package dev.warden.cli;

import dev.warden.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * Follows a job through a Warden server's {@code GET /v1/jobs/{id}/stream}: prints each
 * {@code output} event as it arrives and ends with the {@code exit} event. A dropped connection is
 * resumed from the last event's id, so nothing is printed twice or skipped.
 */
final class StreamFollower {
    private static final int ATTEMPTS = 5;

    private final String server;
    private final String token;
    private final PrintWriter out;
    private final PrintWriter err;
    private final JobsCommand.ProgressLine line;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    StreamFollower(String server, String token, PrintWriter out, PrintWriter err, JobsCommand.ProgressLine line) {
        this.server = server.endsWith("/") ? server.substring(0, server.length() - 1) : server;
        this.token = token;
        this.out = out;
        this.err = err;
        this.line = line;
    }

    /**
     * Follows job {@code id} from {@code offset}, or from its last {@code tail} lines when not null;
     * answers the exit code for the command line.
     */
    int follow(String id, long offset, Integer tail) throws InterruptedException {
        var started = line.enabled() ? startedAt(id) : Instant.now();
        long next = offset;
        if (tail != null) {
            try {
                var response = http.send(HttpRequest.newBuilder(URI.create(server + "/v1/jobs/" + encode(id)
                                + "/output?tailLines=" + tail)).header("Authorization", "Bearer " + token).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    err.println(response.body());
                    return response.statusCode() == 404 ? 2 : 3;
                }
                var result = Json.parse(response.body()).path("result");
                out.print(result.path("data").asString());
                out.flush();
                next = result.path("nextOffset").asLong();
            } catch (IOException e) {
                err.println("error: " + server + " did not answer: " + e.getMessage());
                return 1;
            }
        }
        for (int attempt = 1; ; attempt++) {
            var request = HttpRequest.newBuilder(URI.create(server + "/v1/jobs/" + encode(id) + "/stream?offset=" + next))
                    .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").GET().build();
            try {
                var response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
                if (response.statusCode() != 200) {
                    try (var body = response.body()) {
                        line.clear();
                        err.println(new String(body.readAllBytes(), StandardCharsets.UTF_8));
                    }
                    return response.statusCode() == 404 ? 2 : 3;
                }
                try (var in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                    String event = null;
                    String text;
                    while ((text = in.readLine()) != null) {
                        if (text.startsWith("event: ")) {
                            event = text.substring(7);
                        } else if (text.startsWith("data: ") && "output".equals(event)) {
                            var data = Json.parse(text.substring(6));
                            line.clear();
                            out.print(data.path("data").asString());
                            out.flush();
                            next = data.path("nextOffset").asLong();
                            line.show(id, "running", Duration.between(started, Instant.now()), next);
                        } else if (text.startsWith("data: ") && "exit".equals(event)) {
                            var job = Json.parse(text.substring(6));
                            line.clear();
                            err.println("[" + id + " " + job.path("status").asString()
                                    + (job.has("exitCode") ? " with exit code " + job.path("exitCode").asInt() : "") + "]");
                            return JobsCommand.exitCodeOf(job);
                        } else if (text.startsWith(":")) {
                            line.show(id, "running", Duration.between(started, Instant.now()), next);
                        }
                    }
                }
            } catch (IOException e) {
                if (attempt >= ATTEMPTS) {
                    line.clear();
                    err.println("error: the stream from " + server + " broke: " + e.getMessage());
                    return 1;
                }
            }
            Thread.sleep(Math.min(5_000, 500L * attempt));
        }
    }

    /**
     * When the job started, so the progress line counts from there as a local follow does; when
     * the server cannot say, from now (the stream that follows reports the real problem).
     */
    private Instant startedAt(String id) throws InterruptedException {
        try {
            var response = http.send(HttpRequest.newBuilder(URI.create(server + "/v1/jobs/" + encode(id)))
                    .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
            var at = Json.parse(response.body()).path("result").path("jobs").path(0).path("startedAt");
            return response.statusCode() == 200 && at.isString() ? Instant.parse(at.asString()) : Instant.now();
        } catch (IOException | RuntimeException e) {
            return Instant.now();
        }
    }

    private static String encode(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8);
    }
}
