package dev.loraq.schemas.validation;

/** A PromptRequest that decodes but cannot be served as given; the message names the request and the field. */
public class InvalidPromptRequestException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String field;

    public InvalidPromptRequestException(String field, String message) {
        super(message);
        this.field = field;
    }

    /** Avro name of the offending field, e.g. {@code sampling.top_p}. */
    public String field() {
        return field;
    }
}
