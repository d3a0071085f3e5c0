package dev.warden.audit;

import dev.warden.json.Json;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Removes secrets from an intent's input before it is stored for good in the audit trail. The
 * trail is append-only and exported, so a secret that reaches it cannot be taken back; the rules
 * err on the side of hiding too much.
 *
 * <ul>
 *   <li>every value of an {@code env} (or {@code environment}) object; in an array of
 *       {@code NAME=value} strings, the value part;
 *   <li>the whole value of any key whose name, lower-cased and without {@code _ - .}, contains
 *       token, password, passwd, secret, apikey, authorization, credential, privatekey or cookie;
 *   <li>inside any string: the credential after {@code Bearer}, the value after an
 *       {@code Authorization:} header name, the password in a URL's user info
 *       ({@code https://user:pw@host}), the value of {@code NAME=value} or {@code --flag=value}
 *       when the name looks secret, and the argument after a secret-looking {@code --flag};
 *   <li>in an array (an argv), the element after a secret-looking flag such as {@code --password}.
 * </ul>
 */
public final class Redactor {
    public static final String MASK = "[REDACTED]";

    private static final List<String> SECRET_KEY_PARTS = List.of("token", "password", "passwd", "secret", "apikey",
            "authorization", "credential", "privatekey", "cookie");

    private static final String SECRET_WORD = "(?:token|password|passwd|secret|api[_-]?key|credential|private[_-]?key)";

    private static final Pattern AUTHORIZATION_HEADER =
            Pattern.compile("(?i)\\b(authorization\\s*:\\s*)[^\\r\\n\"']+");
    private static final Pattern BEARER = Pattern.compile("(?i)\\b(bearer)\\s+[A-Za-z0-9._~+/-]{6,}=*");
    private static final Pattern URL_PASSWORD =
            Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://[^/\\s:@]+):[^@\\s/]+@");
    private static final Pattern SECRET_ASSIGNMENT = Pattern.compile(
            "(?i)((?<![A-Za-z0-9_-])-{0,2}[A-Za-z0-9_-]*" + SECRET_WORD + "[A-Za-z0-9_-]*)=(\"[^\"]*\"|'[^']*'|[^\\s\"'&;]+)");
    private static final Pattern SECRET_FLAG_ARGUMENT = Pattern.compile(
            "(?i)((?<![A-Za-z0-9_-])--?[A-Za-z0-9_-]*" + SECRET_WORD + "[A-Za-z0-9_-]*)\\s+(\"[^\"]*\"|'[^']*'|[^\\s\"'-][^\\s\"']*)");
    private static final Pattern SECRET_FLAG = Pattern.compile("(?i)--?[a-z0-9_-]*" + SECRET_WORD + "[a-z0-9_-]*");
    private static final Pattern NAME_VALUE = Pattern.compile("([^=]+)=.*", Pattern.DOTALL);

    /** A redacted deep copy of {@code input}; {@code input} itself is left untouched. */
    public JsonNode redact(JsonNode input) {
        if (input == null) return JsonNodeFactory.instance.nullNode();
        return copy(input);
    }

    /** {@code text} with every secret the string rules find replaced by {@link #MASK}. */
    public String redactText(String text) {
        // Every rule needs a tell-tale word; most strings (file contents, paths) have none, and a
        // plain scan for the words is far cheaper than running the expressions over them.
        var lower = text.toLowerCase(Locale.ROOT);
        var out = text;
        if (lower.contains("authorization")) out = AUTHORIZATION_HEADER.matcher(out).replaceAll("$1" + MASK);
        if (lower.contains("bearer")) out = BEARER.matcher(out).replaceAll("$1 " + MASK);
        if (lower.contains("://") && lower.indexOf('@') >= 0) out = URL_PASSWORD.matcher(out).replaceAll("$1:" + MASK + "@");
        if (!containsSecretWord(lower)) return out;
        if (lower.indexOf('=') >= 0) out = SECRET_ASSIGNMENT.matcher(out).replaceAll("$1=" + MASK);
        if (lower.indexOf('-') >= 0) out = SECRET_FLAG_ARGUMENT.matcher(out).replaceAll("$1 " + MASK);
        return out;
    }

    // The words SECRET_WORD matches, as plain text: "api" covers api_key, api-key and apikey.
    private static final List<String> SECRET_WORD_TELLS =
            List.of("token", "passw", "secret", "api", "credential", "private");

    private static boolean containsSecretWord(String lower) {
        for (var tell : SECRET_WORD_TELLS) {
            if (lower.contains(tell)) return true;
        }
        return false;
    }

    private JsonNode copy(JsonNode node) {
        if (node.isObject()) {
            var out = Json.object();
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                var key = field.getKey();
                var value = field.getValue();
                if (value.isNull()) {
                    out.set(key, value);
                } else if (isEnvKey(key)) {
                    out.set(key, maskEnv(value));
                } else if (isSecretKey(key)) {
                    out.put(key, MASK);
                } else {
                    out.set(key, copy(value));
                }
            }
            return out;
        }
        if (node.isArray()) {
            var out = Json.array();
            boolean afterSecretFlag = false;
            for (var element : node) {
                if (afterSecretFlag && element.isString()) out.add(MASK);
                else out.add(copy(element));
                afterSecretFlag = element.isString() && SECRET_FLAG.matcher(element.asString()).matches();
            }
            return out;
        }
        if (node.isString()) {
            var text = node.asString();
            var redacted = redactText(text);
            return redacted.equals(text) ? node : JsonNodeFactory.instance.stringNode(redacted);
        }
        return node;
    }

    private JsonNode maskEnv(JsonNode env) {
        if (env.isObject()) {
            var out = Json.object();
            for (var field : env.properties()) {
                if (field.getValue().isNull()) out.set(field.getKey(), field.getValue());
                else out.put(field.getKey(), MASK);
            }
            return out;
        }
        if (env.isArray()) {
            var out = Json.array();
            for (var element : env) {
                var m = element.isString() ? NAME_VALUE.matcher(element.asString()) : null;
                out.add(m != null && m.matches() ? m.group(1) + "=" + MASK : MASK);
            }
            return out;
        }
        return JsonNodeFactory.instance.stringNode(MASK);
    }

    private static boolean isEnvKey(String key) {
        var k = key.toLowerCase(Locale.ROOT);
        return k.equals("env") || k.equals("environment");
    }

    private static boolean isSecretKey(String key) {
        var k = key.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "").replace(".", "");
        for (var part : SECRET_KEY_PARTS) {
            if (k.contains(part)) return true;
        }
        return false;
    }
}
