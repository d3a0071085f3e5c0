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
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code fs.stat}: what is at a path. On the hot path, so it costs one resolve and one attribute
 * read; a symlink's own details are looked up only when the named path differs from its real path.
 * A missing path inside the roots is an answer ({@code exists: false}), not an error.
 */
public final class StatAction implements Action {
    private final PathJail jail;
    private final OwnerNames owners = new OwnerNames();
    private final ActionSpec spec = new ActionSpec("fs.stat", 1, "Describe a path",
            "Check whether a path inside the allowed roots exists and what it is: type (file, dir, symlink, other), "
                    + "size, modified time, permissions like rw-r--r--, owner, and a symlink's target. A missing path "
                    + "gives exists=false.",
            Risk.READ, Effects.NONE, Schemas.input("fs.stat"), Schemas.output("fs.stat"), true, false);

    public StatAction(PathJail jail) {
        this.jail = jail;
    }

    @Override
    public ActionSpec spec() {
        return spec;
    }

    @Override
    public Assessment assess(ActionContext ctx, JsonNode input) {
        jail.resolve(input.path("path").asString());
        return Assessment.of(spec.risk());
    }

    @Override
    public JsonNode execute(ActionContext ctx, JsonNode input) {
        var text = input.path("path").asString();
        var real = jail.resolve(text);
        var named = jail.absolute(text);
        var out = Json.object();
        boolean link = false;
        if (!named.equals(real) && Files.isSymbolicLink(named) && jail.inside(jail.recheck(named.getParent()))) {
            link = true;
            out.put("path", named.toString());
            try {
                out.put("target", Files.readSymbolicLink(named).toString());
            } catch (IOException e) {
                throw FsErrors.io("read the link", named, e);
            }
            out.put("resolvedPath", real.toString());
        } else {
            out.put("path", real.toString());
        }
        try {
            var attrs = Files.readAttributes(real, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            out.put("exists", true).put("type", ListAction.type(attrs)).put("size", attrs.size())
                    .put("modified", attrs.lastModifiedTime().toInstant().toString())
                    .put("permissions", PosixFilePermissions.toString(attrs.permissions()))
                    .put("owner", owners.nameOf(real, attrs));
            if (input.path("sha256").asBoolean(false) && attrs.isRegularFile()) out.put("sha256", sha256(real));
        } catch (NoSuchFileException e) {
            return missing(out, link);
        } catch (IOException e) {
            throw FsErrors.io("read the attributes of", real, e);
        }
        return out.put("isSymlink", link);
    }

    private static ObjectNode missing(ObjectNode out, boolean link) {
        return out.put("exists", false).put("isSymlink", link);
    }


    private static String sha256(java.nio.file.Path file) throws IOException {
        try (var in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            var digest = java.security.MessageDigest.getInstance("SHA-256");
            var buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) digest.update(buffer, 0, n);
            return java.util.HexFormat.of().formatHex(digest.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
