package dev.warden.actions.sys;

import dev.warden.action.Action;
import dev.warden.action.ActionContext;
import dev.warden.action.ActionException;
import dev.warden.action.ActionSpec;
import dev.warden.action.Effects;
import dev.warden.action.ErrorKind;
import dev.warden.action.Risk;
import dev.warden.action.Schemas;
import dev.warden.system.ProcessTable;
import tools.jackson.databind.JsonNode;

/** {@code proc.info}: one process in detail. */
final class ProcInfoAction implements Action {
    static final String ID = "proc.info";

    private static final ActionSpec SPEC = new ActionSpec(ID, 1, "Describe a process",
            "One process in detail: command line and arguments, executable, working directory, user, state, parent"
                    + " and children, CPU and memory, threads, open files, I/O. Never its environment.",
            Risk.READ, Effects.NONE, Schemas.input(ID), Schemas.output(ID), false, false);

    private final ProcessTable processes;

    ProcInfoAction(ProcessTable processes) {
        this.processes = processes;
    }

    @Override
    public ActionSpec spec() {
        return SPEC;
    }

    @Override
    public JsonNode execute(ActionContext ctx, JsonNode input) {
        int pid = input.get("pid").asInt();
        return processes.info(pid).orElseThrow(() -> notFound(pid));
    }

    static ActionException notFound(int pid) {
        return new ActionException(ErrorKind.NOT_FOUND, "process_not_found", "No process has id " + pid + ".",
                "Call proc.list (filter by name) to find the process's current id.");
    }
}
