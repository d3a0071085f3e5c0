package dev.warden.actions.job;

import dev.warden.action.Action;
import dev.warden.action.ActionContext;
import dev.warden.action.ActionException;
import dev.warden.action.ActionSpec;
import dev.warden.action.Effects;
import dev.warden.action.ErrorKind;
import dev.warden.action.Risk;
import dev.warden.action.Schemas;
import dev.warden.jobs.Jobs;
import dev.warden.jobs.ReadFrom;
import dev.warden.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import tools.jackson.databind.JsonNode;

/** {@code job.output}: a job's output from an offset, since the caller's last read, or its tail. */
final class JobOutputAction implements Action {
    static final String ID = "job.output";
    private static final int DEFAULT_MAX_BYTES = 64 * 1024;

    private static final ActionSpec SPEC = new ActionSpec(ID, 1, "Read a job's output",
            "Read a background job's output (stdout and stderr interleaved): from an offset, only what is new since your"
                    + " last read (sinceLast), or the last lines (tailLines). waitMs waits for new output. Returns data,"
                    + " nextOffset, the job's status and exit code, and droppedBytes.",
            Risk.READ, Effects.NONE, Schemas.input(ID), Schemas.output(ID), false, false);

    private final Jobs jobs;

    JobOutputAction(Jobs jobs) {
        this.jobs = jobs;
    }

    @Override
    public ActionSpec spec() {
        return SPEC;
    }

    @Override
    public JsonNode execute(ActionContext ctx, JsonNode input) {
        var id = JobActions.jobId(input);
        var read = jobs.read(ctx.caller(), id, from(input), input.path("maxBytes").asInt(DEFAULT_MAX_BYTES),
                Duration.ofMillis(input.path("waitMs").asLong(0)));
        var job = read.job();
        var slice = read.slice();
        var node = Json.object();
        node.put("jobId", job.id());
        node.put("status", job.status().id());
        if (job.exitCode() != null) node.put("exitCode", job.exitCode());
        node.put("data", read.text().data());
        node.put("offset", read.text().offset());
        node.put("nextOffset", read.text().nextOffset());
        node.put("endOffset", slice.endOffset());
        node.put("firstOffset", slice.firstOffset());
        node.put("droppedBytes", slice.droppedBytes());
        node.put("hasMore", slice.hasMore());
        node.put("finished", read.finished());
        node.put("stored", read.stored());
        node.set("job", job.toJson(Instant.now()));
        var notes = new ArrayList<String>();
        if (slice.droppedBytes() > 0) {
            notes.add(slice.droppedBytes() + " bytes from offset " + slice.requested() + " were dropped: only the newest "
                    + (read.stored() ? "part is stored" : jobs.limits().ringBytes() + " bytes of a job's output are kept")
                    + ". Redirect the command's output to a file inside the roots to keep all of it.");
        }
        if (read.stored()) {
            notes.add("Read from the store, which keeps the newest " + jobs.limits().storedTailBytes() + " bytes: the job"
                    + " runs in another Warden process or ended a while ago" + (job.status().id().equals("running")
                    ? "; the stored output is brought up to date about every second." : "."));
        }
        if (!notes.isEmpty()) node.put("note", String.join(" ", notes));
        return node;
    }

    private static ReadFrom from(JsonNode input) {
        var given = new ArrayList<String>();
        for (var field : new String[] {"offset", "sinceLast", "tailLines", "tailBytes"}) {
            if (input.has(field) && !(field.equals("sinceLast") && !input.get(field).asBoolean())) given.add(field);
        }
        if (given.size() > 1) {
            throw new ActionException(ErrorKind.BAD_INPUT, "invalid_input",
                    "Give at most one of offset, sinceLast, tailLines and tailBytes; got " + String.join(", ", given) + ".",
                    "Use offset to continue from a nextOffset, sinceLast for what is new, tailLines for the end.");
        }
        if (given.isEmpty()) return new ReadFrom.Offset(0);
        return switch (given.getFirst()) {
            case "offset" -> new ReadFrom.Offset(input.get("offset").asLong());
            case "sinceLast" -> new ReadFrom.SinceLast();
            case "tailLines" -> new ReadFrom.TailLines(input.get("tailLines").asInt());
            default -> new ReadFrom.TailBytes(input.get("tailBytes").asLong());
        };
    }
}
