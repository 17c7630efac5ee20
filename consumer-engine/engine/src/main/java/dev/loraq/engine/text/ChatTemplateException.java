package dev.loraq.engine.text;

import dev.loraq.engine.api.ErrorCode;
import dev.loraq.engine.api.InvalidRequestException;

import java.util.List;

/**
 * Rendering a chat failed: the template refused the conversation ({@code raise_exception}) or hit an error.
 * The message carries the template's own error messages with line numbers.
 */
public final class ChatTemplateException extends InvalidRequestException {

    private static final long serialVersionUID = 1L;

    private final List<String> templateErrors;

    public ChatTemplateException(String message, List<String> templateErrors) {
        super(ErrorCode.INVALID_PROMPT, message);
        this.templateErrors = List.copyOf(templateErrors);
    }

    /** Each error as "line N: message". */
    public List<String> templateErrors() {
        return templateErrors;
    }
}
