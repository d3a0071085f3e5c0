package dev.warden.action;

import java.nio.file.Path;
import tools.jackson.databind.JsonNode;

/**
 * The undo journal as an action sees it. An action records what it is about to change
 * <em>before</em> changing it; the engine commits the record (and hands out an undo id) only
 * if the action succeeds.
 */
public interface ChangeJournal {

    /**
     * Take exclusive use of {@code path} until the call ends, so no other call changes it in
     * between. Call it before reading what you are about to change (read-modify-write); the
     * recording methods below claim their paths themselves.
     */
    void claim(Path path);

    /** Keep the current state of {@code path} (its bytes, or the fact that it does not exist). */
    void preserve(Path path);

    /** Note that the action created {@code path} (file or directory tree); undo removes it. */
    void created(Path path);

    /** Note that the action moved {@code from} to {@code to}; undo moves it back. */
    void moved(Path from, Path to);

    /**
     * Soft delete: move {@code path} into the journal's trash instead of deleting it. Undo puts
     * it back. Returns where it went.
     */
    Path trash(Path path);

    /** Restore everything recorded under {@code undoId}; returns a summary of what was restored. */
    JsonNode undo(String undoId);
}
