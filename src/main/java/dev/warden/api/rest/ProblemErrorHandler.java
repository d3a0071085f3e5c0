package dev.warden.api.rest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Answers requests that Jetty rejects before they reach Warden (a malformed URI, oversized headers)
 * with problem+json like every other error, instead of Jetty's HTML page.
 */
final class ProblemErrorHandler extends ErrorHandler {

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) throws IOException {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problem.CONTENT_TYPE);
        response.write(true, ByteBuffer.wrap(body(code, message)), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, Problem.CONTENT_TYPE);
        return ByteBuffer.wrap(body(status, reason));
    }

    private static byte[] body(int status, String message) {
        var hint = switch (status) {
            case 431 -> "Send smaller headers: the Authorization header needs only the token.";
            case 400 -> "Check the request line: paths must not contain '..' segments or invalid escapes.";
            default -> "Check the method, path and headers of the request.";
        };
        var problem = Problem.of(status, "http_" + status, message == null ? "The request was rejected." : message, hint);
        return problem.toJson().toString().getBytes(StandardCharsets.UTF_8);
    }
}
