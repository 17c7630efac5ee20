package dev.loraq.engine.sample;

import dev.loraq.engine.api.ErrorCode;
import dev.loraq.engine.api.InvalidRequestException;

import java.util.List;

/**
 * How one request's tokens are chosen, validated on construction.
 *
 * <p>Valid values:
 * <ul>
 *   <li>{@code maxTokens} in [1, 1048576]: tokens to generate at most (the context-window check is separate)</li>
 *   <li>{@code temperature} in [0, 2]; 0 = greedy (argmax)</li>
 *   <li>{@code topK} &gt;= 0; 0 = off</li>
 *   <li>{@code topP} in (0, 1]; 1 = off</li>
 *   <li>{@code seed}: null = a random seed per request; a value makes sampled output reproducible, whatever
 *       other requests share the batch</li>
 *   <li>{@code stopStrings}: at most {@value #MAX_STOP_STRINGS}, each 1-{@value #MAX_STOP_STRING_LENGTH} chars</li>
 *   <li>{@code stopTokenIds}: non-negative ids that end the sequence (besides the model's EOS), at most
 *       {@value #MAX_STOP_TOKEN_IDS}</li>
 * </ul>
 * Violations throw {@link InvalidRequestException} with {@link ErrorCode#INVALID_SAMPLING} and a message naming
 * the field and value.
 */
public record SamplingParams(int maxTokens, double temperature, int topK, double topP, Long seed,
                             List<String> stopStrings, List<Integer> stopTokenIds) {

    public static final int MAX_TOKENS_LIMIT = 1 << 20;
    public static final int MAX_STOP_STRINGS = 16;
    public static final int MAX_STOP_STRING_LENGTH = 256;
    public static final int MAX_STOP_TOKEN_IDS = 64;

    public SamplingParams {
        if (maxTokens < 1 || maxTokens > MAX_TOKENS_LIMIT) {
            throw invalid("max_tokens must be in [1, " + MAX_TOKENS_LIMIT + "], got " + maxTokens);
        }
        if (!(temperature >= 0.0 && temperature <= 2.0)) {
            throw invalid("temperature must be in [0, 2], got " + temperature);
        }
        if (topK < 0) {
            throw invalid("top_k must be >= 0 (0 = off), got " + topK);
        }
        if (!(topP > 0.0 && topP <= 1.0)) {
            throw invalid("top_p must be in (0, 1], got " + topP);
        }
        if (stopStrings == null) {
            stopStrings = List.of();
        }
        if (stopStrings.size() > MAX_STOP_STRINGS) {
            throw invalid("stop must hold at most " + MAX_STOP_STRINGS + " strings, got " + stopStrings.size());
        }
        for (int i = 0; i < stopStrings.size(); i++) {
            String s = stopStrings.get(i);
            if (s == null || s.isEmpty() || s.length() > MAX_STOP_STRING_LENGTH) {
                throw invalid("stop[" + i + "] must be 1-" + MAX_STOP_STRING_LENGTH + " characters, got "
                        + (s == null ? "null" : s.length() + " characters"));
            }
        }
        stopStrings = List.copyOf(stopStrings);
        if (stopTokenIds == null) {
            stopTokenIds = List.of();
        }
        if (stopTokenIds.size() > MAX_STOP_TOKEN_IDS) {
            throw invalid("stop_token_ids must hold at most " + MAX_STOP_TOKEN_IDS + " ids, got "
                    + stopTokenIds.size());
        }
        for (int i = 0; i < stopTokenIds.size(); i++) {
            Integer id = stopTokenIds.get(i);
            if (id == null || id < 0) {
                throw invalid("stop_token_ids[" + i + "] must be a token id >= 0, got " + id);
            }
        }
        stopTokenIds = List.copyOf(stopTokenIds);
    }

    /** Greedy decoding of at most {@code maxTokens}, no stop strings. */
    public static SamplingParams greedy(int maxTokens) {
        return new SamplingParams(maxTokens, 0.0, 0, 1.0, null, List.of(), List.of());
    }

    /** Sampling at {@code temperature} with a fixed seed, no top-k/top-p, no stop strings. */
    public static SamplingParams seeded(int maxTokens, double temperature, long seed) {
        return new SamplingParams(maxTokens, temperature, 0, 1.0, seed, List.of(), List.of());
    }

    /** Whether the choice is deterministic argmax (temperature 0 or top_k 1). */
    public boolean isGreedy() {
        return temperature == 0.0 || topK == 1;
    }

    /** Whether {@code tokenId} is one of the request's stop token ids. */
    public boolean isStopToken(int tokenId) {
        for (int i = 0; i < stopTokenIds.size(); i++) {
            if (stopTokenIds.get(i) == tokenId) {
                return true;
            }
        }
        return false;
    }

    /** Checks stop token ids against the model's vocabulary. */
    public void requireTokenIdsBelow(int vocabSize) {
        for (int i = 0; i < stopTokenIds.size(); i++) {
            if (stopTokenIds.get(i) >= vocabSize) {
                throw invalid("stop_token_ids[" + i + "] must be below the vocabulary size " + vocabSize + ", got "
                        + stopTokenIds.get(i));
            }
        }
    }

    private static InvalidRequestException invalid(String message) {
        return new InvalidRequestException(ErrorCode.INVALID_SAMPLING, message);
    }
}
