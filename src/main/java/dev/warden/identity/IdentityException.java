package dev.warden.identity;

/**
 * A refused or impossible identity change, with a stable {@code code} and a {@code hint} naming the
 * next useful step, as every front shows errors. The kind decides the front's status (404, 409, 403, 422).
 */
public final class IdentityException extends RuntimeException {
    public enum Kind { NOT_FOUND, CONFLICT, REFUSED, BAD_INPUT }

    private final Kind kind;
    private final String code;
    private final String hint;

    public IdentityException(Kind kind, String code, String message, String hint) {
        super(message);
        this.kind = kind;
        this.code = code;
        this.hint = hint;
    }

    public Kind kind() {
        return kind;
    }

    public String code() {
        return code;
    }

    public String hint() {
        return hint;
    }
}
