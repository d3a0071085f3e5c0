package dev.warden.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.ObjectWriteContext;
import java.io.StringWriter;

/**
 * One JSON object per log line: {@code ts}, {@code level}, {@code event} (the message's template, so
 * the same event always has the same name), {@code message}, {@code logger}, and from the MDC
 * {@code requestId}, {@code traceId}, {@code principal}, {@code project}, {@code action} when set;
 * {@code error} holds a stack trace. Bearer tokens and webhook secrets are masked wherever they
 * appear, so a careless message cannot leak one.
 */
public final class JsonLineLayout extends LayoutBase<ILoggingEvent> {
    static final List<String> CONTEXT = List.of("requestId", "traceId", "principal", "project", "action");
    private static final Pattern SECRETS = Pattern.compile("(wdn_|whsec_)[A-Za-z0-9]+|(?i)(bearer\\s+)[^\\s\"',]+");
    private static final JsonFactory JSON = new JsonFactory();

    @Override
    public String doLayout(ILoggingEvent event) {
        var out = new StringWriter(256);
        try (var g = JSON.createGenerator(ObjectWriteContext.empty(), out)) {
            g.writeStartObject();
            g.writeStringProperty("ts", Instant.ofEpochMilli(event.getTimeStamp()).toString());
            g.writeStringProperty("level", event.getLevel().toString());
            g.writeStringProperty("event", mask(String.valueOf(event.getMessage())));
            g.writeStringProperty("message", mask(event.getFormattedMessage()));
            g.writeStringProperty("logger", event.getLoggerName());
            var mdc = event.getMDCPropertyMap();
            for (var key : CONTEXT) {
                var value = mdc.get(key);
                if (value != null) g.writeStringProperty(key, mask(value));
            }
            if (event.getThrowableProxy() != null) {
                g.writeStringProperty("error", mask(ThrowableProxyUtil.asString(event.getThrowableProxy())));
            }
            g.writeEndObject();
        }
        return out + CoreConstants.LINE_SEPARATOR;
    }

    static String mask(String text) {
        return text == null ? null : SECRETS.matcher(text).replaceAll(m -> m.group(2) != null ? m.group(2) + "***" : m.group(1) + "***");
    }
}
