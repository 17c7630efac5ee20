package dev.loraq.schemas.validation;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loraq.schemas.avro.PromptRequest;
import dev.loraq.schemas.serde.Records;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromptRequestValidatorTest {

    @Test
    void shouldAcceptChatRequest() {
        assertDoesNotThrow(() -> PromptRequestValidator.validate(Records.chatRequest("r-1")));
    }

    @Test
    void shouldAcceptRawPromptRequest() {
        PromptRequest raw = PromptRequest.newBuilder(Records.chatRequest("r-1")).setMessages(null).setPrompt("Hello").build();

        assertDoesNotThrow(() -> PromptRequestValidator.validate(raw));
    }

    @Test
    void shouldRejectBothPromptAndMessagesNamingTheRequest() {
        PromptRequest both = PromptRequest.newBuilder(Records.chatRequest("r-7")).setPrompt("Hello").build();

        InvalidPromptRequestException e = assertThrows(InvalidPromptRequestException.class, () -> PromptRequestValidator.validate(both));

        assertTrue(e.getMessage().contains("request_id=r-7"), e.getMessage());
        assertTrue(e.getMessage().contains("job_id=job-1"), e.getMessage());
        assertTrue(e.getMessage().contains("both prompt and messages"), e.getMessage());
    }

    @Test
    void shouldRejectNeitherPromptNorMessages() {
        PromptRequest neither = PromptRequest.newBuilder(Records.chatRequest("r-1")).setMessages(null).build();

        InvalidPromptRequestException e = assertThrows(InvalidPromptRequestException.class, () -> PromptRequestValidator.validate(neither));

        assertTrue(e.getMessage().contains("neither prompt nor messages"), e.getMessage());
    }

    @Test
    void shouldRejectEmptyMessages() {
        PromptRequest empty = PromptRequest.newBuilder(Records.chatRequest("r-1")).setMessages(List.of()).build();

        assertEquals("messages", assertThrows(InvalidPromptRequestException.class, () -> PromptRequestValidator.validate(empty)).field());
    }

    @Test
    void shouldRejectTopPAboveOneNamingTheField() {
        PromptRequest request = Records.chatRequest("r-1");
        request.getSampling().setTopP(1.5f);

        InvalidPromptRequestException e = assertThrows(InvalidPromptRequestException.class, () -> PromptRequestValidator.validate(request));

        assertEquals("sampling.top_p", e.field());
        assertTrue(e.getMessage().contains("1.5"), e.getMessage());
    }

    @Test
    void shouldRejectNonPositiveMaxTokens() {
        PromptRequest request = Records.chatRequest("r-1");
        request.getSampling().setMaxTokens(0);

        assertEquals("sampling.max_tokens", assertThrows(InvalidPromptRequestException.class, () -> PromptRequestValidator.validate(request)).field());
    }

    @Test
    void shouldRejectNegativeOrNanTemperature() {
        PromptRequest request = Records.chatRequest("r-1");
        request.getSampling().setTemperature(Float.NaN);

        assertEquals("sampling.temperature", assertThrows(InvalidPromptRequestException.class, () -> PromptRequestValidator.validate(request)).field());
    }
}
