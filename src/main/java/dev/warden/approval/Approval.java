package dev.warden.approval;

import dev.warden.identity.Principal;
import dev.warden.identity.Role;
import dev.warden.json.Json;
import java.time.Instant;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A held intent and what became of it. {@code result} is the answer of the execution once the
 * request was approved and ran (null before), as the fronts would have shown it to the requester.
 */
public record Approval(
        String id,
        ApprovalStatus status,
        String actionId,
        JsonNode input,
        String origin,
        Principal requester,
        String risk,
        String reason,
        String rule,
        JsonNode preview,
        int requiredApprovals,
        Role approverRole,
        Instant requestedAt,
        Instant expiresAt,
        Instant decidedAt,
        List<Vote> votes,
        JsonNode result,
        Instant finishedAt) {

    public Approval {
        votes = List.copyOf(votes);
    }

    /** One person's decision. */
    public record Vote(String voterId, String voterName, Verdict verdict, String comment, Instant at) {}

    public enum Verdict {
        APPROVE, DENY;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public long approvals() {
        return votes.stream().filter(v -> v.verdict() == Verdict.APPROVE).count();
    }

    public String project() {
        return requester.project();
    }

    /** The view every front shows: never the requester's token id. */
    public ObjectNode toJson() {
        var node = Json.object();
        node.put("id", id);
        node.put("status", status.id());
        node.put("action", actionId);
        node.set("input", input);
        node.put("requester", requester.name());
        node.put("project", requester.project());
        node.put("origin", origin);
        node.put("risk", risk);
        node.put("reason", reason);
        node.put("rule", rule);
        node.set("preview", preview);
        node.put("requiredApprovals", requiredApprovals);
        node.put("approverRole", approverRole.id());
        node.put("requestedAt", requestedAt.toString());
        node.put("expiresAt", expiresAt.toString());
        if (decidedAt != null) node.put("decidedAt", decidedAt.toString());
        var list = node.putArray("votes");
        for (var v : votes) {
            var o = list.addObject();
            o.put("by", v.voterName());
            o.put("verdict", v.verdict().id());
            if (v.comment() != null) o.put("comment", v.comment());
            o.put("at", v.at().toString());
        }
        if (result != null) node.set("result", result);
        if (finishedAt != null) node.put("finishedAt", finishedAt.toString());
        return node;
    }
}
