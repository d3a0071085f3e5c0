package dev.warden.json;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * A deterministic rendering of a JSON tree: object keys sorted, no whitespace. Hashes and HMACs are
 * taken over this form so that two equal inputs always give the same bytes, whatever the key order
 * in which a client sent them.
 */
public final class CanonicalJson {
    private CanonicalJson() {}

    public static String of(JsonNode node) {
        var out = new StringBuilder(64);
        write(node, new Out() {
            @Override
            public void put(char c) {
                out.append(c);
            }

            @Override
            public void put(String s, int from, int to) {
                out.append(s, from, to);
            }
        });
        return out.toString();
    }

    /**
     * SHA-256 over the UTF-8 bytes of {@link #of}, without building that string: a result digest is
     * taken for every call, and a file's content would otherwise be copied four times to hash it.
     */
    public static byte[] sha256(JsonNode node) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        var out = new Utf8Digest(sha);
        write(node, out);
        return out.finish();
    }

    /** Where the rendering goes, a character or a run of a string at a time. */
    private interface Out {
        void put(char c);

        void put(String s, int from, int to);

        /** {@code ascii}: every character of the run is below 0x80. */
        default void put(String s, int from, int to, boolean ascii) {
            put(s, from, to);
        }

        default void put(String s) {
            put(s, 0, s.length());
        }
    }

    private static void write(JsonNode node, Out out) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            out.put("null");
        } else if (node.isObject()) {
            List<Map.Entry<String, JsonNode>> entries = new ArrayList<>(node.properties());
            entries.sort(Map.Entry.comparingByKey());
            out.put('{');
            for (int i = 0; i < entries.size(); i++) {
                if (i > 0) out.put(',');
                quote(entries.get(i).getKey(), out);
                out.put(':');
                write(entries.get(i).getValue(), out);
            }
            out.put('}');
        } else if (node.isArray()) {
            out.put('[');
            for (int i = 0; i < node.size(); i++) {
                if (i > 0) out.put(',');
                write(node.get(i), out);
            }
            out.put(']');
        } else if (node.isString()) {
            quote(node.asString(), out);
        } else {
            out.put(node.toString());
        }
    }

    // Copies runs of characters that need no escape in one go: a file's content is mostly such
    // runs, and this form is hashed for every result and every audit record.
    // The same pass notes whether a run is all ASCII, which the digest then copies without encoding.
    private static void quote(String s, Out out) {
        out.put('"');
        int run = 0;
        int seen = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                seen |= c;
                continue;
            }
            out.put(s, run, i, seen < 0x80);
            seen = 0;
            switch (c) {
                case '"' -> out.put("\\\"");
                case '\\' -> out.put("\\\\");
                case '\n' -> out.put("\\n");
                case '\r' -> out.put("\\r");
                case '\t' -> out.put("\\t");
                default -> out.put(String.format("\\u%04x", (int) c));
            }
            run = i + 1;
        }
        out.put(s, run, s.length(), seen < 0x80);
        out.put('"');
    }

    /**
     * Encodes to UTF-8 into a small buffer that feeds the digest, byte for byte what
     * {@code String.getBytes(UTF_8)} gives: a surrogate without its partner becomes '?'. A pair is
     * never split across two runs, because a run only ends before an ASCII character.
     */
    private static final class Utf8Digest implements Out {
        private final MessageDigest sha;
        private final byte[] buffer = new byte[4096];
        private int length;

        Utf8Digest(MessageDigest sha) {
            this.sha = sha;
        }

        @Override
        public void put(char c) {
            if (c < 0x80) {
                room(1);
                buffer[length++] = (byte) c;
            } else {
                put(String.valueOf(c), 0, 1);
            }
        }

        @Override
        public void put(String s, int from, int to) {
            for (int i = from; i < to; i++) {
                char c = s.charAt(i);
                if (c < 0x80) {
                    if (length == buffer.length) flush();
                    buffer[length++] = (byte) c;
                } else if (c < 0x800) {
                    room(2);
                    buffer[length++] = (byte) (0xc0 | c >> 6);
                    buffer[length++] = (byte) (0x80 | c & 0x3f);
                } else if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(s.charAt(i + 1))) {
                    int cp = Character.toCodePoint(c, s.charAt(++i));
                    room(4);
                    buffer[length++] = (byte) (0xf0 | cp >> 18);
                    buffer[length++] = (byte) (0x80 | cp >> 12 & 0x3f);
                    buffer[length++] = (byte) (0x80 | cp >> 6 & 0x3f);
                    buffer[length++] = (byte) (0x80 | cp & 0x3f);
                } else if (Character.isSurrogate(c)) {
                    room(1);
                    buffer[length++] = '?';
                } else {
                    room(3);
                    buffer[length++] = (byte) (0xe0 | c >> 12);
                    buffer[length++] = (byte) (0x80 | c >> 6 & 0x3f);
                    buffer[length++] = (byte) (0x80 | c & 0x3f);
                }
            }
        }

        @Override
        @SuppressWarnings("deprecation") // takes each char's low byte: exactly UTF-8 for ASCII, which is all it gets
        public void put(String s, int from, int to, boolean ascii) {
            if (!ascii) {
                put(s, from, to);
                return;
            }
            while (from < to) {
                if (length == buffer.length) flush();
                int n = Math.min(to - from, buffer.length - length);
                s.getBytes(from, from + n, buffer, length);
                length += n;
                from += n;
            }
        }

        private void room(int bytes) {
            if (length + bytes > buffer.length) flush();
        }

        private void flush() {
            sha.update(buffer, 0, length);
            length = 0;
        }

        byte[] finish() {
            flush();
            return sha.digest();
        }
    }
}
