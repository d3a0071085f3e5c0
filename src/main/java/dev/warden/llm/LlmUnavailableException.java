package dev.warden.llm;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Every provider of the chain failed or was skipped for an open circuit. The message is meant for the
 * person: the agent cannot think right now, but Warden itself still works.
 */
public final class LlmUnavailableException extends RuntimeException {
    /** Why one provider did not answer. */
    public record ProviderFailure(String provider, CallFailure failure, String detail) {}

    private final List<ProviderFailure> failures;

    public LlmUnavailableException(List<ProviderFailure> failures) {
        super(message(failures));
        this.failures = List.copyOf(failures);
    }

    public List<ProviderFailure> failures() {
        return failures;
    }

    private static String message(List<ProviderFailure> failures) {
        var directly = "Actions can still be run directly: `warden run <action> key=value...`, "
                + "the REST API (POST /v1/actions/{id}) or MCP.";
        if (failures.isEmpty()) {
            return "No LLM provider is configured (set WARDEN_LLM_BASE_URL, or llm.providers in warden.yaml). " + directly;
        }
        var reasons = failures.stream().map(f -> f.provider() + ": " + f.failure().label().replace('_', ' '))
                .collect(Collectors.joining("; "));
        return "Every LLM provider is down (" + reasons + "). " + directly;
    }
}
