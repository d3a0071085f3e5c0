package dev.warden.api.rest;

import dev.warden.json.Json;
import dev.warden.engine.Outcome;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An RFC 9457 problem document with Warden's members: a stable {@code code}, a {@code hint} naming
 * the next useful action, and {@code errors[]} (each with a JSON path) for invalid input.
 */
public record Problem(int status, String code, String title, String detail, String hint,
                      List<Outcome.FieldError> errors, ObjectNode extra) {

    public static final String CONTENT_TYPE = "application/problem+json";

    public static Problem of(int status, String code, String detail, String hint) {
        return new Problem(status, code, titleFor(status), detail, hint, List.of(), Json.object());
    }

    public Problem withErrors(List<Outcome.FieldError> fieldErrors) {
        return new Problem(status, code, title, detail, hint, fieldErrors, extra);
    }

    /** Adds a member beside the standard ones (e.g. {@code confirmToken}); returns this for chaining. */
    public Problem with(String name, JsonNode value) {
        extra.set(name, value);
        return this;
    }

    public Problem with(String name, String value) {
        extra.put(name, value);
        return this;
    }

    public Problem with(String name, long value) {
        extra.put(name, value);
        return this;
    }

    public ObjectNode toJson() {
        var node = Json.object();
        // A URN names the problem type without pretending there is a page to fetch for it.
        node.put("type", "urn:warden:problem:" + code);
        node.put("title", title);
        node.put("status", status);
        node.put("code", code);
        node.put("detail", detail);
        if (hint != null) node.put("hint", hint);
        var list = node.putArray("errors");
        for (var e : errors) {
            var item = list.addObject();
            item.put("path", e.path());
            item.put("message", e.message());
        }
        node.setAll(extra);
        return node;
    }

    private static String titleFor(int status) {
        return switch (status) {
            case 400 -> "Bad request";
            case 401 -> "Unauthenticated";
            case 403 -> "Forbidden";
            case 404 -> "Not found";
            case 405 -> "Method not allowed";
            case 409 -> "Conflict";
            case 413 -> "Content too large";
            case 415 -> "Unsupported media type";
            case 422 -> "Invalid input";
            case 428 -> "Confirmation required";
            case 429 -> "Too many requests";
            default -> status >= 500 ? "Internal error" : "Error";
        };
    }
}
