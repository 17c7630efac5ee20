package dev.loraq.openai.http.auth;

import dev.loraq.openai.http.ApiError;

/** The caller behind a request's {@code Authorization} header: {@code Bearer KEY}, looked up in the keys file. */
public final class Authenticator {

    private static final String BEARER = "Bearer ";

    private final ApiKeyFile keys;

    /**
     * @param keys the keys file, or null when online.auth=off (every caller is {@link Caller#LOCAL})
     */
    public Authenticator(ApiKeyFile keys) {
        this.keys = keys;
    }

    /**
     * @param authorization the header's value, or null
     * @throws ApiError 401 when the key is missing or not in the keys file
     */
    public Caller authenticate(String authorization) {
        if (keys == null) {
            return Caller.LOCAL;
        }
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
                || authorization.length() == BEARER.length()) {
            throw ApiError.unauthorized("missing API key: send the header 'Authorization: Bearer YOUR_KEY'");
        }
        String key = authorization.substring(BEARER.length()).trim();
        return keys.lookup(key).orElseThrow(() -> ApiError.unauthorized("invalid API key"));
    }
}
