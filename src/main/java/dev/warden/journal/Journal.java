package dev.warden.journal;

import dev.warden.action.ChangeJournal;
import dev.warden.identity.Principal;
import java.util.Optional;

/** SKELETON: the undo journal. Replaced by the real implementation. */
public final class Journal {
    /** A journal for one call; its records become an undo entry only when {@link Recorder#commit} is called. */
    public interface Recorder extends ChangeJournal {
        Optional<String> commit();

        void abandon();
    }

    public Recorder begin(Principal principal, String actionId) {
        throw new UnsupportedOperationException();
    }
}
