package dev.warden.actions.fs;

import dev.warden.action.ActionException;
import dev.warden.action.ErrorKind;
import java.io.IOException;
import java.nio.file.Path;

/** The refusals several fs actions share, worded once so every action says the same thing. */
final class FsErrors {
    private FsErrors() {}

    static ActionException isADirectory(Path path) {
        return new ActionException(ErrorKind.CONFLICT, "is_a_directory", path + " is a directory, not a file.",
                "Call fs.list on " + path + " to see its entries.");
    }

    static ActionException notADirectory(Path path) {
        return new ActionException(ErrorKind.CONFLICT, "not_a_directory", path + " is not a directory.",
                "Call fs.stat on " + path + " to see what it is, or fs.read to read it.");
    }

    static ActionException parentNotFound(Path path) {
        return new ActionException(ErrorKind.NOT_FOUND, "parent_not_found",
                "The directory " + path.getParent() + " does not exist.",
                "Call fs.mkdir with path=" + path.getParent() + " and parents=true first.");
    }

    static ActionException alreadyExists(Path path, String hint) {
        return new ActionException(ErrorKind.CONFLICT, "already_exists", path + " already exists.", hint);
    }

    static ActionException refusedRoot(Path path) {
        return new ActionException(ErrorKind.REFUSED, "refused_root",
                path + " is an allowed root (or contains one); Warden does not remove or move a root.",
                "Act on the entries inside it instead; call fs.list on " + path + " to see them.");
    }

    static ActionException binary(Path path) {
        return new ActionException(ErrorKind.BAD_INPUT, "binary_file",
                path + " is not UTF-8 text, so it cannot be handled line by line or edited as text.",
                "Call fs.read with offset and length to get its bytes as base64.");
    }

    static ActionException io(String what, Path path, IOException e) {
        return new ActionException(ErrorKind.INTERNAL, "io_error",
                "Could not " + what + " " + path + ": " + e.getMessage(),
                "Call fs.stat on " + path + " to check it exists and its permissions, then retry.", null, e);
    }
}
