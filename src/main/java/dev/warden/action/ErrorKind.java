package dev.warden.action;

/**
 * The family an error belongs to. Fronts map a kind to their protocol (an HTTP status, an MCP
 * {@code isError} result); the stable {@code code} says precisely what happened.
 */
public enum ErrorKind {
    /** The input is well-formed but cannot be acted on (wrong combination, bad regex). */
    BAD_INPUT,
    /** A guard refused: outside the roots, a forbidden target. */
    REFUSED,
    /** The thing named does not exist. */
    NOT_FOUND,
    /** The world is not in the state the request assumed (file exists, text not found, changed since). */
    CONFLICT,
    /** A limit was hit (size, time). */
    LIMIT,
    /** Warden could not do it for a reason of its own (I/O error, sandbox unavailable). */
    INTERNAL
}
