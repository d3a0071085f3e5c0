package dev.warden.engine;

import java.util.HashMap;
import java.util.Map;
import org.slf4j.MDC;

/**
 * Puts the intent's principal, project, action and trace into the logging context for the time the
 * engine works on it, and puts back what was there (a REST request's own context), so every log
 * line the pipeline writes says whose call it was.
 */
final class LogContext implements AutoCloseable {
    private final Map<String, String> previous;

    private LogContext(Map<String, String> previous) {
        this.previous = previous;
    }

    static LogContext of(Intent intent, String traceId) {
        var before = MDC.getCopyOfContextMap();
        MDC.put("principal", intent.principal().name());
        MDC.put("project", intent.principal().project());
        MDC.put("action", intent.actionId());
        if (traceId != null) MDC.put("traceId", traceId);
        return new LogContext(before == null ? new HashMap<>() : before);
    }

    @Override
    public void close() {
        MDC.setContextMap(previous);
    }
}
