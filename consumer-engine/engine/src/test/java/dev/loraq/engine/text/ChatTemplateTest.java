package dev.loraq.engine.text;

import dev.loraq.engine.api.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChatTemplateTest {

    private static Path llama3Dir() throws URISyntaxException {
        return Path.of(ChatTemplateTest.class.getResource("/llama3-instruct/tokenizer_config.json").toURI())
                .getParent();
    }

    @Test
    void shouldRenderLlama3InstructTwoMessageChatExactlyAsJinja2Does() throws Exception {
        ChatTemplate template = ChatTemplate.load(llama3Dir());

        String rendered = template.render(List.of(
                ChatMessage.system("You are a helpful assistant."),
                ChatMessage.user("  What is 2+2?\n")), true);

        // Hand-derived from the template: BOS only before the first turn, "\n\n" after each header,
        // content trimmed (the filter binds tighter than +), and the assistant header as generation prompt.
        String expected = "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n"
                + "You are a helpful assistant.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\n"
                + "What is 2+2?<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n";
        assertEquals(expected, rendered);
    }

    @Test
    void shouldOmitAssistantHeaderWithoutGenerationPrompt() throws Exception {
        ChatTemplate template = ChatTemplate.load(llama3Dir());

        String rendered = template.render(List.of(ChatMessage.user("Hi")), false);

        assertEquals("<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>", rendered);
    }

    @Test
    void shouldReadBosAndEosTokensFromTokenizerConfig() throws Exception {
        ChatTemplate template = ChatTemplate.load(llama3Dir());

        assertEquals("<|begin_of_text|>", template.bosToken());
        assertEquals("<|eot_id|>", template.eosToken());
    }

    @Test
    void shouldAcceptAddedTokenObjectsAndTemplateListInTokenizerConfig(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("tokenizer_config.json"), """
                {"bos_token": {"content": "<s>", "lstrip": false},
                 "eos_token": {"content": "</s>"},
                 "chat_template": [{"name": "tool_use", "template": "TOOLS"},
                                   {"name": "default", "template": "{{ bos_token }}{{ messages[0]['content'] }}{{ eos_token }}"}]}
                """);

        ChatTemplate template = ChatTemplate.load(dir);

        assertEquals("<s>x</s>", template.render(List.of(ChatMessage.user("x")), false));
    }

    @Test
    void shouldReportRaiseExceptionMessageFromTemplate() {
        ChatTemplate template = new ChatTemplate("""
                {% for message in messages %}
                {% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}
                {{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}
                {% endif %}
                {{ message['content'] }}
                {% endfor %}
                """, "<s>", "</s>");

        ChatTemplateException e = assertThrows(ChatTemplateException.class,
                () -> template.render(List.of(ChatMessage.user("a"), ChatMessage.user("b")), true));

        assertEquals(ErrorCode.INVALID_PROMPT, e.code());
        assertTrue(e.getMessage().contains("Conversation roles must alternate"), e.getMessage());
        assertTrue(e.templateErrors().getFirst().startsWith("line "), e.templateErrors().toString());
    }

    @Test
    void shouldApplyTrimBlocksAndLstripBlocks() {
        ChatTemplate template = new ChatTemplate("""
                {% for message in messages %}
                    {% if true %}
                [{{ message['role'] }}]
                    {% endif %}
                {% endfor %}
                """, null, null);

        assertEquals("[user]\n[assistant]\n",
                template.render(List.of(ChatMessage.user("u"), ChatMessage.assistant("a")), false));
    }

    @Test
    void shouldProvideStrftimeNow() {
        ChatTemplate template = new ChatTemplate("{{ strftime_now('%Y') }}", null, null);

        String year = template.render(List.of(ChatMessage.user("x")), false);

        assertEquals(String.valueOf(LocalDateTime.now().getYear()), year);
        assertEquals("05 Mar 2026 14:07",
                TemplateFunctions.strftime("%d %b %Y %H:%M", LocalDateTime.of(2026, 3, 5, 14, 7)));
    }

    @Test
    void shouldReportSyntaxErrorWithTemplateMessage() {
        ChatTemplate template = new ChatTemplate("{% for message in messages %}{{ message['content'] }}", null, null);

        ChatTemplateException e = assertThrows(ChatTemplateException.class,
                () -> template.render(List.of(ChatMessage.user("x")), false));

        assertTrue(e.getMessage().contains("chat template failed"), e.getMessage());
        assertTrue(e.getMessage().toLowerCase().contains("endfor") || e.getMessage().contains("for"),
                e.getMessage());
    }

    @Test
    void shouldNameMissingTemplateFile(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"bos_token\": \"<s>\"}");

        IOException e = assertThrows(IOException.class, () -> ChatTemplate.load(dir));

        assertTrue(e.getMessage().contains("tokenizer_config.json"), e.getMessage());
    }

    @Test
    void shouldRejectEmptyChatAndBlankRole() {
        ChatTemplate template = new ChatTemplate("{{ messages }}", null, null);

        assertThrows(ChatTemplateException.class, () -> template.render(List.of(), true));
        var e = assertThrows(dev.loraq.engine.api.InvalidRequestException.class, () -> new ChatMessage(" ", "x"));
        assertEquals(ErrorCode.INVALID_PROMPT, e.code());
    }
}
