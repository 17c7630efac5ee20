package dev.loraq.engine;

import dev.loraq.engine.generation.GenerationRequest;
import dev.loraq.engine.generation.GenerationResult;
import dev.loraq.engine.generation.FinishReason;
import dev.loraq.engine.api.ErrorCode;
import dev.loraq.engine.api.InvalidRequestException;
import dev.loraq.engine.backend.BackendOptions;
import dev.loraq.engine.backend.BackendProviders;
import dev.loraq.engine.backend.ComputeBackend;
import dev.loraq.engine.backend.ComputeBackendProvider;
import dev.loraq.engine.cache.AdapterCache;
import dev.loraq.engine.config.EngineConfig;
import dev.loraq.engine.delivery.DeliveryExecutor;
import dev.loraq.engine.delivery.RequestDelivery;
import dev.loraq.engine.lora.AdapterFiles;
import dev.loraq.engine.lora.AdapterId;
import dev.loraq.engine.lora.AdapterRegistry;
import dev.loraq.engine.lora.LoraWeights;
import dev.loraq.engine.lora.AdapterSource;
import dev.loraq.engine.lora.LocalFolderAdapterSource;
import dev.loraq.engine.model.LlamaModel;
import dev.loraq.engine.model.ModelConfig;
import dev.loraq.engine.observe.EngineObserver;
import dev.loraq.engine.observe.GuardedObserver;
import dev.loraq.engine.sample.Sampler;
import dev.loraq.engine.sample.SamplingParams;
import dev.loraq.engine.sched.AdapterAffinityPolicy;
import dev.loraq.engine.sched.BatchScheduler;
import dev.loraq.engine.sched.BatchShare;
import dev.loraq.engine.sched.FifoPolicy;
import dev.loraq.engine.sched.SchedulingPolicy;
import dev.loraq.engine.sched.Sequence;
import dev.loraq.engine.text.ChatTemplate;
import dev.loraq.engine.text.GenerationConfig;
import dev.loraq.engine.text.StreamingDecoder;
import dev.loraq.engine.text.Tokenizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The multi-LoRA inference engine: one resident base model, many adapters, continuous batching of mixed-adapter
 * batches. Submit requests from any thread; each gets a future that completes with its {@link GenerationResult},
 * or exceptionally with an {@link InvalidRequestException} naming what was wrong with that request (unknown
 * adapter, adapter that fails to load, prompt too long, bad sampling parameters, or {@code OVERLOADED} when
 * max.waiting.requests are waiting already). A broken request never affects the others. A request with a
 * {@link dev.loraq.engine.generation.GenerationListener} also gets its text token by token as it is generated.
 *
 * <p>Results, failures and deltas are delivered off the scheduler thread, on the engine's delivery threads (a
 * virtual thread per request with something to deliver, in order per request), so neither a slow listener nor a
 * slow future callback can slow the batch; a callback that blocks delays only its own request's deliveries.
 * Refusals at submission complete the future before {@code submit} returns, on the caller's thread.
 */
public final class Engine implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Engine.class);

    private final LlamaModel model;
    private final ComputeBackend backend;
    private final Tokenizer tokenizer;
    private final ChatTemplate chatTemplate;
    private final GenerationConfig generationConfig;
    private final AdapterRegistry adapterSource;
    private final AdapterCache adapters;
    private final BatchScheduler scheduler;
    private final Thread schedulerThread;
    private final DeliveryExecutor delivery = new DeliveryExecutor();
    private final int maxModelLen;
    private final int maxLoraRank;
    private final int kvCapacityTokens;
    private final String modelId;
    private final HeapEstimate heapEstimate;
    private final AtomicLong arrivals = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();

    private Engine(EngineConfig config) throws IOException {
        // Before anything loads: a backend whose module is missing fails the start at once, naming the module.
        ComputeBackendProvider provider = BackendProviders.onClassPath().require(config.backend());
        Path modelDir = config.modelDir();
        long start = System.nanoTime();
        this.model = LlamaModel.load(modelDir);
        ModelConfig mc = model.config();
        this.heapEstimate = HeapEstimate.of(config, mc);
        this.tokenizer = Tokenizer.load(modelDir.resolve("tokenizer.json"));
        this.chatTemplate = Files.isRegularFile(modelDir.resolve("tokenizer_config.json")) ? ChatTemplate.load(modelDir) : null;
        this.generationConfig = GenerationConfig.read(modelDir);
        this.maxModelLen = config.maxModelLen() == 0 ? mc.maxPositionEmbeddings()
                : Math.min(config.maxModelLen(), mc.maxPositionEmbeddings());
        int blocks = config.kvCacheTokens() / config.kvBlockSize();
        int maxRows = Math.max(config.maxNumBatchedTokens(), config.maxNumSeqs());
        this.backend = provider.open(model, new BackendOptions(config.maxLoras(), config.maxLoraRank(), blocks,
                config.kvBlockSize(), maxRows, config.weightFormat(), config.threads(), config.weightMmap()));
        this.kvCapacityTokens = backend.kvBlocks() * backend.kvBlockSize();
        this.adapterSource = new AdapterRegistry(
                config.adaptersDir().<AdapterSource>map(LocalFolderAdapterSource::new).orElse(null));
        this.maxLoraRank = config.maxLoraRank();
        this.adapters = new AdapterCache(adapterSource, backend, config.maxCpuLoras(), config.maxLoraRank());
        pinAdapters(config.pinnedAdapters());
        SchedulingPolicy policy = switch (config.schedulingPolicy()) {
            case "fifo" -> new FifoPolicy();
            case "affinity" -> new AdapterAffinityPolicy(TimeUnit.MILLISECONDS.toNanos(config.maxQueueWaitMs()));
            default -> throw new IllegalArgumentException("unknown scheduling.policy '" + config.schedulingPolicy() + "'");
        };
        this.modelId = modelDir.getFileName() == null ? modelDir.toString() : modelDir.getFileName().toString();
        this.scheduler = new BatchScheduler(backend, adapters, policy, config.maxNumSeqs(),
                config.maxNumBatchedTokens(), config.maxWaitingRequests(),
                new BatchShare(config.schedulingBatchMinShare(), config.schedulingInteractiveHeadroomShare(),
                        TimeUnit.MILLISECONDS.toNanos(config.schedulingInteractiveWindowMs()), config.maxNumSeqs()), modelId);
        this.schedulerThread = new Thread(scheduler, "loraq-scheduler");
        schedulerThread.setDaemon(true);
        schedulerThread.start();
        log.info("engine ready model={} backend={} layers={} hidden={} format={} maxLoras={} kvTokens={} policy={} "
                        + "loadMs={}", modelId, config.backend().configValue(), mc.numHiddenLayers(), mc.hiddenSize(),
                config.weightFormat(), config.maxLoras(), kvCapacityTokens, policy.name(),
                (System.nanoTime() - start) / 1_000_000);
    }

    /** Loads pinned adapters into their slots before the scheduler thread owns the cache; a bad one fails the start. */
    private void pinAdapters(List<String> ids) {
        for (String id : ids) {
            if (!adapterSource.hasConfiguredSource()) {
                throw new IllegalArgumentException("pinned.adapters needs adapters.dir");
            }
            AdapterId.of(id);
            AdapterCache.Lease lease = adapters.acquireBlocking(id);
            adapters.release(lease.slot());
            adapters.pin(id, true);
            log.info("adapter pinned adapter={} slot={} loadMs={}", id, lease.slot(), lease.loadNanos() / 1_000_000);
        }
    }

    /** Loads the model, tokenizer and adapter source, and starts the scheduler thread. */
    public static Engine open(EngineConfig config) {
        try {
            return new Engine(config);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open engine on " + config.modelDir() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Queues a request. Validation errors (adapter id, unknown adapter, prompt, sampling, length) and the overload
     * refusal complete the returned future exceptionally at once (after the listener's {@code onError}); adapter
     * load failures complete it later.
     */
    public CompletableFuture<GenerationResult> submit(GenerationRequest request) {
        CompletableFuture<GenerationResult> future = new CompletableFuture<>();
        RequestDelivery out = delivery.open(request.requestId(), request.listener(), future);
        try {
            scheduler.submit(prepare(request, out));
        } catch (InvalidRequestException e) {
            log.debug("request refused request={} code={} reason={}", request.requestId(), e.code(), e.getMessage());
            out.failNow(e);
        }
        return future;
    }

    private Sequence prepare(GenerationRequest request, RequestDelivery out) {
        if (request.adapterId() != null) {
            AdapterId id = AdapterId.of(request.adapterId());
            if (!adapterSource.exists(id)) {
                throw new InvalidRequestException(ErrorCode.UNKNOWN_ADAPTER, "unknown adapter '" + id.value() + "'"
                        + (adapterSource.hasConfiguredSource() ? "" : ": this engine has no adapters.dir"));
            }
        }
        int[] prompt = promptTokens(request);
        SamplingParams sampling = request.sampling();
        int vocab = model.config().vocabSize();
        sampling.requireTokenIdsBelow(vocab);
        // long: a max_tokens near Integer.MAX_VALUE must not wrap around and pass the check.
        long total = (long) prompt.length + sampling.maxTokens();
        int limit = Math.min(maxModelLen, kvCapacityTokens);
        if (total > limit) {
            throw new InvalidRequestException(ErrorCode.PROMPT_TOO_LONG, "prompt of " + prompt.length
                    + " tokens plus max_tokens " + sampling.maxTokens() + " = " + total + " exceeds the context of "
                    + limit + " tokens" + (limit == maxModelLen ? " (max.model.len)" : " (kv.cache.tokens)"));
        }
        Set<Integer> stops = new LinkedHashSet<>(generationConfig.eosTokenIds());
        stops.addAll(sampling.stopTokenIds());
        int[] stopIds = stops.stream().mapToInt(Integer::intValue).toArray();
        return new Sequence(request, out, arrivals.getAndIncrement(), prompt, sampling.maxTokens(),
                new Sampler(sampling, vocab), new StreamingDecoder(tokenizer, sampling.stopStrings()), stopIds);
    }

    private int[] promptTokens(GenerationRequest request) {
        int set = (request.prompt() != null ? 1 : 0) + (request.messages() != null ? 1 : 0)
                + (request.promptTokenIds() != null ? 1 : 0);
        if (set != 1) {
            throw new InvalidRequestException(ErrorCode.INVALID_PROMPT,
                    "exactly one of prompt, messages and prompt token ids must be given, got " + set);
        }
        int[] tokens;
        if (request.prompt() != null) {
            tokens = tokenizer.encode(request.prompt(), true);
        } else if (request.messages() != null) {
            if (chatTemplate == null) {
                throw new InvalidRequestException(ErrorCode.INVALID_PROMPT,
                        "chat messages need a chat_template in the model's tokenizer_config.json");
            }
            if (request.messages().isEmpty()) {
                throw new InvalidRequestException(ErrorCode.INVALID_PROMPT, "messages must not be empty");
            }
            tokens = chatTemplate.encode(tokenizer, request.messages(), true);
        } else {
            tokens = request.promptTokenIds().clone();
            int vocab = model.config().vocabSize();
            for (int i = 0; i < tokens.length; i++) {
                if (tokens[i] < 0 || tokens[i] >= vocab) {
                    throw new InvalidRequestException(ErrorCode.INVALID_PROMPT, "prompt token id " + tokens[i]
                            + " at index " + i + " is outside the vocabulary [0, " + vocab + ")");
                }
            }
        }
        if (tokens.length == 0) {
            throw new InvalidRequestException(ErrorCode.INVALID_PROMPT, "prompt is empty");
        }
        return tokens;
    }

    /**
     * Cancels a waiting or running request; its future completes with {@link FinishReason#CANCELLED} (its listener's
     * {@code onFinish} too). A waiting request's place under max.waiting.requests is free when this returns.
     */
    public void cancel(String requestId) {
        scheduler.cancel(requestId);
    }

    /**
     * Reports admissions, token times and adapter loads to {@code observer} from now on (null: to nobody), replacing
     * the previous one; see {@link EngineObserver} for how it is called. A throwing observer is switched off.
     */
    public void observe(EngineObserver observer) {
        EngineObserver guarded = GuardedObserver.of(observer);
        scheduler.observe(guarded);
        adapters.observe(guarded);
    }

    public EngineStats stats() {
        return new EngineStats(scheduler.stats(), adapters.stats());
    }

    public String modelId() {
        return modelId;
    }

    /** The most requests held waiting before submissions are refused as overloaded (max.waiting.requests). */
    public int maxWaitingRequests() {
        return scheduler.maxWaitingRequests();
    }

    /** The heap this engine's configuration needs (an upper bound for the adapters). */
    public HeapEstimate heapEstimate() {
        return heapEstimate;
    }

    public ModelConfig modelConfig() {
        return model.config();
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** Finds an adapter's files (for tools); throws like {@link #submit} would for a bad id. */
    public AdapterFiles locateAdapter(String adapterId) {
        if (!adapterSource.hasConfiguredSource()
                && (!AdapterId.isValid(adapterId) || !adapterSource.exists(AdapterId.of(adapterId)))) {
            throw new InvalidRequestException(ErrorCode.UNKNOWN_ADAPTER, "this engine has no adapters.dir");
        }
        return adapterSource.locate(AdapterId.of(adapterId));
    }

    /**
     * Serves the adapter stored in {@code folder} under {@code adapterId} from now on (vLLM's load_lora_adapter).
     * The adapter is read and checked against the base model here, so a bad one is refused at once. Registering a
     * name again, with the same folder or another, serves the files as they are now: requests submitted after this
     * returns get the new weights, running ones finish on the old. One folder is served under one name only.
     *
     * @return the adapter's files
     * @throws InvalidRequestException for an invalid id ({@code INVALID_ADAPTER_ID}), a folder without an adapter or
     *         already served under another name, or an adapter that cannot load (rank above max.lora.rank, shapes)
     */
    public AdapterFiles registerAdapter(String adapterId, Path folder) {
        AdapterId id = AdapterId.of(adapterId);
        synchronized (adapterSource) {
            checkLoadable(adapterSource.check(id, folder));
            AdapterFiles files = adapterSource.register(id, folder);
            adapters.invalidate(id.value());
            log.info("adapter registered adapter={} folder={} rank={}", id, files.directory(), files.config().rank());
            return files;
        }
    }

    private void checkLoadable(AdapterFiles files) {
        if (files.config().rank() > maxLoraRank) {
            throw new InvalidRequestException(ErrorCode.ADAPTER_LOAD_FAILED, "adapter '" + files.id() + "': rank "
                    + files.config().rank() + " is above max.lora.rank " + maxLoraRank);
        }
        try {
            LoraWeights.load(files.id().value(), files.config(), files.weightsFile(), model.config());
        } catch (InvalidRequestException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new InvalidRequestException(ErrorCode.ADAPTER_LOAD_FAILED,
                    "adapter '" + files.id() + "' cannot load: " + e.getMessage(), e);
        }
    }

    /**
     * Stops serving {@code adapterId} (vLLM's unload_lora_adapter), whether registered or in adapters.dir: requests
     * submitted after this returns are refused as unknown, running ones finish.
     *
     * @throws InvalidRequestException {@code UNKNOWN_ADAPTER} when the engine does not serve it
     */
    public void unregisterAdapter(String adapterId) {
        AdapterId id = AdapterId.of(adapterId);
        synchronized (adapterSource) {
            if (!adapterSource.unregister(id)) {
                throw new InvalidRequestException(ErrorCode.UNKNOWN_ADAPTER, "unknown adapter '" + id + "'");
            }
            adapters.invalidate(id.value());
        }
        log.info("adapter unregistered adapter={}", id);
    }

    /** The ids of the adapters this engine serves now (adapters.dir and registered), sorted. */
    public List<String> adapterIds() {
        return adapterSource.list().stream().map(AdapterId::value).toList();
    }

    /**
     * Stops the scheduler (held requests complete as cancelled), lets the last deliveries run (up to 10 s for a
     * listener that blocks) and frees the model; idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        scheduler.stop();
        try {
            schedulerThread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        delivery.close();
        adapters.close();
        backend.close();
        tokenizer.close();
        model.close();
    }
}
