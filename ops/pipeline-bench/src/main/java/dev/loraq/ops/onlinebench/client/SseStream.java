package dev.loraq.ops.onlinebench.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * Reads a server-sent event stream as OpenAI-compatible servers send it: events separated by blank lines, each
 * {@code data:} line adding to the event's data (one optional space after the colon dropped, several lines joined
 * with a newline), comments ({@code :}) and other fields ignored, and {@code data: [DONE]} ending the stream.
 */
public final class SseStream {

    /** The data of the event that ends an OpenAI stream. */
    public static final String DONE = "[DONE]";

    private SseStream() {
    }

    /**
     * Hands each event's data to {@code onData} until {@code [DONE]} or the end of input.
     *
     * @return true when the stream ended with {@code [DONE]}, false when the input ended first
     */
    public static boolean read(BufferedReader in, Consumer<String> onData) throws IOException {
        StringBuilder data = null;
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isEmpty()) {
                if (data != null && dispatch(data.toString(), onData)) {
                    return true;
                }
                data = null;
            } else if (line.startsWith("data:")) {
                String value = line.startsWith("data: ") ? line.substring(6) : line.substring(5);
                data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
            }
        }
        return data != null && dispatch(data.toString(), onData);
    }

    private static boolean dispatch(String data, Consumer<String> onData) {
        if (DONE.equals(data)) {
            return true;
        }
        onData.accept(data);
        return false;
    }
}
