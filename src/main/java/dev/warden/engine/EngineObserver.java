package dev.warden.engine;

import dev.warden.policy.Effect;

/**
 * Hears what the pipeline did, for metrics: every outcome with its duration and the policy's effect
 * (null when no decision was reached), and how long each audit append took to become durable.
 * Called on the request's thread; must be cheap and must not throw.
 */
public interface EngineObserver {
    EngineObserver NONE = new EngineObserver() {
        @Override
        public void outcome(Intent intent, Outcome outcome, Effect effect, long nanos) {}

        @Override
        public void auditAppended(long nanos) {}
    };

    void outcome(Intent intent, Outcome outcome, Effect effect, long nanos);

    void auditAppended(long nanos);
}
