package dev.loraq.engine.sched;

import dev.loraq.engine.delivery.RequestDelivery;
import dev.loraq.engine.generation.AdapterLoadKind;
import dev.loraq.engine.generation.GenerationRequest;
import dev.loraq.engine.generation.RequestClass;
import dev.loraq.engine.sample.Sampler;
import dev.loraq.engine.text.StreamingDecoder;

import java.util.Arrays;

/**
 * One request's generation state while the engine holds it: its tokens (prompt then generated), how many of them
 * are already in the KV cache, its sampler (own seeded RNG, so output does not depend on batch composition), its
 * text decoder, the resources it holds (KV sequence, adapter slot) and its way out to the caller. Scheduler-thread
 * only.
 */
public final class Sequence {

    private final GenerationRequest request;
    private final RequestDelivery delivery;
    private final String adapterKey;
    private final long arrival;
    private final long submittedNanos;
    private final int promptLength;
    private final int maxTokens;
    private final int[] tokens;
    private final Sampler sampler;
    private final StreamingDecoder decoder;
    private final int[] stopTokenIds;

    private int length;
    private int computed;
    private int kvSeq = -1;
    private int adapterSlot = -1;
    private AdapterLoadKind loadKind = AdapterLoadKind.NONE;
    private long loadNanos;
    private long admittedNanos;
    private boolean waitedForDisk;
    private long lastTokenNanos;
    /** Step time attributed so far; a double so each step's share is added without rounding. */
    private double engineNanos;

    public Sequence(GenerationRequest request, RequestDelivery delivery, long arrival,
                    int[] promptTokens, int maxTokens, Sampler sampler, StreamingDecoder decoder, int[] stopTokenIds) {
        this.request = request;
        this.delivery = delivery;
        this.adapterKey = request.adapterId() == null ? WaitingQueues.BASE : request.adapterId();
        this.arrival = arrival;
        this.submittedNanos = System.nanoTime();
        this.promptLength = promptTokens.length;
        this.maxTokens = maxTokens;
        this.tokens = Arrays.copyOf(promptTokens, promptTokens.length + maxTokens);
        this.length = promptTokens.length;
        this.sampler = sampler;
        this.decoder = decoder;
        this.stopTokenIds = stopTokenIds;
    }

    public GenerationRequest request() { return request; }
    /** Where the request's deltas, result or failure go. */
    public RequestDelivery delivery() { return delivery; }
    public String requestId() { return request.requestId(); }
    public String adapterKey() { return adapterKey; }
    public boolean usesAdapter() { return !adapterKey.isEmpty(); }
    public int priority() { return request.priority(); }
    public RequestClass requestClass() { return request.requestClass(); }
    /** Submission order, for FIFO and tie-breaks. */
    public long arrival() { return arrival; }
    public long submittedNanos() { return submittedNanos; }
    public int promptLength() { return promptLength; }
    public int maxTokens() { return maxTokens; }
    /** Prompt plus the most tokens it may generate: what its KV reservation covers. */
    public int capacity() { return tokens.length; }
    public int length() { return length; }
    public int computed() { return computed; }
    public int generated() { return length - promptLength; }
    public int token(int position) { return tokens[position]; }
    public int kvSeq() { return kvSeq; }
    public int adapterSlot() { return adapterSlot; }
    public AdapterLoadKind loadKind() { return loadKind; }
    public long loadNanos() { return loadNanos; }
    public long admittedNanos() { return admittedNanos; }
    /** Engine time attributed to this sequence so far: its rows' share of every step it was in. */
    public long engineNanos() { return Math.round(engineNanos); }
    public Sampler sampler() { return sampler; }
    public StreamingDecoder decoder() { return decoder; }

    /** True while prompt tokens remain to be run through the model. */
    public boolean prefilling() { return computed < promptLength; }

    void markWaitedForDisk() { waitedForDisk = true; }

    void admit(int kvSeq, int adapterSlot, AdapterLoadKind kind, long loadNanos) {
        this.kvSeq = kvSeq;
        this.adapterSlot = adapterSlot;
        this.loadKind = waitedForDisk && kind != AdapterLoadKind.NONE ? AdapterLoadKind.DISK : kind;
        this.loadNanos = loadNanos;
        this.admittedNanos = System.nanoTime();
    }

    void advanceComputed(int n) { computed += n; }

    /** Notes that a token was generated at {@code nanos}; returns the previous token's time (0 before the first). */
    long tokenAt(long nanos) {
        long previous = lastTokenNanos;
        lastTokenNanos = nanos;
        return previous;
    }
    /** Charges this sequence its share of a step: its rows times the step's time per row (one multiply-add). */
    void chargeStep(int rows, double stepNanosPerRow) { engineNanos += rows * stepNanosPerRow; }

    void append(int token) { tokens[length++] = token; }

    boolean isStopToken(int token) {
        for (int id : stopTokenIds) {
            if (id == token) {
                return true;
            }
        }
        return false;
    }

    int[] generatedTokens() { return Arrays.copyOfRange(tokens, promptLength, length); }

    void releaseResources() {
        kvSeq = -1;
        adapterSlot = -1;
    }
}
