package dev.loraq.engine.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.loraq.engine.kv.KvBlockAllocator;
import dev.loraq.engine.lora.AdapterConfig;
import dev.loraq.engine.lora.LoraWeights;
import dev.loraq.engine.model.Projection;
import dev.loraq.engine.model.LlamaModel;
import dev.loraq.engine.model.ModelConfig;
import dev.loraq.engine.model.WeightFormat;
import dev.loraq.engine.synth.ModelPreset;
import dev.loraq.engine.synth.SyntheticAdapterWriter;
import dev.loraq.engine.synth.SyntheticModelWriter;

/**
 * The engine's central promise, on every backend present: one step mixing base-only rows, several adapters of
 * different ranks and target sets, prefill chunks and decodes gives each sequence the logits it would get alone on
 * a model with that adapter merged into the weights.
 */
@EveryBackend
class MixedAdapterParityTest {
    private static final int GENERATE = 5;
    private static final float TOLERANCE = 2e-3f;

    @TempDir
    static Path dir;
    static ModelConfig config;
    static Path modelDir;
    static LlamaModel model;
    static Map<String, LoraWeights> adapters = new HashMap<>();

    private record AdapterSpec(String id, int rank, double alpha, Set<Projection> targets) {
    }

    private static final List<AdapterSpec> SPECS = List.of(
            new AdapterSpec("qv-r4", 4, 8, EnumSet.of(Projection.Q, Projection.V)),
            new AdapterSpec("all-r8", 8, 16, EnumSet.allOf(Projection.class)),
            new AdapterSpec("mlp-r16", 16, 16, EnumSet.of(Projection.O, Projection.GATE, Projection.UP, Projection.DOWN)),
            new AdapterSpec("kd-r2", 2, 6, EnumSet.of(Projection.K, Projection.DOWN)));

    private final ComputeBackendProvider provider;

    MixedAdapterParityTest(ComputeBackendProvider provider) {
        this.provider = provider;
    }

    @BeforeAll
    static void writeModelAndAdapters() {
        modelDir = dir.resolve("tiny");
        config = SyntheticModelWriter.write(modelDir, ModelPreset.TINY, 11);
        long seed = 100;
        for (AdapterSpec s : SPECS) {
            Path a = dir.resolve(s.id);
            SyntheticAdapterWriter.write(a, config, s.rank, s.alpha, s.targets, seed++);
            adapters.put(s.id, LoraWeights.load(s.id, new AdapterConfig(s.rank, s.alpha, s.targets, false, "tiny"),
                    a.resolve(SyntheticAdapterWriter.WEIGHTS_FILE), config));
        }
        model = LlamaModel.load(modelDir);
    }

    @AfterAll
    static void closeModel() {
        model.close();
    }

    /** One simulated request: prompt, adapter, chunking, and what the engine produced. */
    private static final class Seq {
        final String adapter;
        final int slot;
        final int chunk;
        final int startStep;
        final List<Integer> tokens = new ArrayList<>();
        final int promptLength;
        final Map<Integer, float[]> logitsAt = new HashMap<>();
        int fed;
        int generated;
        int kv = -1;

        Seq(String adapter, int slot, int[] prompt, int chunk, int startStep) {
            this.adapter = adapter;
            this.slot = slot;
            this.chunk = chunk;
            this.startStep = startStep;
            for (int t : prompt) {
                tokens.add(t);
            }
            this.promptLength = prompt.length;
        }
    }

    private static int[] prompt(Random rnd, int length) {
        int[] p = new int[length];
        p[0] = 1;
        for (int i = 1; i < length; i++) {
            p[i] = 3 + rnd.nextInt(500);
        }
        return p;
    }

    private static int argmax(float[] a) {
        int best = 0;
        for (int i = 1; i < a.length; i++) {
            if (a[i] > a[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Runs the sequences through the backend like a continuous-batching scheduler would; returns its allocator. */
    private static KvBlockAllocator run(ComputeBackend backend, List<Seq> seqs, long shuffleSeed) {
        KvBlockAllocator kv = new KvBlockAllocator(backend.kvBlockSize(), backend.kvBlocks());
        StepBatch batch = new StepBatch(kv, 64, 16, config.vocabSize());
        Random rnd = new Random(shuffleSeed);
        List<Seq> order = new ArrayList<>(seqs);
        int[] rowSeq = new int[64];
        for (int step = 0; seqs.stream().anyMatch(s -> s.generated < GENERATE); step++) {
            assertTrue(step < 100, "scheduler made no progress");
            batch.clear();
            Collections.shuffle(order, rnd);
            int rows = 0;
            for (Seq s : order) {
                if (step < s.startStep || s.generated >= GENERATE || s.fed >= s.tokens.size()) {
                    continue;
                }
                if (s.kv < 0) {
                    s.kv = kv.open();
                }
                int count = s.fed < s.promptLength ? Math.min(s.chunk, s.promptLength - s.fed) : 1;
                assertTrue(kv.reserve(s.kv, s.fed + count));
                for (int k = 0; k < count; k++) {
                    int pos = s.fed + k;
                    boolean want = pos >= s.promptLength - 1;
                    batch.addRow(s.kv, pos, s.tokens.get(pos), s.slot, want);
                    rowSeq[rows++] = seqs.indexOf(s);
                }
                s.fed += count;
            }
            backend.step(batch);
            for (int r = 0; r < batch.rows(); r++) {
                int lr = batch.logitsRowOf(r);
                if (lr >= 0) {
                    Seq s = seqs.get(rowSeq[r]);
                    float[] logits = batch.logitsRow(lr);
                    s.logitsAt.put(batch.position(r), logits);
                    s.tokens.add(argmax(logits));
                    s.generated++;
                }
            }
        }
        return kv;
    }

    private static List<Seq> scenario() {
        Random rnd = new Random(7);
        int[] shared = prompt(rnd, 9);
        List<Seq> seqs = new ArrayList<>();
        seqs.add(new Seq(null, -1, shared, 4, 0));
        seqs.add(new Seq("qv-r4", 0, shared, 9, 0));
        seqs.add(new Seq("all-r8", 2, prompt(rnd, 11), 3, 0));
        seqs.add(new Seq("mlp-r16", 3, prompt(rnd, 6), 6, 1));
        seqs.add(new Seq("kd-r2", 5, prompt(rnd, 13), 5, 2));
        seqs.add(new Seq("all-r8", 2, prompt(rnd, 4), 2, 3));
        seqs.add(new Seq(null, -1, prompt(rnd, 7), 7, 4));
        seqs.add(new Seq("mlp-r16", 3, shared, 1, 1));
        return seqs;
    }

    private ComputeBackend backend(WeightFormat format) {
        ComputeBackend b = provider.open(model, new BackendOptions(6, 16, 64, 4, 64, format, 2));
        b.installAdapter(0, adapters.get("qv-r4"));
        b.installAdapter(2, adapters.get("all-r8"));
        b.installAdapter(3, adapters.get("mlp-r16"));
        b.installAdapter(5, adapters.get("kd-r2"));
        return b;
    }

    @Test
    void shouldMatchEachSequenceRunAloneOnMergedWeights() {
        List<Seq> seqs = scenario();
        try (ComputeBackend backend = backend(WeightFormat.BF16)) {
            KvBlockAllocator kv = run(backend, seqs, 3);
            Map<String, ReferenceLlama> refs = new HashMap<>();
            for (int i = 0; i < seqs.size(); i++) {
                Seq s = seqs.get(i);
                String key = s.adapter == null ? "" : s.adapter;
                ReferenceLlama ref = refs.computeIfAbsent(key,
                        k -> new ReferenceLlama(modelDir, config, s.adapter == null ? null : adapters.get(s.adapter)));
                int[] tokens = s.tokens.stream().mapToInt(Integer::intValue).toArray();
                float[][] expected = ref.logits(java.util.Arrays.copyOf(tokens, tokens.length - 1));
                assertEquals(GENERATE, s.logitsAt.size());
                for (var e : s.logitsAt.entrySet()) {
                    int pos = e.getKey();
                    float[] actual = e.getValue();
                    float worst = 0;
                    for (int v = 0; v < actual.length; v++) {
                        worst = Math.max(worst, Math.abs(actual[v] - expected[pos][v]));
                    }
                    assertTrue(worst < TOLERANCE, "sequence " + i + " (" + key + ") position " + pos + " differs by " + worst);
                    assertEquals(argmax(expected[pos]), tokens[pos + 1],
                            "greedy token of sequence " + i + " (" + key + ") at position " + pos);
                }
            }
            for (Seq s : seqs) {
                kv.release(s.kv);
            }
            assertEquals(64, kv.freeBlocks());
        }
    }

    @Test
    void adaptersShouldVisiblyChangeTheLogits() {
        List<Seq> seqs = scenario();
        try (ComputeBackend backend = backend(WeightFormat.BF16)) {
            run(backend, seqs, 5);
        }
        int lastPrompt = 8;
        float[] base = seqs.get(0).logitsAt.get(lastPrompt);
        float[] qv = seqs.get(1).logitsAt.get(lastPrompt);
        float[] mlp = seqs.get(7).logitsAt.get(lastPrompt);
        assertTrue(maxDiff(base, qv) > 0.5f, "qv adapter should move logits, moved " + maxDiff(base, qv));
        assertTrue(maxDiff(base, mlp) > 0.5f, "mlp adapter should move logits, moved " + maxDiff(base, mlp));
        assertTrue(maxDiff(qv, mlp) > 0.5f, "two adapters should differ, differ by " + maxDiff(qv, mlp));
    }

    @Test
    void int8WeightsShouldStayCloseToBf16OnTheMixedBatch() {
        List<Seq> bf = scenario();
        List<Seq> q8 = scenario();
        try (ComputeBackend backend = backend(WeightFormat.BF16)) {
            run(backend, bf, 9);
        }
        try (ComputeBackend backend = backend(WeightFormat.INT8)) {
            run(backend, q8, 9);
        }
        // Compare the first logits of each sequence (same inputs: the prompt).
        for (int i = 0; i < bf.size(); i++) {
            int pos = bf.get(i).promptLength - 1;
            float[] a = bf.get(i).logitsAt.get(pos);
            float[] b = q8.get(i).logitsAt.get(pos);
            float d = maxDiff(a, b);
            assertTrue(d > 0 && d < 0.25f, "int8 vs bf16 logits of sequence " + i + " differ by " + d);
        }
    }

    @Test
    void shouldRejectRowsWithoutKvRoomOrWithAnEmptySlot() {
        try (ComputeBackend backend = backend(WeightFormat.BF16)) {
            KvBlockAllocator allocator = new KvBlockAllocator(backend.kvBlockSize(), backend.kvBlocks());
            StepBatch batch = new StepBatch(allocator, 4, config.vocabSize());
            int kv = allocator.open();
            batch.addRow(kv, 0, 1, -1, true);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> backend.step(batch));
            assertTrue(e.getMessage().contains("position 0"), e.getMessage());
            allocator.reserve(kv, 1);
            batch.clear();
            batch.addRow(kv, 0, 1, 1, true);
            IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class, () -> backend.step(batch));
            assertTrue(e2.getMessage().contains("slot 1"), e2.getMessage());
            backend.clearAdapter(0);
            batch.clear();
            batch.addRow(kv, 0, 1, 0, true);
            assertThrows(IllegalArgumentException.class, () -> backend.step(batch));
        }
    }

    private static float maxDiff(float[] a, float[] b) {
        float worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        return worst;
    }
}
