package dev.warden.actions.job;

import dev.warden.action.Action;
import dev.warden.action.ActionException;
import dev.warden.action.ErrorKind;
import dev.warden.actions.shell.ShellExecAction;
import dev.warden.jobs.Jobs;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** The {@code job.*} actions: background processes that outlive the call that started them. */
public final class JobActions {
    private JobActions() {}

    /** {@code shell} prepares and assesses commands exactly as {@code shell.exec} does; {@code jobs} runs them. */
    public static List<Action> all(ShellExecAction shell, Jobs jobs) {
        return List.of(new JobStartAction(shell, jobs), new JobOutputAction(jobs), new JobInputAction(jobs),
                new JobCancelAction(jobs), new JobListAction(jobs));
    }

    static String jobId(JsonNode input) {
        var id = input.path("jobId").asString("");
        if (id.isBlank()) {
            throw new ActionException(ErrorKind.BAD_INPUT, "invalid_input", "jobId is required.",
                    "Pass the jobId that job.start returned; job.list shows your jobs.");
        }
        return id;
    }
}
