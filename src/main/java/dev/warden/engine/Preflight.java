package dev.warden.engine;

import dev.warden.action.Risk;
import dev.warden.policy.Approvers;
import dev.warden.policy.Effect;
import java.util.List;

/**
 * What the pipeline would make of an intent, up to and including the policy's decision, without
 * running it: how a plan answers for all its steps before any of them runs. Not audited by itself;
 * the plan's own record says what the plan was told.
 */
public sealed interface Preflight {

    /** The intent would be refused before any decision: unknown action, bad input, a guard. */
    record Refused(String code, String detail, String hint, List<Outcome.FieldError> errors) implements Preflight {
        public Refused {
            errors = List.copyOf(errors);
        }
    }

    /** The policy's answer, at the risk the guards assessed ({@code assessed} false: the declared risk, input not final yet). */
    record Decided(Effect effect, String reason, String rule, Risk risk, boolean assessed, Approvers approvers)
            implements Preflight {}
}
