package dev.warden.actions.sys;

import dev.warden.action.Action;
import dev.warden.action.ActionContext;
import dev.warden.action.ActionSpec;
import dev.warden.action.Effects;
import dev.warden.action.Risk;
import dev.warden.action.Schemas;
import dev.warden.system.SystemProbe;
import tools.jackson.databind.JsonNode;

/** {@code sys.metrics}: how busy the machine is now. */
final class SysMetricsAction implements Action {
    static final String ID = "sys.metrics";

    private static final ActionSpec SPEC = new ActionSpec(ID, 1, "Sample the machine's load",
            "Current load: CPU percent (total and per core), load averages, memory and swap use, disk and network"
                    + " bytes per second, file system use, process count. Rates cover the seconds since the last sample.",
            Risk.READ, Effects.NONE, Schemas.input(ID), Schemas.output(ID), false, false);

    private final SystemProbe probe;

    SysMetricsAction(SystemProbe probe) {
        this.probe = probe;
    }

    @Override
    public ActionSpec spec() {
        return SPEC;
    }

    @Override
    public JsonNode execute(ActionContext ctx, JsonNode input) {
        return probe.sample();
    }
}
