package dev.warden.actions.memory;

import dev.warden.action.Action;
import dev.warden.memory.MemoryStore;
import java.util.List;

/**
 * The {@code memory.*} actions: facts a user asks Warden's agent to keep (a preference, where a
 * project lives, what not to touch). They belong to the caller's user in the caller's project, and
 * no call can see or change anyone else's.
 */
public final class MemoryActions {
    private MemoryActions() {}

    public static List<Action> all(MemoryStore store) {
        return List.of(new MemoryRememberAction(store), new MemoryForgetAction(store), new MemoryListAction(store));
    }
}
