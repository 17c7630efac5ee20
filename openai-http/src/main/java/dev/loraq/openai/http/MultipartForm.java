package dev.loraq.openai.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code multipart/form-data} body (RFC 7578), as OpenAI's file upload sends it: named parts, a file part with its
 * file name. The body is held whole; its size is bounded by whoever read it.
 */
public final class MultipartForm {

    /** One part: its form field name, the file name when it is a file, and its bytes. */
    public record Part(String name, String filename, byte[] data) {

        public String text() {
            return new String(data, StandardCharsets.UTF_8);
        }
    }

    private static final Pattern BOUNDARY = Pattern.compile("boundary=(?:\"([^\"]+)\"|([^;\\s]+))", Pattern.CASE_INSENSITIVE);
    private static final Pattern NAME = Pattern.compile("(?:^|;)\\s*name=\"([^\"]*)\"", Pattern.CASE_INSENSITIVE);
    private static final Pattern FILENAME = Pattern.compile(";\\s*filename=\"([^\"]*)\"", Pattern.CASE_INSENSITIVE);

    private final List<Part> parts;

    private MultipartForm(List<Part> parts) {
        this.parts = List.copyOf(parts);
    }

    /**
     * @param contentType the request's Content-Type header
     * @throws ApiError 400 when it is not multipart/form-data or the body is not well formed
     */
    public static MultipartForm parse(String contentType, byte[] body) {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            throw ApiError.badRequest(null, "the request must be multipart/form-data, got Content-Type " + contentType);
        }
        Matcher m = BOUNDARY.matcher(contentType);
        if (!m.find()) {
            throw ApiError.badRequest(null, "the multipart Content-Type has no boundary");
        }
        byte[] delimiter = ("--" + (m.group(1) != null ? m.group(1) : m.group(2))).getBytes(StandardCharsets.ISO_8859_1);
        List<Part> parts = new ArrayList<>();
        int at = indexOf(body, delimiter, 0);
        if (at < 0) {
            throw ApiError.badRequest(null, "the multipart body has no part");
        }
        while (true) {
            int afterDelimiter = at + delimiter.length;
            if (startsWith(body, afterDelimiter, "--")) {
                break;
            }
            int headersStart = afterDelimiter + 2;
            int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), headersStart);
            int next = headersEnd < 0 ? -1 : indexOf(body, delimiter, headersEnd + 4);
            if (headersEnd < 0 || next < 0) {
                throw ApiError.badRequest(null, "the multipart body is cut short (no closing boundary)");
            }
            String headers = new String(body, headersStart, headersEnd - headersStart, StandardCharsets.UTF_8);
            int dataEnd = next - 2; // the CRLF before the delimiter belongs to it
            byte[] data = java.util.Arrays.copyOfRange(body, headersEnd + 4, Math.max(headersEnd + 4, dataEnd));
            parts.add(part(headers, data));
            at = next;
        }
        return new MultipartForm(parts);
    }

    /** The first part of that name. */
    public Optional<Part> part(String name) {
        return parts.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    private static Part part(String headers, byte[] data) {
        for (String header : headers.split("\r\n")) {
            int colon = header.indexOf(':');
            if (colon > 0 && header.substring(0, colon).trim().equalsIgnoreCase("Content-Disposition")) {
                String value = header.substring(colon + 1);
                Matcher name = NAME.matcher(value);
                if (!name.find()) {
                    break;
                }
                Matcher filename = FILENAME.matcher(value);
                return new Part(name.group(1), filename.find() ? filename.group(1) : null, data);
            }
        }
        throw ApiError.badRequest(null, "a multipart part has no Content-Disposition with a name");
    }

    private static boolean startsWith(byte[] body, int from, String text) {
        byte[] t = text.getBytes(StandardCharsets.ISO_8859_1);
        return from + t.length <= body.length && java.util.Arrays.equals(body, from, from + t.length, t, 0, t.length);
    }

    private static int indexOf(byte[] body, byte[] needle, int from) {
        outer:
        for (int i = Math.max(0, from); i <= body.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (body[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
