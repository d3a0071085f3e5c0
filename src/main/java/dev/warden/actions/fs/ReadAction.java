package dev.warden.actions.fs;

import dev.warden.action.Action;
import dev.warden.action.ActionContext;
import dev.warden.action.ActionException;
import dev.warden.action.ActionSpec;
import dev.warden.action.Assessment;
import dev.warden.action.Effects;
import dev.warden.action.ErrorKind;
import dev.warden.action.Risk;
import dev.warden.action.Schemas;
import dev.warden.guard.PathJail;
import dev.warden.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code fs.read}: a file's content, by byte range or line range, capped so an answer stays small. */
public final class ReadAction implements Action {
    static final int DEFAULT_CAP = 256 * 1024;

    private final PathJail jail;
    private final int cap;
    private final ActionSpec spec = new ActionSpec("fs.read", 1, "Read a file",
            "Read a file inside the allowed roots. Use startLine/endLine for a line range or offset/length for bytes. "
                    + "Returns content (utf-8 text, or base64 for binary), size and, when capped at 256 KiB, "
                    + "truncated=true with nextOffset/nextLine to continue.",
            Risk.READ, Effects.NONE, Schemas.input("fs.read"), Schemas.output("fs.read"), true, false);

    public ReadAction(PathJail jail) {
        this(jail, DEFAULT_CAP);
    }

    ReadAction(PathJail jail, int cap) {
        this.jail = jail;
        this.cap = cap;
    }

    @Override
    public ActionSpec spec() {
        return spec;
    }

    @Override
    public Assessment assess(ActionContext ctx, JsonNode input) {
        target(ctx, new Fields(input));
        return Assessment.of(spec.risk());
    }

    /** Key of the path {@code assess} resolved, for {@code execute} to reuse: the jail re-checks it at the open. */
    private record Target(String path) {}

    private Path target(ActionContext ctx, Fields in) {
        if ((in.has("offset") || in.has("length")) && (in.has("startLine") || in.has("endLine"))) {
            throw new ActionException(ErrorKind.BAD_INPUT, "conflicting_range",
                    "Give either a byte range (offset, length) or a line range (startLine, endLine), not both.",
                    "Drop offset/length to read by lines, or startLine/endLine to read by bytes.");
        }
        if (in.has("startLine") && in.has("endLine") && in.number("endLine", 0) < in.number("startLine", 1)) {
            throw new ActionException(ErrorKind.BAD_INPUT, "invalid_range", "endLine is before startLine.",
                    "Pass endLine >= startLine.");
        }
        var text = in.text("path");
        return ctx.once(new Target(text), () -> {
            var found = jail.find(text);
            if (found.attributes().isDirectory()) throw FsErrors.isADirectory(found.path());
            return found.path();
        });
    }

    @Override
    public JsonNode execute(ActionContext ctx, JsonNode input) {
        var in = new Fields(input);
        var path = target(ctx, in);
        try {
            return in.has("startLine") || in.has("endLine") ? readLines(path, in) : readBytes(path, in);
        } catch (NoSuchFileException e) {
            // Removed since the guard resolved it.
            throw PathJail.notFound(path);
        } catch (IOException e) {
            throw FsErrors.io("read", path, e);
        }
    }

    private JsonNode readBytes(Path path, Fields in) throws IOException {
        try (var channel = jail.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            long offset = in.number("offset", 0);
            if (offset > size) {
                throw new ActionException(ErrorKind.BAD_INPUT, "offset_beyond_end",
                        "offset " + offset + " is beyond the end of " + path + " (" + size + " bytes).",
                        "Call fs.read with an offset below " + size + ".");
            }
            long end = in.has("length") ? Math.min(size, offset + in.number("length", 0)) : size;
            int want = (int) Math.min(end - offset, cap);
            var bytes = new byte[want];
            var buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining() && channel.read(buffer, offset + buffer.position()) > 0) { }
            int got = buffer.position();
            boolean truncated = offset + got < end;
            if (truncated) got -= Content.cutCharacter(bytes, got);
            var out = base(path, size);
            var text = Content.utf8(bytes, got);
            if (text.isPresent()) {
                out.put("content", text.get()).put("encoding", "utf-8");
            } else {
                out.put("content", Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(bytes, got))).put("encoding", "base64");
            }
            out.put("offset", offset).put("bytesReturned", got).put("truncated", truncated);
            if (truncated) {
                long next = offset + got;
                out.put("nextOffset", next).put("hint", "call fs.read with offset=" + next + " to continue");
            }
            return out;
        }
    }

    private JsonNode readLines(Path path, Fields in) throws IOException {
        long start = in.number("startLine", 1);
        long last = in.number("endLine", Long.MAX_VALUE);
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        try (var channel = jail.open(path, StandardOpenOption.READ);
             var reader = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), decoder))) {
            long size = channel.size();
            var content = new StringBuilder();
            long lineNo = 0;
            long bytes = 0;
            boolean truncated = false;
            String line;
            while ((line = nextLine(reader, cap, path, lineNo + 1)) != null) {
                lineNo++;
                if (line.indexOf('\0') >= 0) throw FsErrors.binary(path);
                if (lineNo < start) continue;
                if (lineNo > last) {
                    lineNo--;
                    break;
                }
                long lineBytes = line.getBytes(StandardCharsets.UTF_8).length;
                if (bytes + lineBytes > cap && lineNo > start) {
                    truncated = true;
                    lineNo--;
                    break;
                }
                content.append(line);
                bytes += lineBytes;
            }
            var out = base(path, size).put("content", content.toString()).put("encoding", "utf-8");
            out.put("startLine", start).put("endLine", Math.max(start - 1, lineNo)).put("truncated", truncated);
            if (truncated) {
                out.put("nextLine", lineNo + 1).put("hint", "call fs.read with startLine=" + (lineNo + 1) + " to continue");
            }
            return out;
        } catch (CharacterCodingException e) {
            throw FsErrors.binary(path);
        }
    }

    /** One line with its terminator, or null at the end. */
    private static String nextLine(BufferedReader reader, int max, Path path, long lineNo) throws IOException {
        var line = new StringBuilder();
        int c;
        while ((c = reader.read()) >= 0) {
            line.append((char) c);
            if (c == '\n') break;
            if (line.length() > max) {
                throw new ActionException(ErrorKind.LIMIT, "line_too_long",
                        "Line " + lineNo + " of " + path + " is longer than " + max + " characters.",
                        "Call fs.read with offset and length to read it in byte ranges.");
            }
        }
        return line.isEmpty() ? null : line.toString();
    }

    private static ObjectNode base(Path path, long size) {
        return Json.object().put("path", path.toString()).put("size", size);
    }
}
