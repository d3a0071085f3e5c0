package dev.warden.journal;

import dev.warden.json.Json;
import java.nio.file.Path;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** One recorded change inside an undo entry; stored as JSON in {@code undo_entries.items}. */
sealed interface Change {

    /** The paths whose state undo relies on; their fingerprints are taken at commit. */
    List<Path> paths();

    ObjectNode toJson();

    /** The state of {@code path} before the action: a file's blob and mode, a directory, a link, or nothing. */
    record Preserved(Path path, String was, String blob, String mode, String target) implements Change {
        static final String FILE = "file", DIR = "dir", LINK = "link", ABSENT = "absent";

        public List<Path> paths() {
            return List.of(path);
        }

        public ObjectNode toJson() {
            var node = Json.object().put("op", "preserve").put("path", path.toString()).put("was", was);
            if (blob != null) node.put("blob", blob);
            if (mode != null) node.put("mode", mode);
            if (target != null) node.put("target", target);
            return node;
        }
    }

    /** The action created {@code path}; undo removes it. */
    record Created(Path path) implements Change {
        public List<Path> paths() {
            return List.of(path);
        }

        public ObjectNode toJson() {
            return Json.object().put("op", "created").put("path", path.toString());
        }
    }

    /** The action renamed {@code from} to {@code to}; undo renames it back. */
    record Moved(Path from, Path to) implements Change {
        public List<Path> paths() {
            return List.of(from, to);
        }

        public ObjectNode toJson() {
            return Json.object().put("op", "moved").put("from", from.toString()).put("to", to.toString());
        }
    }

    /** {@code path} was moved into the journal's trash at {@code trash}; undo moves it back. */
    record Trashed(Path path, Path trash) implements Change {
        public List<Path> paths() {
            return List.of(path);
        }

        public ObjectNode toJson() {
            return Json.object().put("op", "trashed").put("path", path.toString()).put("trash", trash.toString());
        }
    }

    static Change fromJson(JsonNode node) {
        return switch (node.path("op").asString()) {
            case "preserve" -> new Preserved(path(node, "path"), node.path("was").asString(), text(node, "blob"),
                    text(node, "mode"), text(node, "target"));
            case "created" -> new Created(path(node, "path"));
            case "moved" -> new Moved(path(node, "from"), path(node, "to"));
            case "trashed" -> new Trashed(path(node, "path"), path(node, "trash"));
            default -> throw new IllegalStateException("unknown journal item " + node);
        };
    }

    private static Path path(JsonNode node, String field) {
        return Path.of(node.path(field).asString());
    }

    private static String text(JsonNode node, String field) {
        var value = node.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }
}
