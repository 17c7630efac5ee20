package dev.loraq.engine.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import dev.loraq.engine.backend.BackendOptions;
import dev.loraq.engine.backend.StepBatch;
import dev.loraq.engine.backend.cpu.CpuBackend;
import dev.loraq.engine.kv.KvBlockAllocator;
import dev.loraq.engine.model.LlamaModel;
import dev.loraq.engine.model.WeightFormat;
import dev.loraq.engine.synth.ModelPreset;
import dev.loraq.engine.tensor.NativeKernels;

/**
 * The {@code prefill} scenario: one sequence's prompt of {@code promptTokens} tokens processed in one step from
 * an empty context, base model, in BF16 and INT8, as {@code llama-bench -p 64 -n 0} does. Each repeat starts a
 * fresh sequence; reports the median over repeats as prompt tokens per second.
 */
public final class PrefillBench {
    public record Settings(String preset, int promptTokens, int repeats, int warmup, int threads) {
        public static Settings defaults() {
            return new Settings("1b", 64, 9, 2, 0);
        }
    }

    private PrefillBench() {
    }

    public static Map<String, Object> run(Path cacheDir, Settings s) {
        ModelPreset preset = ModelPreset.byName(s.preset());
        Path dir = BenchModels.model(cacheDir, preset);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("scenario", "prefill");
        out.put("preset", preset.name());
        out.put("promptTokens", s.promptTokens());
        out.put("matmul", NativeKernels.describe());
        int blockSize = 16;
        int blocks = (s.promptTokens() + blockSize - 1) / blockSize + 1;
        for (WeightFormat format : WeightFormat.values()) {
            try (LlamaModel model = LlamaModel.load(dir);
                 CpuBackend backend = new CpuBackend(model, new BackendOptions(1, 16, blocks, blockSize,
                         s.promptTokens(), format, s.threads()))) {
                KvBlockAllocator kv = new KvBlockAllocator(backend.kvBlockSize(), backend.kvBlocks());
                StepBatch batch = new StepBatch(kv, s.promptTokens(), 1, backend.config().vocabSize());
                int vocab = backend.config().vocabSize();
                for (int i = 0; i < s.warmup(); i++) {
                    prefill(backend, kv, batch, s.promptTokens(), vocab);
                }
                double[] seconds = new double[s.repeats()];
                for (int i = 0; i < s.repeats(); i++) {
                    seconds[i] = prefill(backend, kv, batch, s.promptTokens(), vocab);
                }
                double median = DecodeLoop.median(seconds);
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("threads", s.threads() == 0 ? Runtime.getRuntime().availableProcessors() : s.threads());
                r.put("medianMs", DecodeLoop.round(median * 1000, 1));
                r.put("tokensPerSecond", DecodeLoop.round(s.promptTokens() / median, 2));
                r.put("bestTokensPerSecond", DecodeLoop.round(s.promptTokens() / Arrays.stream(seconds).min().orElseThrow(), 2));
                out.put(format.name().toLowerCase(Locale.ROOT), r);
            }
        }
        return out;
    }

    /** One prompt in one step (logits for the last token only, as a scheduler asks); returns its seconds. */
    private static double prefill(CpuBackend backend, KvBlockAllocator kv, StepBatch batch, int tokens, int vocab) {
        int seq = kv.open();
        if (!kv.reserve(seq, tokens)) {
            throw new IllegalStateException("KV storage too small for a prompt of " + tokens + " tokens");
        }
        batch.clear();
        for (int t = 0; t < tokens; t++) {
            // Any valid tokens do: speed does not depend on the values.
            batch.addRow(seq, t, 1 + (t * 7919) % (vocab - 1), -1, t == tokens - 1);
        }
        long t0 = System.nanoTime();
        backend.step(batch);
        double seconds = (System.nanoTime() - t0) / 1e9;
        kv.release(seq);
        return seconds;
    }
}
