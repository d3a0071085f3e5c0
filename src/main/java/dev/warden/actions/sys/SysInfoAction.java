package dev.warden.actions.sys;

import dev.warden.action.Action;
import dev.warden.action.ActionContext;
import dev.warden.action.ActionSpec;
import dev.warden.action.Effects;
import dev.warden.action.Risk;
import dev.warden.action.Schemas;
import dev.warden.system.SystemProbe;
import tools.jackson.databind.JsonNode;

/** {@code sys.info}: what the machine is. */
final class SysInfoAction implements Action {
    static final String ID = "sys.info";

    private static final ActionSpec SPEC = new ActionSpec(ID, 1, "Describe the machine",
            "What this machine is: hostname, OS, kernel, CPU model and cores, memory and swap, disks, file systems"
                    + " with free space, uptime. For current load use sys.metrics.",
            Risk.READ, Effects.NONE, Schemas.input(ID), Schemas.output(ID), true, false);

    private final SystemProbe probe;

    SysInfoAction(SystemProbe probe) {
        this.probe = probe;
    }

    @Override
    public ActionSpec spec() {
        return SPEC;
    }

    @Override
    public JsonNode execute(ActionContext ctx, JsonNode input) {
        return probe.info();
    }
}
