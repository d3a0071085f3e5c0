package dev.warden.policy;

import dev.warden.action.Risk;
import dev.warden.identity.Principal;
import dev.warden.identity.Role;
import dev.warden.json.Json;
import java.util.List;
import java.util.Map;

/** Builds decision requests for policy tests. */
final class Requests {
    private Requests() {}

    static Principal principal(Role role) {
        return new Principal("user:" + role.id(), role.id() + "-person", role, "default", Principal.Kind.USER, List.of());
    }

    static DecisionRequest request(Role role, String action, String inputJson, Risk risk) {
        return request(role, action, inputJson, risk, Map.of("origin", "rest", "mode", "execute", "tainted", false));
    }

    static DecisionRequest request(Role role, String action, String inputJson, Risk risk, Map<String, Object> context) {
        return new DecisionRequest(principal(role), action, Json.parse(inputJson), risk, context);
    }
}
