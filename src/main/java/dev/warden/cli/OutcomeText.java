package dev.warden.cli;

import dev.warden.engine.Outcome;
import dev.warden.json.Json;
import tools.jackson.databind.node.ObjectNode;

/** How the CLI prints an outcome: the same shapes as the REST answers, and an exit code per case. */
final class OutcomeText {
    private OutcomeText() {}

    static ObjectNode json(Outcome outcome) {
        var node = Json.object();
        switch (outcome) {
            case Outcome.Done d -> {
                node.put("status", d.simulated() ? "simulated" : "done");
                node.set("result", d.result());
                node.put("risk", d.risk().id());
                if (d.undoId() != null) node.put("undoId", d.undoId());
            }
            case Outcome.NeedsConfirmation nc -> {
                node.put("status", "needs_confirmation");
                node.put("code", "confirmation_required");
                node.put("detail", nc.reason());
                node.put("confirmToken", nc.token());
                node.put("expiresAt", nc.expiresAt().toString());
                node.set("preview", nc.preview());
                node.put("hint", "Re-run with --confirm " + nc.token() + " (or --yes) to proceed.");
            }
            case Outcome.PendingApproval pa -> {
                node.put("status", "pending_approval");
                node.put("code", "approval_required");
                node.put("detail", pa.reason());
                node.put("approvalId", pa.approvalId());
                node.put("expiresAt", pa.expiresAt().toString());
                node.set("preview", pa.preview());
                node.put("hint", "Another admin approves with: ./warden approvals approve " + pa.approvalId()
                        + "; follow it with ./warden approvals show " + pa.approvalId() + " --wait 60.");
            }
            case Outcome.Limited l -> {
                node.put("status", "limited");
                node.put("code", l.code());
                node.put("detail", l.detail());
                node.put("hint", l.hint());
                node.put("retryAt", l.retryAt().toString());
            }
            case Outcome.Denied d -> {
                node.put("status", "denied");
                node.put("code", d.code());
                node.put("detail", d.reason());
                node.put("hint", d.hint());
                if (d.rule() != null) node.put("rule", d.rule());
            }
            case Outcome.Invalid i -> {
                node.put("status", "invalid");
                node.put("code", i.code());
                node.put("detail", i.detail());
                node.put("hint", i.hint());
                var errors = node.putArray("errors");
                i.errors().forEach(e -> errors.addObject().put("path", e.path()).put("message", e.message()));
            }
            case Outcome.Failed f -> {
                node.put("status", "failed");
                node.put("code", f.code());
                node.put("detail", f.detail());
                node.put("hint", f.hint());
                if (f.details() != null) node.set("details", f.details());
            }
        }
        node.put("auditSeq", outcome.auditSeq());
        return node;
    }

    static int exitCode(Outcome outcome) {
        return switch (outcome) {
            case Outcome.Done d -> 0;
            case Outcome.Failed f -> 1;
            case Outcome.Invalid i -> 2;
            case Outcome.Denied d -> 3;
            case Outcome.NeedsConfirmation nc -> 4;
            case Outcome.PendingApproval pa -> 5;
            case Outcome.Limited l -> 6;
        };
    }
}
