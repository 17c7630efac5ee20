package dev.loraq.service.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loraq.engine.api.ErrorCode;
import dev.loraq.engine.api.InvalidRequestException;
import dev.loraq.schemas.avro.PromptRequest;
import dev.loraq.schemas.avro.SamplingParams;
import java.time.Instant;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class DefaultRecordErrorHandlerTest {

    private static final PromptRequest REQUEST = PromptRequest.newBuilder()
            .setRequestId("r-1")
            .setJobId("job-1")
            .setTenantId("acme")
            .setAdapterId(null)
            .setPrompt("hello")
            .setMessages(null)
            .setSampling(SamplingParams.newBuilder().setMaxTokens(4).build())
            .setSubmittedAt(Instant.EPOCH)
            .build();

    private final DefaultRecordErrorHandler handler = new DefaultRecordErrorHandler();

    @Test
    void shouldAnswerAnOverloadRefusalWithAnOverloadedErrorCompletion() {
        InvalidRequestException refusal = new InvalidRequestException(ErrorCode.OVERLOADED,
                "engine overloaded: 4096 requests are waiting already, the most max.waiting.requests allows; send it again later");
        ErrorOutcome outcome = handler.onFailure(REQUEST, new CompletionException(refusal));
        ErrorOutcome.ErrorCompletion completion = assertInstanceOf(ErrorOutcome.ErrorCompletion.class, outcome);
        assertEquals("overloaded", completion.code());
        assertTrue(completion.message().contains("max.waiting.requests"), completion.message());
    }

    @Test
    void shouldGiveEveryEngineCodeItsLowerCaseName() {
        for (ErrorCode code : ErrorCode.values()) {
            ErrorOutcome outcome = handler.onFailure(REQUEST, new InvalidRequestException(code, "because"));
            assertEquals(new ErrorOutcome.ErrorCompletion(code.name().toLowerCase(java.util.Locale.ROOT), "because"), outcome);
        }
    }
}
