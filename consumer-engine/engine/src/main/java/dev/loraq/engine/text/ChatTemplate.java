package dev.loraq.engine.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A model's chat template (the Jinja {@code chat_template} of tokenizer_config.json), rendered with jinjava the
 * way Hugging Face transformers renders it: trim_blocks and lstrip_blocks on, {@code raise_exception} and
 * {@code strftime_now} available, {@code bos_token}/{@code eos_token} bound from tokenizer_config.json.
 *
 * <p><b>BOS rule:</b> templates such as Llama 3's write BOS themselves, so the rendered prompt must be encoded
 * <em>without</em> the tokenizer's special tokens, or the prompt starts with two BOS tokens.
 * {@link #encode(Tokenizer, List, boolean)} does that; callers that encode a rendered string themselves must pass
 * {@code addSpecialTokens = false}.
 *
 * <p>Thread-safe: jinjava renders concurrently from one instance.
 */
public final class ChatTemplate {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String template;
    private final String bosToken;
    private final String eosToken;
    private final Map<String, Object> specialTokens;
    private final Jinjava jinjava;

    /**
     * @param template the Jinja source
     * @param bosToken the text bound to {@code bos_token} (may be null when the model has none)
     * @param eosToken the text bound to {@code eos_token} (may be null)
     */
    public ChatTemplate(String template, String bosToken, String eosToken) {
        this(template, bosToken, eosToken, Map.of());
    }

    private ChatTemplate(String template, String bosToken, String eosToken, Map<String, String> otherTokens) {
        this.template = Objects.requireNonNull(template, "template");
        this.bosToken = bosToken;
        this.eosToken = eosToken;
        Map<String, Object> tokens = new HashMap<>(otherTokens);
        tokens.put("bos_token", bosToken == null ? "" : bosToken);
        tokens.put("eos_token", eosToken == null ? "" : eosToken);
        this.specialTokens = Map.copyOf(tokens);
        JinjavaConfig config = JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                .withLstripBlocks(true)
                .build();
        this.jinjava = new Jinjava(config);
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "raise_exception",
                TemplateFunctions.class, "raiseException", String.class));
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "strftime_now",
                TemplateFunctions.class, "strftimeNow", String.class));
    }

    /**
     * Reads the template and special tokens from a model folder: {@code chat_template} in tokenizer_config.json
     * (a string, or a list of {name, template} where "default" is used), else a {@code chat_template.jinja} file.
     *
     * @throws IOException when no template is found or the JSON is invalid; the message names the file
     */
    public static ChatTemplate load(Path modelDir) throws IOException {
        Path configFile = modelDir.resolve("tokenizer_config.json");
        JsonNode config = JSON.createObjectNode();
        if (Files.isRegularFile(configFile)) {
            try {
                config = JSON.readTree(configFile.toFile());
            } catch (IOException e) {
                throw new IOException("cannot parse " + configFile.toAbsolutePath() + ": " + e.getMessage(), e);
            }
        }
        String template = templateText(config.get("chat_template"), configFile);
        if (template == null) {
            Path jinja = modelDir.resolve("chat_template.jinja");
            if (Files.isRegularFile(jinja)) {
                template = Files.readString(jinja, StandardCharsets.UTF_8);
            } else {
                throw new IOException("no chat template: neither 'chat_template' in " + configFile.toAbsolutePath()
                        + " nor " + jinja.toAbsolutePath());
            }
        }
        Map<String, String> others = new HashMap<>();
        for (String key : List.of("unk_token", "pad_token", "sep_token", "cls_token", "mask_token")) {
            String v = tokenText(config.get(key));
            if (v != null) {
                others.put(key, v);
            }
        }
        return new ChatTemplate(template, tokenText(config.get("bos_token")), tokenText(config.get("eos_token")),
                others);
    }

    /** The Jinja source. */
    public String template() {
        return template;
    }

    /** The text bound to {@code bos_token}, or null. */
    public String bosToken() {
        return bosToken;
    }

    /** The text bound to {@code eos_token}, or null. */
    public String eosToken() {
        return eosToken;
    }

    /**
     * Renders a chat.
     *
     * @param addGenerationPrompt append the header that starts the assistant's turn
     * @throws ChatTemplateException with the template's error messages when rendering fails
     */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        if (messages.isEmpty()) {
            throw new ChatTemplateException("chat must contain at least one message", List.of());
        }
        List<Map<String, Object>> msgs = new ArrayList<>(messages.size());
        for (ChatMessage m : messages) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("role", m.role());
            map.put("content", m.content());
            msgs.add(map);
        }
        Map<String, Object> bindings = new HashMap<>(specialTokens);
        bindings.put("messages", msgs);
        bindings.put("add_generation_prompt", addGenerationPrompt);
        RenderResult result;
        try {
            result = jinjava.renderForResult(template, bindings);
        } catch (RuntimeException e) {
            throw new ChatTemplateException("chat template failed: " + rootMessage(e), List.of(rootMessage(e)));
        }
        List<String> errors = new ArrayList<>();
        for (TemplateError error : result.getErrors()) {
            if (error.getSeverity() == TemplateError.ErrorType.FATAL) {
                errors.add("line " + error.getLineno() + ": " + errorMessage(error));
            }
        }
        if (!errors.isEmpty()) {
            throw new ChatTemplateException("chat template failed: " + String.join("; ", errors), errors);
        }
        return result.getOutput();
    }

    /**
     * Renders a chat and encodes it without adding special tokens (the template wrote BOS itself).
     */
    public int[] encode(Tokenizer tokenizer, List<ChatMessage> messages, boolean addGenerationPrompt) {
        return tokenizer.encode(render(messages, addGenerationPrompt), false);
    }

    private static String errorMessage(TemplateError error) {
        Throwable e = error.getException();
        while (e != null) {
            if (e instanceof TemplateFunctions.TemplateRaisedException) {
                return "raise_exception: " + e.getMessage();
            }
            e = e.getCause();
        }
        return error.getMessage();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            if (t instanceof TemplateFunctions.TemplateRaisedException) {
                break;
            }
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    private static String templateText(JsonNode node, Path file) throws IOException {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return node.asText();
        }
        if (node.isArray()) {
            for (JsonNode named : node) {
                if ("default".equals(named.path("name").asText())) {
                    return named.path("template").asText();
                }
            }
            throw new IOException("'chat_template' in " + file.toAbsolutePath()
                    + " is a list without a template named 'default'");
        }
        throw new IOException("'chat_template' in " + file.toAbsolutePath() + " must be a string or a list, got "
                + node.getNodeType());
    }

    /** A token in tokenizer_config.json is a string or an AddedToken object {"content": ...}. */
    private static String tokenText(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return node.asText();
        }
        JsonNode content = node.get("content");
        return content != null && content.isTextual() ? content.asText() : null;
    }
}
