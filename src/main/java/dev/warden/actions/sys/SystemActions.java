package dev.warden.actions.sys;

import dev.warden.action.Action;
import dev.warden.system.ProcessTable;
import dev.warden.system.SystemProbe;
import java.util.List;

/** The {@code sys.*} and {@code proc.*} actions: the machine's facts, its load, and its processes. */
public final class SystemActions {
    private SystemActions() {}

    public static List<Action> all(SystemProbe probe, ProcessTable processes) {
        return List.of(new SysInfoAction(probe), new SysMetricsAction(probe), new ProcListAction(processes),
                new ProcInfoAction(processes), new ProcKillAction(processes));
    }
}
