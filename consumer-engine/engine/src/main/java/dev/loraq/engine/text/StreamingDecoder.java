package dev.loraq.engine.text;

import java.util.Arrays;
import java.util.List;

/**
 * Turns one sequence's generated token ids into text deltas, one call per token.
 *
 * <p>Decoding token by token breaks multi-byte UTF-8 characters (a byte-level BPE token may hold half of "日"),
 * so text is decoded cumulatively over a short window: {@code prefix} = ids[prefixStart, readStart) and
 * {@code full} = ids[prefixStart, n). The delta is what {@code full} adds to {@code prefix}; it is held back
 * while it ends in U+FFFD (an incomplete character). Decoding a window rather than the whole sequence keeps the
 * cost per token constant, and decoding the window's first token in both strings keeps decoders that treat the
 * first token specially (SentencePiece's leading space) consistent.
 *
 * <p>Stop strings are matched over the decoded text with a {@link StopStringMatcher}; text that could be the
 * start of a stop string is held back until it is confirmed or ruled out. Special tokens are skipped in the
 * text. Not thread-safe: one instance per sequence.
 */
public final class StreamingDecoder {

    /**
     * The result of one token.
     *
     * @param text text to send now (possibly empty)
     * @param stopped true when a stop string was found; {@code text} ends before it and generation should end
     * @param stopString the stop string found, or null
     */
    public record Delta(String text, boolean stopped, String stopString) {
    }

    private static final Delta NOTHING = new Delta("", false, null);
    private static final char REPLACEMENT = '\uFFFD';

    private final Tokenizer tokenizer;
    private final StopStringMatcher stops;
    private int[] ids = new int[64];
    private int count;
    private int prefixStart;
    private int readStart;
    private final StringBuilder output = new StringBuilder();

    public StreamingDecoder(Tokenizer tokenizer) {
        this(tokenizer, List.of());
    }

    public StreamingDecoder(Tokenizer tokenizer, List<String> stopStrings) {
        this.tokenizer = tokenizer;
        this.stops = new StopStringMatcher(stopStrings);
    }

    /** Adds the next generated token and returns the text it completes. */
    public Delta accept(int tokenId) {
        if (stops.stopped()) {
            return new Delta("", true, null);
        }
        if (count == ids.length) {
            ids = Arrays.copyOf(ids, count * 2);
        }
        ids[count++] = tokenId;
        String prefix = tokenizer.decode(ids, prefixStart, readStart, true);
        String full = tokenizer.decode(ids, prefixStart, count, true);
        if (full.length() <= prefix.length() || full.charAt(full.length() - 1) == REPLACEMENT) {
            return NOTHING;
        }
        String delta = full.substring(prefix.length());
        prefixStart = readStart;
        readStart = count;
        return release(delta);
    }

    /**
     * Ends the sequence: releases text held back for a possible stop string, and any trailing incomplete
     * character (as U+FFFD, the way a full decode shows it).
     */
    public String finish() {
        if (stops.stopped()) {
            return "";
        }
        StringBuilder rest = new StringBuilder();
        if (readStart < count) {
            String prefix = tokenizer.decode(ids, prefixStart, readStart, true);
            String full = tokenizer.decode(ids, prefixStart, count, true);
            if (full.length() > prefix.length()) {
                Delta d = release(full.substring(prefix.length()));
                rest.append(d.text());
                if (d.stopped()) {
                    readStart = count;
                    return rest.toString();
                }
            }
            prefixStart = readStart;
            readStart = count;
        }
        String held = stops.flush();
        output.append(held);
        rest.append(held);
        return rest.toString();
    }

    /** All text released so far. */
    public String text() {
        return output.toString();
    }

    /** Number of tokens accepted. */
    public int tokenCount() {
        return count;
    }

    /** Whether a stop string ended the text. */
    public boolean stopped() {
        return stops.stopped();
    }

    private Delta release(String delta) {
        StopStringMatcher.Step step = stops.append(delta);
        output.append(step.emit());
        if (step.stopped()) {
            return new Delta(step.emit(), true, step.stopString());
        }
        return step.emit().isEmpty() ? NOTHING : new Delta(step.emit(), false, null);
    }
}
