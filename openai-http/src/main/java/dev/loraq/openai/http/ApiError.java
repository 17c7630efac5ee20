package dev.loraq.openai.http;

/**
 * An answer in OpenAI's error shape, {@code {"error": {"message", "type", "param", "code"}}}, with its HTTP status.
 * Thrown by request handling and written by the server.
 */
public final class ApiError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String type;
    private final String param;
    private final String code;
    private final int retryAfterSeconds;

    public ApiError(int status, String type, String param, String code, String message, int retryAfterSeconds) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** 400 naming the field. */
    public static ApiError badRequest(String param, String message) {
        return new ApiError(400, "invalid_request_error", param, "invalid_value", message, -1);
    }

    public static ApiError unauthorized(String message) {
        return new ApiError(401, "authentication_error", null, "invalid_api_key", message, -1);
    }

    public static ApiError forbidden(String param, String message) {
        return new ApiError(403, "permission_error", param, "permission_denied", message, -1);
    }

    public static ApiError notFound(String param, String code, String message) {
        return new ApiError(404, "not_found_error", param, code, message, -1);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String param() {
        return param;
    }

    public String code() {
        return code;
    }

    /** Seconds for the Retry-After header, or -1 for none. */
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
