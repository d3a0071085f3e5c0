package dev.warden.audit;

import dev.warden.json.Json;
import java.time.Instant;
import tools.jackson.databind.JsonNode;

/** Audit entries as the engine would hand them over, varied enough to exercise every column. */
final class SampleEntries {
    static final Instant T0 = Instant.parse("2026-11-03T10:15:30.123456789Z");

    private SampleEntries() {}

    static AuditEntry entry(int n) {
        var input = Json.object();
        input.put("path", "/srv/app/file-" + n + ".txt");
        input.put("n", n);
        input.putArray("tags").add("a").add("ü").add(1.5);
        input.putNull("none");
        return entry(n, input);
    }

    static AuditEntry entry(int n, JsonNode input) {
        boolean odd = n % 2 == 1;
        return new AuditEntry(T0.plusMillis(n), "user:" + (n % 3), "user " + (n % 3), "default", "rest",
                "fs.read", odd ? "execute" : "simulate", input, "read", odd ? "allow" : null,
                odd ? "role permits read" : null, odd ? "done" : "denied", odd ? null : "policy_denied",
                odd ? "ab".repeat(32) : null, 1_000L + n, "trace-" + n, null);
    }
}
