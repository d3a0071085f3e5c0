package dev.warden.actions.job;

import dev.warden.action.Action;
import dev.warden.action.ActionContext;
import dev.warden.action.ActionException;
import dev.warden.action.ActionSpec;
import dev.warden.action.Assessment;
import dev.warden.action.Effects;
import dev.warden.action.ErrorKind;
import dev.warden.action.Risk;
import dev.warden.action.Schemas;
import dev.warden.jobs.Jobs;
import dev.warden.json.Json;
import java.time.Duration;
import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * {@code job.cancel}: SIGTERM to a job's whole process group, SIGKILL after a grace period. Stopping
 * a job is low risk; stopping one that only reads is a read, so whoever could start it can stop it.
 */
final class JobCancelAction implements Action {
    static final String ID = "job.cancel";

    private static final ActionSpec SPEC = new ActionSpec(ID, 1, "Cancel a background job",
            "Stop a running background job: SIGTERM to its whole process group, SIGKILL after graceMs (default 5000)."
                    + " Returns once it ended, with its status (cancelled) and exit code. A job that already ended is"
                    + " reported as it is.",
            Risk.LOW, Effects.IRREVERSIBLE, Schemas.input(ID), Schemas.output(ID), false, false);

    private final Jobs jobs;

    JobCancelAction(Jobs jobs) {
        this.jobs = jobs;
    }

    @Override
    public ActionSpec spec() {
        return SPEC;
    }

    @Override
    public Risk lowestRisk() {
        return Risk.READ;
    }

    @Override
    public Assessment assess(ActionContext ctx, JsonNode input) {
        try {
            var job = jobs.get(ctx.caller(), JobActions.jobId(input));
            return Assessment.of(Risk.parse(job.risk()) == Risk.READ ? Risk.READ : Risk.LOW);
        } catch (ActionException e) {
            if (e.kind() != ErrorKind.NOT_FOUND) throw e;
            return Assessment.of(SPEC.risk());
        }
    }

    @Override
    public JsonNode execute(ActionContext ctx, JsonNode input) {
        var grace = input.has("graceMs") ? Duration.ofMillis(input.get("graceMs").asLong()) : jobs.limits().cancelGrace();
        var result = jobs.cancel(ctx.caller(), JobActions.jobId(input), grace);
        var job = result.job();
        var node = Json.object();
        node.put("jobId", job.id());
        node.put("cancelled", result.cancelled());
        node.put("status", job.status().id());
        if (job.exitCode() != null) node.put("exitCode", job.exitCode());
        node.set("job", job.toJson(Instant.now()));
        if (!result.cancelled()) {
            node.put("note", "The job had already ended (" + job.status().id() + "); nothing was stopped.");
        } else if (job.exitCode() != null && job.exitCode() == 128 + 9) {
            node.put("note", "The job did not end within " + grace.toMillis() + " ms of SIGTERM; its process group was killed.");
        }
        return node;
    }
}
