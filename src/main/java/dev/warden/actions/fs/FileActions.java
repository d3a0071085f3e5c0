package dev.warden.actions.fs;

import dev.warden.action.Action;
import dev.warden.guard.PathJail;
import java.util.List;

/** The file-system actions, for registering in one go. */
public final class FileActions {
    private FileActions() {}

    public static List<Action> all(PathJail jail) {
        return List.of(new ReadAction(jail), new WriteAction(jail), new EditAction(jail), new ListAction(jail),
                new StatAction(jail), new SearchAction(jail), new MoveAction(jail), new CopyAction(jail),
                new DeleteAction(jail), new MkdirAction(jail));
    }
}
