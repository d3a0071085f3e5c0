package dev.warden.actions.job;

import dev.warden.action.Action;
import dev.warden.action.ActionContext;
import dev.warden.action.ActionSpec;
import dev.warden.action.Effects;
import dev.warden.action.Risk;
import dev.warden.action.Schemas;
import dev.warden.jobs.JobRecord;
import dev.warden.jobs.JobStatus;
import dev.warden.jobs.Jobs;
import dev.warden.json.Json;
import java.time.Instant;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** {@code job.list}: the caller's jobs (an admin's: every job of the project), newest first. */
final class JobListAction implements Action {
    static final String ID = "job.list";

    private static final ActionSpec SPEC = new ActionSpec(ID, 1, "List background jobs",
            "List background jobs, newest first: yours, or all of the project's for an admin. Filter by status (running,"
                    + " exited, cancelled, lost) or jobId. Each has its command, status, exit code, start and end time,"
                    + " and output size.",
            Risk.READ, Effects.NONE, Schemas.input(ID), Schemas.output(ID), true, false);

    private final Jobs jobs;

    JobListAction(Jobs jobs) {
        this.jobs = jobs;
    }

    @Override
    public ActionSpec spec() {
        return SPEC;
    }

    @Override
    public JsonNode execute(ActionContext ctx, JsonNode input) {
        List<JobRecord> found;
        if (input.has("jobId")) {
            found = List.of(jobs.get(ctx.caller(), JobActions.jobId(input)));
        } else {
            var status = input.has("status") ? JobStatus.of(input.get("status").asString()) : null;
            found = jobs.list(ctx.caller(), status, input.path("limit").asInt(50));
        }
        var now = Instant.now();
        var node = Json.object();
        var list = node.putArray("jobs");
        found.forEach(job -> list.add(job.toJson(now)));
        node.put("running", found.stream().filter(j -> j.status() == JobStatus.RUNNING).count());
        return node;
    }
}
