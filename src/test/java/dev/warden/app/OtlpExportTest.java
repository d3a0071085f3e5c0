package dev.warden.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** With an OTLP endpoint set, spans leave the process as OTLP/HTTP protobuf posts to {@code /v1/traces} */
class OtlpExportTest {
    record Post(String path, String contentType, byte[] body) {}

    @Test
    void spansArePostedToTheCollector() throws Exception {
        var posts = new LinkedBlockingQueue<Post>();
        var collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/", exchange -> {
            posts.add(new Post(exchange.getRequestURI().getPath(), exchange.getRequestHeaders().getFirst("Content-Type"),
                    exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        try {
            var telemetry = Telemetry.open("http://127.0.0.1:" + collector.getAddress().getPort(), List.of());
            telemetry.tracer().spanBuilder("otlp-export-check").startSpan().end();
            // Closing flushes the batch.
            telemetry.close();
            var post = posts.poll(10, TimeUnit.SECONDS);
            assertThat(post).as("a post reached the collector").isNotNull();
            assertThat(post.path()).isEqualTo("/v1/traces");
            assertThat(post.contentType()).isEqualTo("application/x-protobuf");
            var body = new String(post.body(), StandardCharsets.ISO_8859_1);
            assertThat(body).contains("otlp-export-check").contains("warden");
        } finally {
            collector.stop(0);
        }
    }
}
