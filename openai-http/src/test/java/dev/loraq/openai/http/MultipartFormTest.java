package dev.loraq.openai.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MultipartFormTest {

    private static final String TYPE = "multipart/form-data; boundary=XyZ";

    @Test
    void shouldReadNamedPartsAndTheFilePartBytesExactly() {
        String body = "--XyZ\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n"
                + "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"in.jsonl\"\r\n"
                + "Content-Type: application/jsonl\r\n\r\n{\"a\":1}\r\n{\"b\":\"é\"}\n\r\n--XyZ--\r\n";
        MultipartForm form = MultipartForm.parse(TYPE, body.getBytes(StandardCharsets.UTF_8));
        assertEquals("batch", form.part("purpose").orElseThrow().text());
        assertNull(form.part("purpose").orElseThrow().filename());
        MultipartForm.Part file = form.part("file").orElseThrow();
        assertEquals("in.jsonl", file.filename());
        assertArrayEquals("{\"a\":1}\r\n{\"b\":\"é\"}\n".getBytes(StandardCharsets.UTF_8), file.data());
        assertTrue(form.part("other").isEmpty());
    }

    @Test
    void shouldRefuseABodyThatIsNotMultipartOrIsCutShort() {
        assertEquals(400, assertThrows(ApiError.class, () -> MultipartForm.parse("application/json", new byte[0])).status());
        ApiError cut = assertThrows(ApiError.class, () -> MultipartForm.parse(TYPE,
                "--XyZ\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\npartial".getBytes(StandardCharsets.UTF_8)));
        assertTrue(cut.getMessage().contains("cut short"), cut.getMessage());
    }
}
