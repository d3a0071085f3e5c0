package dev.warden.actions.fs;

import dev.warden.action.Action;
import dev.warden.action.ActionContext;
import dev.warden.action.ActionSpec;
import dev.warden.action.Assessment;
import dev.warden.action.Effects;
import dev.warden.action.Risk;
import dev.warden.action.Schemas;
import dev.warden.guard.PathJail;
import dev.warden.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/** {@code fs.write}: create or replace a file atomically, keeping the old bytes for undo. */
public final class WriteAction implements Action {
    /** Files larger than this are not read back for a preview diff. */
    static final long DIFF_LIMIT = 1024 * 1024;

    private final PathJail jail;
    private final ActionSpec spec = new ActionSpec("fs.write", 1, "Write a file",
            "Create or overwrite a UTF-8 text file with the given content, atomically; the parent directory must exist. "
                    + "Set createOnly=true to fail instead of overwriting. Undoable. Returns path, bytesWritten and "
                    + "whether the file was created.",
            Risk.MEDIUM, Effects.REVERSIBLE, Schemas.input("fs.write"), Schemas.output("fs.write"), true, false);

    public WriteAction(PathJail jail) {
        this.jail = jail;
    }

    @Override
    public ActionSpec spec() {
        return spec;
    }

    @Override
    public Assessment assess(ActionContext ctx, JsonNode input) {
        target(new Fields(input));
        return Assessment.of(spec.risk());
    }

    private Path target(Fields in) {
        var path = jail.resolve(in.text("path"));
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) throw FsErrors.isADirectory(path);
        if (!Files.isDirectory(path.getParent())) throw FsErrors.parentNotFound(path);
        if (in.flag("createOnly") && Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            throw FsErrors.alreadyExists(path, "Leave createOnly out to overwrite it, or choose another path.");
        }
        return path;
    }

    @Override
    public JsonNode execute(ActionContext ctx, JsonNode input) {
        var in = new Fields(input);
        var path = target(in);
        var bytes = in.text("content").getBytes(StandardCharsets.UTF_8);
        ctx.journal().preserve(path);
        boolean created = AtomicWrite.write(jail, path, bytes, in.flag("createOnly"));
        return Json.object().put("path", path.toString()).put("bytesWritten", bytes.length).put("created", created);
    }

    @Override
    public Optional<JsonNode> simulate(ActionContext ctx, JsonNode input) {
        var in = new Fields(input);
        var path = target(in);
        var content = in.text("content");
        boolean exists = Files.exists(path, LinkOption.NOFOLLOW_LINKS);
        var out = Json.object().put("path", path.toString()).put("wouldCreate", !exists)
                .put("bytes", content.getBytes(StandardCharsets.UTF_8).length);
        try {
            String before = "";
            if (exists) {
                long size = Files.size(path);
                out.put("currentSize", size);
                if (size > DIFF_LIMIT) {
                    out.put("note", "The current file is larger than " + DIFF_LIMIT + " bytes; no diff was computed.");
                    return Optional.of(out);
                }
                var current = Files.readAllBytes(path);
                var text = Content.utf8(current, current.length);
                if (text.isEmpty()) {
                    out.put("note", "The current file is binary; no diff was computed.");
                    return Optional.of(out);
                }
                before = text.get();
            }
            out.put("diff", TextDiff.unified(path.toString(), before, content));
        } catch (IOException e) {
            throw FsErrors.io("read", path, e);
        }
        return Optional.of(out);
    }
}
