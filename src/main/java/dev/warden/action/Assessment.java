package dev.warden.action;

import java.util.List;

/** The guard's verdict on one call: its risk and, where the risk was raised, why. */
public record Assessment(Risk risk, List<String> reasons) {
    public Assessment {
        reasons = List.copyOf(reasons);
    }

    public static Assessment of(Risk risk) {
        return new Assessment(risk, List.of());
    }
}
