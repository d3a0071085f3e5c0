package dev.warden.action;

import java.time.Instant;
import java.util.function.Supplier;

/**
 * What one call of an action may use: the journal that records pre-images for undo, and the
 * deadline. Long-lived collaborators (path jail, process runner, analyzers) are given to an action
 * through its constructor instead.
 */
public interface ActionContext {

    ChangeJournal journal();

    /** When the engine gives up on this call; actions with their own timeouts stay below it. */
    Instant deadline();

    /** Where progress goes and how a cancellation arrives; {@link CallObserver#NONE} when the front offers neither. */
    default CallObserver observer() {
        return CallObserver.NONE;
    }

    /** Who the call is made for; {@link Caller#NOBODY} outside the engine. */
    default Caller caller() {
        return Caller.NOBODY;
    }

    /**
     * {@code work}'s value, computed once per call and key: {@code assess} and {@code execute} of one
     * call get the same value, so what the guard found (a path resolved through the jail) is not
     * looked up again a few microseconds later. Only for what stays true within one call or is
     * re-checked at the moment of use; outside the engine every request computes afresh.
     */
    default <T> T once(Object key, Supplier<T> work) {
        return work.get();
    }
}
