package dev.loraq.engine.config;

import dev.loraq.engine.model.WeightFormat;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static dev.loraq.engine.config.ConfigDefinition.NO_DEFAULT;
import static dev.loraq.engine.config.ConfigDefinition.Type.BOOLEAN;
import static dev.loraq.engine.config.ConfigDefinition.Type.DOUBLE;
import static dev.loraq.engine.config.ConfigDefinition.Type.INT;
import static dev.loraq.engine.config.ConfigDefinition.Type.LIST;
import static dev.loraq.engine.config.ConfigDefinition.Type.LONG;
import static dev.loraq.engine.config.ConfigDefinition.Type.PATH;
import static dev.loraq.engine.config.ConfigDefinition.Type.STRING;

/**
 * The inference engine's configuration. Every key can also be set through its environment variable
 * ({@code LORAQ_} + upper-cased key with '_' for '.'); explicit properties win. vLLM's flag names map to keys
 * by dropping the dashes' prefix and writing dots: {@code --max-loras} is {@code max.loras}.
 */
public final class EngineConfig {

    public static final String MODEL_DIR = "model.dir";
    public static final String ADAPTERS_DIR = "adapters.dir";
    public static final String WEIGHT_FORMAT = "weight.format";
    public static final String WEIGHT_MMAP = "weight.mmap";
    public static final String BACKEND = "backend";
    public static final String MAX_LORAS = "max.loras";
    public static final String MAX_CPU_LORAS = "max.cpu.loras";
    public static final String MAX_LORA_RANK = "max.lora.rank";
    public static final String MAX_NUM_SEQS = "max.num.seqs";
    public static final String MAX_NUM_BATCHED_TOKENS = "max.num.batched.tokens";
    public static final String KV_CACHE_TOKENS = "kv.cache.tokens";
    public static final String KV_BLOCK_SIZE = "kv.block.size";
    public static final String THREADS = "threads";
    public static final String SCHEDULING_POLICY = "scheduling.policy";
    public static final String MAX_QUEUE_WAIT_MS = "max.queue.wait.ms";
    public static final String MAX_MODEL_LEN = "max.model.len";
    public static final String PINNED_ADAPTERS = "pinned.adapters";
    public static final String MAX_WAITING_REQUESTS = "max.waiting.requests";
    public static final String SCHEDULING_BATCH_MIN_SHARE = "scheduling.batch.min.share";
    public static final String SCHEDULING_INTERACTIVE_HEADROOM_SHARE = "scheduling.interactive.headroom.share";
    public static final String SCHEDULING_INTERACTIVE_WINDOW_MS = "scheduling.interactive.window.ms";

    /** The keys, types, defaults, valid values and docs. */
    public static final ConfigDefinition DEFINITION = new ConfigDefinition()
            .define(MODEL_DIR, PATH, NO_DEFAULT, Validator.nonEmpty(),
                    "Folder of the base model in Hugging Face layout: config.json, *.safetensors, tokenizer.json, "
                            + "tokenizer_config.json (chat template) and optionally generation_config.json.")
            .define(ADAPTERS_DIR, PATH, null, null,
                    "Folder holding one sub-folder per LoRA adapter (adapter id = folder name) with "
                            + "adapter_config.json and adapter_model.safetensors. None = base model only.")
            .define(WEIGHT_FORMAT, STRING, "bf16", Validator.oneOf("bf16", "int8"),
                    "How base weights are held for compute: bf16 as stored, or int8 (one scale per 32 values, "
                            + "quantized at load) for about half the memory traffic per token.")
            .define(WEIGHT_MMAP, BOOLEAN, true, null,
                    "CPU backend, bf16: true = the kernels read the base weights where the model files are mapped (the "
                            + "page cache, like llama.cpp's default --mmap), for the least resident memory and the fastest "
                            + "start; false = they are copied at start into anonymous memory (llama.cpp's --no-mmap), so "
                            + "that page-cache pressure cannot evict them, at the cost of the weights' size in resident "
                            + "memory and seconds at start (3-6 s for 2.2 GB); decode speed measured the same either way. "
                            + "int8 quantizes into anonymous memory in both cases.")
            .define(BACKEND, STRING, "cpu", Validator.oneOf("cpu", "cuda"),
                    "Where the model runs: cpu (Java Vector API) or cuda (an NVIDIA GPU).")
            .define(MAX_LORAS, INT, 8, Validator.range(1, 1024),
                    "Most distinct adapters in one batch step, and adapter slots resident in compute memory.")
            .define(MAX_CPU_LORAS, INT, 32, Validator.range(1, 65536),
                    "Most adapters kept loaded in host memory (LRU); must be at least max.loras.")
            .define(MAX_LORA_RANK, INT, 64, Validator.range(1, 1024),
                    "Largest LoRA rank accepted; adapters above it are refused at load.")
            .define(MAX_NUM_SEQS, INT, 32, Validator.range(1, 4096),
                    "Most sequences decoded together in one batch step.")
            .define(MAX_NUM_BATCHED_TOKENS, INT, 512, Validator.range(1, 1 << 20),
                    "Most tokens (prompt chunks plus decode tokens) processed in one batch step; must be at least "
                            + "max.num.seqs.")
            .define(KV_CACHE_TOKENS, INT, 16384, Validator.range(1, 1 << 26),
                    "Capacity of the paged KV cache in tokens, shared by all running sequences.")
            .define(KV_BLOCK_SIZE, INT, 16, Validator.range(1, 1024),
                    "Tokens per KV cache block (the allocation unit); kv.cache.tokens must be at least one block.")
            .define(THREADS, INT, 0, Validator.range(0, 4096),
                    "Compute threads; 0 = the number of available processors.")
            .define(SCHEDULING_POLICY, STRING, "affinity", Validator.oneOf("fifo", "affinity"),
                    "Admission order: fifo (arrival order) or affinity (prefer requests whose adapter is "
                            + "resident, bounded by max.queue.wait.ms).")
            .define(MAX_QUEUE_WAIT_MS, LONG, 2000L, Validator.range(0, 3_600_000),
                    "Aging bound for affinity scheduling: a request waiting longer than this is admitted next "
                            + "whatever its adapter.")
            .define(MAX_MODEL_LEN, INT, 0, Validator.range(0, 1 << 24),
                    "Longest sequence (prompt plus output) in tokens; 0 = the model's max_position_embeddings.")
            .define(PINNED_ADAPTERS, LIST, "", null,
                    "Adapters loaded at start and kept in a compute slot for good (never evicted), for tenants whose "
                            + "latency matters most; at most max.loras minus one, so other adapters still get a slot.")
            .define(MAX_WAITING_REQUESTS, INT, 4096, Validator.range(1, 1 << 20),
                    "Most requests held waiting for a place in the running batch (submitted, not yet running); a "
                            + "submission beyond it is refused at once with error code overloaded, so the engine's queue "
                            + "stays bounded whatever its callers send. The Kafka service stays below it: it refuses to "
                            + "start when max.queued.records plus one poll (max.poll.records) could exceed it.")
            .define(SCHEDULING_BATCH_MIN_SHARE, DOUBLE, 0.25, Validator.range(0, 1),
                    "Interactive requests (the HTTP API) are admitted before batch requests (Kafka records), but while "
                            + "batch requests wait they are guaranteed ceil(share x max.num.seqs) of the running "
                            + "sequences: a free sequence goes to a batch request whenever fewer batch sequences run, "
                            + "otherwise to an interactive one. A floor, not a cap: either class uses every sequence the "
                            + "other leaves. Running sequences are never preempted, so the guaranteed share is reached as "
                            + "sequences finish. Within each class scheduling.policy decides. 0 = strict priority "
                            + "(batch work can starve under interactive load).")
            .define(SCHEDULING_INTERACTIVE_HEADROOM_SHARE, DOUBLE, 0.125, Validator.range(0, 1),
                    "Sequences kept free for interactive requests, as a share of max.num.seqs (ceil), while interactive "
                            + "requests arrived within scheduling.interactive.window.ms: batch work then fills at most the "
                            + "rest, so an online request starts at once instead of waiting for a batch request to finish. "
                            + "Never below the batch floor (scheduling.batch.min.share); without recent interactive traffic "
                            + "batch work uses every sequence. 0 = no headroom.")
            .define(SCHEDULING_INTERACTIVE_WINDOW_MS, LONG, 10_000L, Validator.range(0, 3_600_000),
                    "How long after the last interactive request the interactive headroom holds.")
            .formerly(MODEL_DIR, "model-dir")
            .formerly(ADAPTERS_DIR, "adapters-dir")
            .formerly(WEIGHT_FORMAT, "weight-format")
            .formerly(MAX_LORAS, "max-loras")
            .formerly(MAX_CPU_LORAS, "max-cpu-loras")
            .formerly(MAX_LORA_RANK, "max-lora-rank")
            .formerly(MAX_NUM_SEQS, "max-num-seqs")
            .formerly(MAX_NUM_BATCHED_TOKENS, "max-num-batched-tokens")
            .formerly(KV_CACHE_TOKENS, "kv-cache-tokens")
            .formerly(KV_BLOCK_SIZE, "kv-block-size")
            .formerly(SCHEDULING_POLICY, "scheduling-policy")
            .formerly(MAX_QUEUE_WAIT_MS, "max-queue-wait-ms")
            .formerly(MAX_MODEL_LEN, "max-model-len")
            .formerly(PINNED_ADAPTERS, "pinned-adapters")
            .peerFlag(MAX_LORAS, "--max-loras")
            .peerFlag(MAX_CPU_LORAS, "--max-cpu-loras")
            .peerFlag(MAX_LORA_RANK, "--max-lora-rank")
            .peerFlag(MAX_NUM_SEQS, "--max-num-seqs")
            .peerFlag(MAX_NUM_BATCHED_TOKENS, "--max-num-batched-tokens")
            .peerFlag(MAX_MODEL_LEN, "--max-model-len")
            .peerFlag(KV_BLOCK_SIZE, "--block-size")
            .peerFlag(MODEL_DIR, "--model");

    private final ConfigValues values;

    /**
     * Parses explicit properties only.
     *
     * @throws ConfigException naming the key and value when a key is unknown, missing or invalid
     */
    public EngineConfig(Map<String, ?> props) {
        this(DEFINITION.parse(props));
    }

    private EngineConfig(ConfigValues values) {
        this.values = values;
        if (maxCpuLoras() < maxLoras()) {
            throw new ConfigException(MAX_CPU_LORAS, "invalid value " + maxCpuLoras() + " for configuration '"
                    + MAX_CPU_LORAS + "': must be at least " + MAX_LORAS + " (" + maxLoras() + ")");
        }
        if (maxNumBatchedTokens() < maxNumSeqs()) {
            throw new ConfigException(MAX_NUM_BATCHED_TOKENS, "invalid value " + maxNumBatchedTokens()
                    + " for configuration '" + MAX_NUM_BATCHED_TOKENS + "': must be at least " + MAX_NUM_SEQS + " ("
                    + maxNumSeqs() + ")");
        }
        if (!pinnedAdapters().isEmpty() && pinnedAdapters().size() >= maxLoras()) {
            throw new ConfigException(PINNED_ADAPTERS, "invalid value " + pinnedAdapters() + " for configuration '"
                    + PINNED_ADAPTERS + "': at most " + MAX_LORAS + " - 1 (" + (maxLoras() - 1) + ") adapters can be pinned");
        }
        if (kvCacheTokens() < kvBlockSize()) {
            throw new ConfigException(KV_CACHE_TOKENS, "invalid value " + kvCacheTokens() + " for configuration '"
                    + KV_CACHE_TOKENS + "': must be at least " + KV_BLOCK_SIZE + " (" + kvBlockSize() + ")");
        }
    }

    /** The environment's {@code LORAQ_*} variables overlaid by explicit properties. */
    public static EngineConfig fromEnvironment(Map<String, ?> props, Map<String, String> env) {
        return new EngineConfig(DEFINITION.parse(props, env));
    }

    public Path modelDir() {
        return values.getPath(MODEL_DIR).orElseThrow();
    }

    public Optional<Path> adaptersDir() {
        return values.getPath(ADAPTERS_DIR);
    }

    public WeightFormat weightFormat() {
        return WeightFormat.valueOf(values.getString(WEIGHT_FORMAT).toUpperCase(Locale.ROOT));
    }

    public boolean weightMmap() {
        return values.getBoolean(WEIGHT_MMAP);
    }

    public BackendType backend() {
        return BackendType.valueOf(values.getString(BACKEND).toUpperCase(Locale.ROOT));
    }

    public int maxLoras() {
        return values.getInt(MAX_LORAS);
    }

    public int maxCpuLoras() {
        return values.getInt(MAX_CPU_LORAS);
    }

    public int maxLoraRank() {
        return values.getInt(MAX_LORA_RANK);
    }

    public int maxNumSeqs() {
        return values.getInt(MAX_NUM_SEQS);
    }

    public int maxNumBatchedTokens() {
        return values.getInt(MAX_NUM_BATCHED_TOKENS);
    }

    public int kvCacheTokens() {
        return values.getInt(KV_CACHE_TOKENS);
    }

    public int kvBlockSize() {
        return values.getInt(KV_BLOCK_SIZE);
    }

    /** The configured thread count, with 0 resolved to the available processors. */
    public int threads() {
        int t = values.getInt(THREADS);
        return t == 0 ? Runtime.getRuntime().availableProcessors() : t;
    }

    /** "fifo" or "affinity", the {@code name()} of a {@code dev.loraq.engine.sched.SchedulingPolicy}. */
    public String schedulingPolicy() {
        return values.getString(SCHEDULING_POLICY);
    }

    public long maxQueueWaitMs() {
        return values.getLong(MAX_QUEUE_WAIT_MS);
    }

    /** The configured limit; 0 means "use the model's max_position_embeddings". */
    public int maxModelLen() {
        return values.getInt(MAX_MODEL_LEN);
    }

    /** Adapter ids to load at start and keep resident. */
    public List<String> pinnedAdapters() {
        return values.getList(PINNED_ADAPTERS);
    }

    /** The most requests waiting for admission before submissions are refused as overloaded. */
    public int maxWaitingRequests() {
        return values.getInt(MAX_WAITING_REQUESTS);
    }

    /** The share of max.num.seqs guaranteed to waiting batch requests (see {@link #SCHEDULING_BATCH_MIN_SHARE}). */
    public double schedulingBatchMinShare() {
        return values.getDouble(SCHEDULING_BATCH_MIN_SHARE);
    }

    /** The share of max.num.seqs kept free for interactive requests while they arrive. */
    public double schedulingInteractiveHeadroomShare() {
        return values.getDouble(SCHEDULING_INTERACTIVE_HEADROOM_SHARE);
    }

    public long schedulingInteractiveWindowMs() {
        return values.getLong(SCHEDULING_INTERACTIVE_WINDOW_MS);
    }

    /** All values, for logging the effective configuration. */
    public ConfigValues values() {
        return values;
    }

    @Override
    public String toString() {
        return "EngineConfig" + values;
    }
}
