package dev.warden.actions.job;

import dev.warden.action.Action;
import dev.warden.action.ActionContext;
import dev.warden.action.ActionSpec;
import dev.warden.action.Assessment;
import dev.warden.action.Effects;
import dev.warden.action.Risk;
import dev.warden.action.Schemas;
import dev.warden.actions.shell.ShellExecAction;
import dev.warden.jobs.Jobs;
import dev.warden.sandbox.SandboxLevel;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code job.start}: {@code shell.exec}'s command in the background. The command is prepared and
 * assessed by {@code shell.exec} itself (same parsing, working directory check and risk analysis),
 * so a job is never judged more leniently than the same command run in the foreground.
 */
final class JobStartAction implements Action {
    static final String ID = "job.start";

    private static final ActionSpec SPEC = new ActionSpec(ID, 1, "Start a background job",
            "Start a long-running command (build, server, install) in the background; returns its jobId at once. Same"
                    + " input as shell.exec (sandbox: process or isolated) plus closeStdin; runs up to 24 h. Read output with"
                    + " job.output (sinceLast), write stdin with job.input, stop it with job.cancel.",
            Risk.MEDIUM, Effects.IRREVERSIBLE, Schemas.input(ID), Schemas.output(ID), false, true);

    /** Fields of job.start that shell.exec does not have, or reads differently. */
    private static final String[] JOB_ONLY = {"closeStdin", "timeoutMs"};

    private final ShellExecAction shell;
    private final Jobs jobs;

    JobStartAction(ShellExecAction shell, Jobs jobs) {
        this.shell = shell;
        this.jobs = jobs;
    }

    @Override
    public ActionSpec spec() {
        return SPEC;
    }

    @Override
    public Risk lowestRisk() {
        return shell.lowestRisk();
    }

    /** As shell.exec would assess the command at the level the job will actually run at. */
    @Override
    public Assessment assess(ActionContext ctx, JsonNode input) {
        return shell.assess(ctx, asShell(input, jobs.level(text(input, "sandbox"))));
    }

    @Override
    public JsonNode execute(ActionContext ctx, JsonNode input) {
        var level = jobs.level(text(input, "sandbox"));
        var command = asShell(input, level);
        var risk = shell.assess(ctx, command).risk();
        var timeout = input.has("timeoutMs") ? Duration.ofMillis(input.get("timeoutMs").asLong()) : null;
        var record = jobs.start(ctx.caller(), new Jobs.Start(shell.detachedSpec(command), commandOf(input), risk.id(),
                timeout, input.path("closeStdin").asBoolean(false), level));
        var node = record.toJson(Instant.now());
        node.put("note", "Running in the background. Read its output with job.output {\"jobId\": \"" + record.id()
                + "\", \"sinceLast\": true, \"waitMs\": 10000} (or GET /v1/jobs/" + record.id() + "/stream);"
                + " stop it with job.cancel.");
        return node;
    }

    @Override
    public Optional<JsonNode> simulate(ActionContext ctx, JsonNode input) {
        return shell.simulate(ctx, asShell(input, jobs.level(text(input, "sandbox")))).map(dry -> {
            var node = (ObjectNode) dry;
            var timeout = input.has("timeoutMs") ? Duration.ofMillis(input.get("timeoutMs").asLong())
                    : jobs.limits().defaultTimeout();
            if (timeout.compareTo(jobs.limits().maxTimeout()) > 0) timeout = jobs.limits().maxTimeout();
            var sandbox = node.path("sandbox");
            if (sandbox instanceof ObjectNode s) {
                s.put("timeoutMs", timeout.toMillis());
                s.put("ringBytes", jobs.limits().ringBytes());
            }
            node.put("background", true);
            node.put("note", "Nothing was run. job.start would run this in the background and answer with a jobId at once.");
            return node;
        });
    }

    /** The input as shell.exec reads it: the same command, cwd, env and stdin, at the job's level. */
    private static JsonNode asShell(JsonNode input, SandboxLevel level) {
        var copy = (ObjectNode) input.deepCopy();
        for (var field : JOB_ONLY) copy.remove(field);
        copy.put("sandbox", level.id());
        return copy;
    }

    private static String text(JsonNode input, String field) {
        var node = input.get(field);
        return node == null || node.isNull() ? null : node.asString();
    }

    /** The command as recorded with the job: never its env or stdin, which may hold secrets. */
    private static ObjectNode commandOf(JsonNode input) {
        var node = tools.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        if (input.has("command")) node.put("command", input.get("command").asString());
        else node.set("argv", input.get("argv").deepCopy());
        return node;
    }
}
