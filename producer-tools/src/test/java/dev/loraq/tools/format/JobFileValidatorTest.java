package dev.loraq.tools.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loraq.schemas.avro.PromptRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobFileValidatorTest {

    private static final Instant AT = Instant.parse("2026-11-01T10:00:00Z");

    private static ValidatedJob validate(InputFormat format, byte[] bytes) throws IOException, InvalidJobFileException {
        return new JobFileValidator(format, "base").validate("job.jsonl", new ByteArrayInputStream(bytes), "job-1", "acme", AT, n -> { });
    }

    private static ValidatedJob validate(InputFormat format, String text) throws IOException, InvalidJobFileException {
        return validate(format, text.getBytes(StandardCharsets.UTF_8));
    }

    private static List<LineProblem> problems(InputFormat format, String text) {
        return problems(format, text.getBytes(StandardCharsets.UTF_8));
    }

    private static List<LineProblem> problems(InputFormat format, byte[] bytes) {
        return assertThrows(InvalidJobFileException.class, () -> validate(format, bytes)).problems();
    }

    private static void assertProblem(List<LineProblem> problems, int line, String fragment) {
        assertTrue(problems.stream().anyMatch(p -> p.line() == line && p.message().contains(fragment)),
                () -> "expected a problem on line " + line + " containing '" + fragment + "', got " + problems);
    }

    @Test
    void shouldReadOurFormatWithEverySamplingField() throws Exception {
        ValidatedJob job = validate(InputFormat.AUTO, """
                {"request_id": "r1", "adapter": "acme-support-v2", "prompt": "Hello", "max_tokens": 32, "temperature": 0.5, "top_p": 0.9, "top_k": 40, "seed": 7, "stop": ["\\n\\n"], "priority": 3, "metadata": {"ticket": "T-1"}}
                {"request_id": "r2", "adapter": null, "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}]}
                """);
        assertEquals(InputFormat.LORAQ, job.format());
        assertEquals(2, job.requests().size());
        PromptRequest first = job.requests().get(0);
        assertEquals("r1", first.getRequestId());
        assertEquals("job-1", first.getJobId());
        assertEquals("acme", first.getTenantId());
        assertEquals("acme-support-v2", first.getAdapterId());
        assertEquals("Hello", first.getPrompt());
        assertEquals(32, first.getSampling().getMaxTokens());
        assertEquals(0.5f, first.getSampling().getTemperature());
        assertEquals(0.9f, first.getSampling().getTopP());
        assertEquals(40, first.getSampling().getTopK());
        assertEquals(7L, first.getSampling().getSeed());
        assertEquals(List.of("\n\n"), first.getSampling().getStop());
        assertEquals(3, first.getPriority());
        assertEquals("T-1", first.getMetadata().get("ticket"));
        assertEquals(AT, first.getSubmittedAt());
        PromptRequest second = job.requests().get(1);
        assertNull(second.getAdapterId());
        assertEquals(2, second.getMessages().size());
        assertEquals(256, second.getSampling().getMaxTokens(), "schema default applies when max_tokens is absent");
        assertEquals(JobRequest.CHAT_ENDPOINT, job.endpoint());
    }

    @Test
    void shouldReadOpenAiBatchLinesAndMapModelToAdapter() throws Exception {
        ValidatedJob job = validate(InputFormat.AUTO, """
                {"custom_id": "request-1", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "acme-sql", "messages": [{"role": "user", "content": [{"type": "text", "text": "SELECT "}, {"type": "text", "text": "1"}]}], "max_tokens": 64, "temperature": 0, "seed": 1, "stop": "END"}}
                {"custom_id": "request-2", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "base", "messages": [{"role": "user", "content": "Hi"}], "max_completion_tokens": 8}}
                """);
        assertEquals(InputFormat.OPENAI, job.format());
        assertEquals(JobRequest.CHAT_ENDPOINT, job.endpoint());
        PromptRequest first = job.requests().get(0);
        assertEquals("request-1", first.getRequestId());
        assertEquals("acme-sql", first.getAdapterId());
        assertEquals("SELECT 1", first.getMessages().getFirst().getContent());
        assertEquals(64, first.getSampling().getMaxTokens());
        assertEquals(0f, first.getSampling().getTemperature());
        assertEquals(List.of("END"), first.getSampling().getStop());
        assertNull(job.requests().get(1).getAdapterId(), "the base-model alias means no adapter");
        assertEquals(8, job.requests().get(1).getSampling().getMaxTokens());
    }

    @Test
    void shouldReportMalformedJsonWithLineAndColumn() {
        List<LineProblem> problems = problems(InputFormat.LORAQ, """
                {"request_id": "r1", "adapter": null, "prompt": "ok"}
                {"request_id": "r2", "adapter": null, "prompt": "unterminated}
                """);
        assertEquals(1, problems.size());
        assertProblem(problems, 2, "malformed JSON at column");
    }

    @Test
    void shouldRejectUnknownFieldsAtTopLevelAndInOpenAiBody() {
        assertProblem(problems(InputFormat.LORAQ, """
                {"request_id": "r1", "adapter": null, "prompt": "x", "temprature": 0.2}
                """), 1, "unknown field 'temprature'");
        assertProblem(problems(InputFormat.OPENAI, """
                {"custom_id": "c1", "method": "POST", "url": "/v1/completions", "body": {"model": "a", "prompt": "x", "logprobs": 2}}
                """), 1, "unknown field 'body.logprobs'");
    }

    @Test
    void shouldRejectMissingFields() {
        List<LineProblem> problems = problems(InputFormat.LORAQ, """
                {"adapter": null, "prompt": "x"}
                {"request_id": "r2", "prompt": "x"}
                {"request_id": "r3", "adapter": null}
                """);
        assertProblem(problems, 1, "missing required field 'request_id'");
        assertProblem(problems, 2, "missing required field 'adapter'");
        assertProblem(problems, 3, "missing required field 'prompt' or 'messages'");
    }

    @Test
    void shouldRejectMissingModelInOpenAiBody() {
        List<LineProblem> problems = problems(InputFormat.OPENAI, """
                {"custom_id": "c1", "method": "POST", "url": "/v1/chat/completions", "body": {"messages": [{"role": "user", "content": "x"}]}}
                """);
        assertProblem(problems, 1, "missing required field 'body.model'");
    }

    @Test
    void shouldRejectWrongTypesNamingFieldAndValue() {
        List<LineProblem> problems = problems(InputFormat.LORAQ, """
                {"request_id": 17, "adapter": null, "prompt": "x", "max_tokens": "many", "temperature": true, "stop": [1], "metadata": {"k": 2}}
                """);
        assertProblem(problems, 1, "field 'request_id' must be a string, got integer 17");
        assertProblem(problems, 1, "field 'max_tokens' must be an integer, got string \"many\"");
        assertProblem(problems, 1, "field 'temperature' must be a number, got boolean true");
        assertProblem(problems, 1, "field 'stop'[0] must be a non-empty string");
        assertProblem(problems, 1, "field 'metadata'.k must be a string");
    }

    @Test
    void shouldRejectOutOfRangeSamplingValues() {
        List<LineProblem> problems = problems(InputFormat.LORAQ, """
                {"request_id": "r1", "adapter": null, "prompt": "x", "max_tokens": 0, "top_p": 0, "top_k": -1}
                """);
        assertProblem(problems, 1, "'max_tokens' is 0");
        assertProblem(problems, 1, "'top_p' is 0");
        assertProblem(problems, 1, "'top_k' is -1");
    }

    @Test
    void shouldReportInvalidUtf8WithLineAndByte() {
        byte[] good = "{\"request_id\": \"r1\", \"adapter\": null, \"prompt\": \"caf\u00e9\"}\n".getBytes(StandardCharsets.UTF_8);
        byte[] bad = "{\"request_id\": \"r2\", \"adapter\": null, \"prompt\": \"caf".getBytes(StandardCharsets.UTF_8);
        byte[] latin1 = {(byte) 0xE9, '"', '}', '\n'};
        byte[] file = new byte[good.length + bad.length + latin1.length];
        System.arraycopy(good, 0, file, 0, good.length);
        System.arraycopy(bad, 0, file, good.length, bad.length);
        System.arraycopy(latin1, 0, file, good.length + bad.length, latin1.length);
        List<LineProblem> problems = problems(InputFormat.LORAQ, file);
        assertEquals(1, problems.size(), problems::toString);
        assertProblem(problems, 2, "not valid UTF-8: malformed byte sequence at byte " + (bad.length + 1));
    }

    @Test
    void shouldRejectDuplicateIdsNamingTheFirstLine() {
        List<LineProblem> problems = problems(InputFormat.OPENAI, """
                {"custom_id": "same", "method": "POST", "url": "/v1/completions", "body": {"model": "a", "prompt": "x"}}
                {"custom_id": "other", "method": "POST", "url": "/v1/completions", "body": {"model": "a", "prompt": "y"}}
                {"custom_id": "same", "method": "POST", "url": "/v1/completions", "body": {"model": "a", "prompt": "z"}}
                """);
        assertEquals(List.of(new LineProblem(3, "duplicate custom_id 'same', first used on line 1")), problems);
    }

    @Test
    void shouldReportEveryBadLineNotJustTheFirst() {
        List<LineProblem> problems = problems(InputFormat.LORAQ, """
                not json
                {"request_id": "r2", "adapter": null, "prompt": "fine"}
                [1, 2]

                {"request_id": "r5", "adapter": "../etc", "prompt": "x"}
                {"request_id": "r6", "adapter": "acme/support", "prompt": "x"}
                {"request_id": "r7", "adapter": "-rf", "prompt": "x"}
                """);
        assertProblem(problems, 1, "malformed JSON");
        assertProblem(problems, 3, "must be one JSON object, got array");
        assertProblem(problems, 5, "adapter id");
        assertProblem(problems, 6, "adapter id");
        assertProblem(problems, 7, "adapter id");
        assertEquals(5, problems.size(), problems::toString);
    }

    @Test
    void shouldRejectMixedEndpointsAndWrongMethodInOneBatch() {
        List<LineProblem> problems = problems(InputFormat.OPENAI, """
                {"custom_id": "a", "method": "POST", "url": "/v1/completions", "body": {"model": "m", "prompt": "x"}}
                {"custom_id": "b", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "m", "messages": [{"role": "user", "content": "x"}]}}
                {"custom_id": "c", "method": "GET", "url": "/v1/embeddings", "body": {"model": "m", "input": "x"}}
                """);
        assertProblem(problems, 2, "differs from '/v1/completions' on line 1");
        assertProblem(problems, 3, "field 'method' is 'GET', must be POST");
        assertProblem(problems, 3, "field 'url' is '/v1/embeddings'");
    }

    @Test
    void shouldRejectAnEmptyFile() {
        assertProblem(problems(InputFormat.AUTO, "\n\n"), 2, "the file has no requests");
    }

    @Test
    void shouldSkipByteOrderMarkAndCrLf() throws Exception {
        byte[] text = "\uFEFF{\"request_id\": \"r1\", \"adapter\": null, \"prompt\": \"x\"}\r\n".getBytes(StandardCharsets.UTF_8);
        assertEquals("r1", validate(InputFormat.AUTO, text).requests().getFirst().getRequestId());
    }
}
