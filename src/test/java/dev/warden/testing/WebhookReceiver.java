package dev.warden.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP endpoint on 127.0.0.1 that records the webhooks Warden delivers: {@link #url()}
 * answers at once, {@link #slowUrl()} only after {@code slowness}. The signature header is kept
 * as sent, for the test to check against the secret.
 */
public final class WebhookReceiver implements AutoCloseable {
    public record Received(String event, String signature, String body) {
        /** The {@code t=} part of the signature: what the HMAC covers with the body. */
        public String timestamp() {
            return signature.replaceAll("^t=(\\d+),.*$", "$1");
        }
    }

    private final HttpServer server;
    private final LinkedBlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private volatile Duration slowness = Duration.ofMillis(1500);

    public WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", this::record);
        server.createContext("/slow", exchange -> {
            try {
                Thread.sleep(slowness);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            record(exchange);
        });
        // Slow answers must not queue behind each other.
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    private void record(HttpExchange exchange) throws IOException {
        var body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        received.add(new Received(exchange.getRequestHeaders().getFirst("Warden-Event"),
                exchange.getRequestHeaders().getFirst("Warden-Signature"), body));
        exchange.sendResponseHeaders(204, -1);
        exchange.close();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    public String slowUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/slow";
    }

    public void slowness(Duration pause) {
        slowness = pause;
    }

    /** The next delivery, or null after {@code timeout}. */
    public Received poll(Duration timeout) throws InterruptedException {
        return received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** What arrived and was not polled yet. */
    public LinkedBlockingQueue<Received> received() {
        return received;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
