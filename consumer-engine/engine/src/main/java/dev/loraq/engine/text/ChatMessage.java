package dev.loraq.engine.text;

import dev.loraq.engine.api.ErrorCode;
import dev.loraq.engine.api.InvalidRequestException;

/**
 * One turn of a chat, as the chat template sees it ({@code message['role']}, {@code message['content']}).
 *
 * @param role "system", "user", "assistant" (or whatever the model's template accepts)
 * @param content the text of the turn
 */
public record ChatMessage(String role, String content) {

    public ChatMessage {
        if (role == null || role.isBlank()) {
            throw new InvalidRequestException(ErrorCode.INVALID_PROMPT, "chat message role must be non-empty, got "
                    + (role == null ? "null" : "'" + role + "'"));
        }
        if (content == null) {
            throw new InvalidRequestException(ErrorCode.INVALID_PROMPT,
                    "chat message content must not be null (role '" + role + "')");
        }
    }

    public static ChatMessage system(String content) {
        return new ChatMessage("system", content);
    }

    public static ChatMessage user(String content) {
        return new ChatMessage("user", content);
    }

    public static ChatMessage assistant(String content) {
        return new ChatMessage("assistant", content);
    }
}
