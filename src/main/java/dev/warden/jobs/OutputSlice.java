package dev.warden.jobs;

import dev.warden.sandbox.CapturedOutput;
import java.nio.charset.StandardCharsets;

/**
 * Bytes read from a job's output and where they sit in it.
 *
 * @param requested   the offset the reader asked for
 * @param offset      the offset of the first byte returned: later than {@code requested} when those bytes were dropped
 * @param bytes       the bytes from {@code offset}
 * @param firstOffset the oldest offset still kept
 * @param endOffset   every byte the job has written so far
 * @param complete    the job has ended, so no byte will follow {@code endOffset}
 */
public record OutputSlice(long requested, long offset, byte[] bytes, long firstOffset, long endOffset, boolean complete) {

    /** Bytes between the requested offset and the first returned one that are gone for good. */
    public long droppedBytes() {
        return Math.max(0, offset - requested);
    }

    /** The same bytes, known to be the last the job will write up to {@code endOffset}. */
    OutputSlice ended() {
        return complete ? this : new OutputSlice(requested, offset, bytes, firstOffset, endOffset, true);
    }

    /** Whether more output is kept beyond what this slice holds. */
    public boolean hasMore() {
        return offset + bytes.length < endOffset;
    }

    /**
     * The bytes as UTF-8 text, cut so that no character is split: a character cut off at the start
     * (the reader landed inside it) is left out, and one cut off at the end is left for the next
     * read, unless the job has ended and nothing will complete it.
     */
    public Text text() {
        int from = CapturedOutput.firstCharStart(bytes);
        boolean last = complete && offset + bytes.length == endOffset;
        int to = last ? bytes.length : CapturedOutput.completePrefix(bytes);
        if (to < from) to = from;
        return new Text(new String(bytes, from, to - from, StandardCharsets.UTF_8), offset + from, offset + to);
    }

    /**
     * Decoded output.
     *
     * @param data       the text
     * @param offset     where {@code data} starts in the output
     * @param nextOffset where the next read continues
     */
    public record Text(String data, long offset, long nextOffset) {}
}
