package dev.warden.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import dev.warden.json.Json;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonLineLayoutTest {
    private static String layout(String template, Object[] args, Map<String, String> mdc, Throwable error) {
        var context = new LoggerContext();
        var logger = context.getLogger("dev.warden.test.Thing");
        var event = new LoggingEvent("fqcn", logger, Level.WARN, template, error, args);
        event.setMDCPropertyMap(mdc);
        var layout = new JsonLineLayout();
        layout.setContext(context);
        layout.start();
        return layout.doLayout(event);
    }

    @Test
    void oneJsonObjectPerLineWithTheRequestContext() {
        var line = layout("policy reloaded from {} (sha256 {})", new Object[] {"/d/policy.yaml", "ab12"},
                Map.of("requestId", "r1", "traceId", "t1", "principal", "ada", "project", "default", "action", "fs.write",
                        "other", "ignored"), null);
        assertThat(line).endsWith("\n").doesNotContain("\n{");
        var json = Json.parse(line);
        assertThat(json.path("level").asString()).isEqualTo("WARN");
        assertThat(json.path("event").asString()).isEqualTo("policy reloaded from {} (sha256 {})");
        assertThat(json.path("message").asString()).isEqualTo("policy reloaded from /d/policy.yaml (sha256 ab12)");
        assertThat(json.path("ts").asString()).endsWith("Z");
        for (var key : JsonLineLayout.CONTEXT) assertThat(json.has(key)).as(key).isTrue();
        assertThat(json.has("other")).isFalse();
    }

    @Test
    void tokensAndSecretsAreMaskedWhereverTheyAppear() {
        var line = layout("calling with Authorization: Bearer {} and {} and secret {}",
                new Object[] {"abc.def-123", "wdn_AbCdEf0123456789", "whsec_00ff"}, Map.of("principal", "wdn_leak"),
                new IllegalStateException("token wdn_InAStackTrace9 refused"));
        assertThat(line).doesNotContain("abc.def-123").doesNotContain("wdn_AbCdEf0123456789")
                .doesNotContain("whsec_00ff").doesNotContain("wdn_leak").doesNotContain("wdn_InAStackTrace9")
                .contains("Bearer ***").contains("wdn_***").contains("whsec_***");
        assertThat(Json.parse(line).path("error").asString()).contains("IllegalStateException");
    }
}
