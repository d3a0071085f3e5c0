package dev.warden.actions.fs;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Deciding whether bytes are text, and decoding them strictly when they are. */
final class Content {
    /** How much of a file's head is looked at for a NUL byte, the mark of a binary file. */
    static final int SNIFF = 8 * 1024;

    private Content() {}

    static boolean looksBinary(byte[] bytes, int length) {
        int n = Math.min(length, SNIFF);
        for (int i = 0; i < n; i++) if (bytes[i] == 0) return true;
        return false;
    }

    /** The text, if {@code bytes[0, length)} is NUL-free valid UTF-8. */
    static Optional<String> utf8(byte[] bytes, int length) {
        if (looksBinary(bytes, length)) return Optional.empty();
        // Plain ASCII, the common case, is valid UTF-8 as it stands: no strict decoder, no char buffer.
        if (ascii(bytes, length)) return Optional.of(new String(bytes, 0, length, StandardCharsets.US_ASCII));
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, length)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    private static boolean ascii(byte[] bytes, int length) {
        for (int i = 0; i < length; i++) if (bytes[i] < 0) return false;
        return true;
    }

    /**
     * How many bytes at the end of {@code bytes[0, length)} belong to a UTF-8 character cut off by
     * a read boundary (0 to 3), so a capped read can stop before it and stay valid text.
     */
    static int cutCharacter(byte[] bytes, int length) {
        for (int back = 1; back <= Math.min(3, length); back++) {
            int b = bytes[length - back] & 0xff;
            if ((b & 0xc0) == 0x80) continue; // a continuation byte: keep looking for the lead
            int need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
            return need > back ? back : 0;
        }
        return 0;
    }
}
