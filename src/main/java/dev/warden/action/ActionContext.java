package dev.warden.action;

import dev.warden.guard.PathJail;
import java.time.Instant;

/**
 * What one call of an action may use: the path jail of the caller's roots and the journal that
 * records pre-images for undo. Long-lived collaborators (process runner, analyzers) are given to
 * an action through its constructor instead.
 */
public interface ActionContext {

    PathJail jail();

    ChangeJournal journal();

    /** When the engine gives up on this call; actions with their own timeouts stay below it. */
    Instant deadline();
}
