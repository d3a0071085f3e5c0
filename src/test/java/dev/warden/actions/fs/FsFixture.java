package dev.warden.actions.fs;

import dev.warden.action.Action;
import dev.warden.action.ActionContext;
import dev.warden.action.ActionException;
import dev.warden.action.ChangeJournal;
import dev.warden.guard.PathJail;
import dev.warden.identity.Principal;
import dev.warden.journal.Journal;
import dev.warden.json.Json;
import dev.warden.store.Database;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/** A real jail over a temporary root, a real journal over SQLite, and calls made the way the engine makes them. */
public final class FsFixture implements AutoCloseable {
    public record Ctx(ChangeJournal journal, Instant deadline) implements ActionContext {}

    /** What one call produced: its output and the undo id the engine would hand out. */
    public record Result(JsonNode output, Optional<String> undoId) {}

    public final Path root;
    public final Path outside;
    public final PathJail jail;
    public final Database db;
    public final Journal journal;
    private final Principal principal = Principal.localAdmin("tester");

    public FsFixture(Path tmp) {
        try {
            root = Files.createDirectories(tmp.resolve("root")).toRealPath();
            outside = Files.createDirectories(tmp.resolve("root2")).toRealPath();
            Files.writeString(outside.resolve("secret.txt"), "secret");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        jail = new PathJail(List.of(root));
        db = Database.openSqlite(tmp.resolve("data"));
        journal = new Journal(db, tmp.resolve("data/journal"), Clock.systemUTC(), jail);
    }

    public static JsonNode input(String json) {
        return Json.parse(json.replace('\'', '"'));
    }

    /** assess, then execute, then commit; abandon on failure, as the engine does. */
    public Result run(Action action, JsonNode input) {
        var recorder = journal.begin(principal, action.spec().id());
        var ctx = new Ctx(recorder, Instant.now().plusSeconds(60));
        try {
            action.assess(ctx, input);
            var output = action.execute(ctx, input);
            return new Result(output, recorder.commit());
        } catch (RuntimeException e) {
            recorder.abandon();
            throw e;
        }
    }

    public JsonNode simulate(Action action, JsonNode input) {
        var recorder = journal.begin(principal, action.spec().id());
        var ctx = new Ctx(recorder, Instant.now().plusSeconds(60));
        try {
            action.assess(ctx, input);
            return action.simulate(ctx, input).orElseThrow();
        } finally {
            recorder.abandon();
        }
    }

    /** The refusal a call ends with, from assess or execute. */
    public ActionException refusal(Action action, JsonNode input) {
        try {
            run(action, input);
        } catch (ActionException e) {
            return e;
        }
        throw new AssertionError("expected " + action.spec().id() + " to refuse " + input);
    }

    /** The refusal from the guard stage alone: proves the check happens before policy and execution. */
    public ActionException assessRefusal(Action action, JsonNode input) {
        try {
            action.assess(new Ctx(journal.begin(principal, "x"), Instant.now()), input);
        } catch (ActionException e) {
            return e;
        }
        throw new AssertionError("expected assess to refuse " + input);
    }

    public JsonNode undo(String id) {
        return journal.undo(id);
    }

    @Override
    public void close() {
        db.close();
    }
}
