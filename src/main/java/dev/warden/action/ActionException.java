package dev.warden.action;

import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * The one way an action or guard reports that it cannot do what was asked. Carries the stable code,
 * a message for a person and a hint naming the next useful action; the engine turns it into an
 * {@code Outcome}.
 */
public class ActionException extends RuntimeException {
    private final ErrorKind kind;
    private final String code;
    private final String hint;
    private final transient JsonNode details;

    public ActionException(ErrorKind kind, String code, String message, String hint) {
        this(kind, code, message, hint, null, null);
    }

    public ActionException(ErrorKind kind, String code, String message, String hint, JsonNode details) {
        this(kind, code, message, hint, details, null);
    }

    public ActionException(ErrorKind kind, String code, String message, String hint, JsonNode details, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind);
        this.code = Objects.requireNonNull(code);
        this.hint = hint;
        this.details = details;
    }

    public ErrorKind kind() {
        return kind;
    }

    public String code() {
        return code;
    }

    public String hint() {
        return hint;
    }

    /** Extra structured facts for the caller (e.g. the closest match for a failed edit), or null. */
    public JsonNode details() {
        return details;
    }
}
