package dev.warden.policy;

import dev.warden.action.Risk;
import dev.warden.identity.Principal;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Everything a policy may look at: CEL rules see these as {@code principal}, {@code action}, {@code input}, {@code risk}, {@code context}. */
public record DecisionRequest(Principal principal, String actionId, JsonNode input, Risk risk, Map<String, Object> context) {
    public DecisionRequest {
        context = Map.copyOf(context);
    }
}
