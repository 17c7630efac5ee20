package dev.loraq.tools.format;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Splits a byte stream into lines at '\n' (a trailing '\r' is dropped) and decodes each line with a strict UTF-8
 * decoder, so a bad byte is reported with its line instead of silently becoming U+FFFD. A UTF-8 byte order mark at
 * the start is skipped.
 */
public final class Utf8LineReader {

    /** One line: its number and text, or why it could not be decoded. */
    public record Line(int number, String text, String decodeError) {
    }

    private final InputStream in;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(1024);
    private int number;
    private boolean atStart = true;
    private boolean ended;

    public Utf8LineReader(InputStream in) {
        this.in = in instanceof java.io.BufferedInputStream ? in : new java.io.BufferedInputStream(in, 1 << 16);
    }

    /** The next line, or null at the end of the stream. A final line without '\n' counts; an empty tail does not. */
    public Line next() throws IOException {
        if (ended) {
            return null;
        }
        buffer.reset();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            buffer.write(b);
        }
        if (b == -1) {
            ended = true;
            if (buffer.size() == 0) {
                return null;
            }
        }
        number++;
        byte[] bytes = buffer.toByteArray();
        int length = bytes.length;
        if (length > 0 && bytes[length - 1] == '\r') {
            length--;
        }
        int start = 0;
        if (atStart) {
            atStart = false;
            if (length >= 3 && (bytes[0] & 0xff) == 0xEF && (bytes[1] & 0xff) == 0xBB && (bytes[2] & 0xff) == 0xBF) {
                start = 3;
            }
        }
        decoder.reset();
        ByteBuffer input = ByteBuffer.wrap(bytes, start, length - start);
        CharBuffer output = CharBuffer.allocate(length - start + 1);
        CoderResult result = decoder.decode(input, output, true);
        if (!result.isError()) {
            result = decoder.flush(output);
        }
        if (result.isError()) {
            // The decoder stops with the input positioned at the first byte it rejects.
            int at = input.position();
            return new Line(number, null, "not valid UTF-8: malformed byte sequence at byte " + (at - start + 1)
                    + " of the line (0x" + String.format("%02X", bytes[at] & 0xff) + "); the file must be UTF-8 encoded");
        }
        output.flip();
        return new Line(number, output.toString(), null);
    }
}
