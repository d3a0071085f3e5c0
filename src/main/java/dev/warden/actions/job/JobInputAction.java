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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * {@code job.input}: text to a running job's standard input. What the input can make the job do
 * is what the job's own command can do, so a call is assessed at the risk the job started with.
 */
final class JobInputAction implements Action {
    static final String ID = "job.input";
    private static final Duration WAIT = Duration.ofSeconds(5);

    private static final ActionSpec SPEC = new ActionSpec(ID, 1, "Write to a job's input",
            "Write text to a running background job's standard input (data; add \\n to end a line), and/or close it"
                    + " (eof: true) so the job reads end-of-file. Returns the bytes sent and whether the job has taken"
                    + " them yet (pending).",
            Risk.MEDIUM, Effects.IRREVERSIBLE, Schemas.input(ID), Schemas.output(ID), false, false);

    private final Jobs jobs;

    JobInputAction(Jobs jobs) {
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

    /** The job's own risk; a job the caller may not see is judged at the declared risk and then not found. */
    @Override
    public Assessment assess(ActionContext ctx, JsonNode input) {
        try {
            var job = jobs.get(ctx.caller(), JobActions.jobId(input));
            return new Assessment(Risk.parse(job.risk()), List.of("input to job " + job.id() + " (" + job.commandLine()
                    + "), assessed as its command was"));
        } catch (ActionException e) {
            if (e.kind() != ErrorKind.NOT_FOUND) throw e;
            return Assessment.of(SPEC.risk());
        }
    }

    @Override
    public JsonNode execute(ActionContext ctx, JsonNode input) {
        var id = JobActions.jobId(input);
        var eof = input.path("eof").asBoolean(false);
        if (!input.has("data") && !eof) {
            throw new ActionException(ErrorKind.BAD_INPUT, "invalid_input", "Give data to write, eof: true, or both.",
                    "E.g. {\"jobId\": \"" + id + "\", \"data\": \"yes\\n\"}.");
        }
        var data = input.path("data").asString("").getBytes(StandardCharsets.UTF_8);
        var written = jobs.write(ctx.caller(), id, data, eof, WAIT);
        var node = Json.object();
        node.put("jobId", id);
        node.put("bytes", written.bytes());
        node.put("eof", written.eof());
        node.put("pending", written.pending());
        node.put("status", written.job().status().id());
        if (written.pending()) {
            node.put("note", "The job has not read all of it within " + WAIT.toSeconds() + " s; the rest stays queued and"
                    + " later input follows it. Check job.output to see whether the job waits for something else.");
        }
        return node;
    }
}
