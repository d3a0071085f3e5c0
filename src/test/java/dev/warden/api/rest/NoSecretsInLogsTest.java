package dev.warden.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import dev.warden.json.Json;
import dev.warden.logging.JsonLineLayout;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Everything Warden logs while serving requests with tokens and secret-bearing input, captured: no secret in it. */
class NoSecretsInLogsTest {
    @TempDir
    Path temp;

    RestFixture w;
    final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    OutputStreamAppender<ILoggingEvent> appender;

    @BeforeEach
    void start() {
        var context = (LoggerContext) LoggerFactory.getILoggerFactory();
        var encoder = new LayoutWrappingEncoder<ILoggingEvent>();
        var layout = new JsonLineLayout();
        layout.setContext(context);
        layout.start();
        encoder.setLayout(layout);
        encoder.setContext(context);
        encoder.start();
        appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.setOutputStream(captured);
        appender.start();
        var root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);
        ((Logger) LoggerFactory.getLogger("dev.warden")).setLevel(ch.qos.logback.classic.Level.DEBUG);
        w = new RestFixture(temp, null, 1_048_576);
    }

    @AfterEach
    void stop() {
        w.close();
        var context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(appender);
        ((Logger) LoggerFactory.getLogger("dev.warden")).setLevel(null);
    }

    @Test
    void tokensAndSecretInputNeverReachTheLog() throws Exception {
        w.post("/v1/actions/fs.write", w.operatorToken, "{\"path\":\".env\",\"content\":\"API_KEY=s3cr3t-value\"}");
        w.post("/v1/actions/fs.read", w.operatorToken, "{\"path\":\".env\"}");
        w.post("/v1/actions/fs.read", "wdn_NotARealTokenButSecretLooking", "{\"path\":\".env\"}");
        w.post("/v1/actions/shell.exec", RestFixture.ADMIN, "{\"command\":\"echo s3cr3t-value\"}");
        // Something that does log: a broken policy file is refused with an error line.
        Files.writeString(w.warden.config().policyFile(), "version: 1\nrules: [\n");
        var deadline = System.nanoTime() + 10_000_000_000L;
        while (!captured.toString(StandardCharsets.UTF_8).contains("policy file") && System.nanoTime() < deadline) Thread.sleep(100);

        var log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).contains("policy file");
        for (var line : log.strip().split("\n")) assertThat(Json.parse(line).isObject()).as(line).isTrue();
        assertThat(log).doesNotContain(w.operatorToken).doesNotContain(RestFixture.ADMIN)
                .doesNotContain("wdn_NotARealTokenButSecretLooking").doesNotContain("s3cr3t-value");
    }
}
