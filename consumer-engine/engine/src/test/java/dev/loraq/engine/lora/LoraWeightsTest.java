package dev.loraq.engine.lora;

import dev.loraq.engine.model.Projection;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.loraq.engine.backend.BackendOptions;
import dev.loraq.engine.backend.ComputeBackend;
import dev.loraq.engine.backend.ComputeBackendProvider;
import dev.loraq.engine.backend.EveryBackendTest;
import dev.loraq.engine.model.LlamaModel;
import dev.loraq.engine.model.ModelConfig;
import dev.loraq.engine.model.SafetensorsWriter;
import dev.loraq.engine.model.WeightFormat;
import dev.loraq.engine.synth.ModelPreset;
import dev.loraq.engine.synth.SyntheticAdapterWriter;
import dev.loraq.engine.synth.SyntheticModelWriter;
import dev.loraq.engine.tensor.DType;

class LoraWeightsTest {
    private static final ModelConfig BASE = ModelPreset.TINY.toConfig();

    @TempDir
    Path dir;

    private static AdapterConfig config(int rank, Set<Projection> targets) {
        return new AdapterConfig(rank, 2.0 * rank, targets, false, "tiny");
    }

    @Test
    void shouldLoadEachDtypeWithScaleAndShapes() {
        for (DType dtype : DType.values()) {
            Path a = dir.resolve("a-" + dtype);
            SyntheticAdapterWriter.write(a, BASE, 4, 8, EnumSet.of(Projection.Q, Projection.DOWN), 5, dtype);
            LoraWeights w = LoraWeights.load("a", config(4, EnumSet.of(Projection.Q, Projection.DOWN)),
                    a.resolve(SyntheticAdapterWriter.WEIGHTS_FILE), BASE);
            assertEquals(4, w.rank());
            assertEquals(2.0f, w.scale());
            assertEquals(4 * 64, w.a(1, Projection.Q).length);
            assertEquals(64 * 4, w.b(1, Projection.DOWN).length);
            assertEquals(4 * 172, w.a(0, Projection.DOWN).length);
            assertNull(w.a(0, Projection.K));
            assertEquals(4L * 2 * (4 * 64 + 64 * 4 + 4 * 172 + 64 * 4), w.byteSize());
            assertTrue(w.b(0, Projection.Q)[3] != 0f, "B must be non-zero");
        }
    }

    @Test
    void shouldAcceptPeftDefaultAdapterNames() {
        Path file = dir.resolve("default.safetensors");
        SafetensorsWriter w = new SafetensorsWriter();
        for (int l = 0; l < 2; l++) {
            w.addFloats("base_model.model.model.layers." + l + ".self_attn.v_proj.lora_A.default.weight", DType.F32,
                    new long[] {2, 64}, new float[128]);
            w.addFloats("base_model.model.model.layers." + l + ".self_attn.v_proj.lora_B.default.weight", DType.F32,
                    new long[] {32, 2}, new float[64]);
        }
        w.write(file);
        LoraWeights lw = LoraWeights.load("d", config(2, Set.of(Projection.V)), file, BASE);
        assertNotNull(lw.a(1, Projection.V));
    }

    @Test
    void shouldRejectABadShapeNamingAdapterFileAndTensor() {
        SyntheticAdapterWriter.write(dir, BASE, 4, 8, Set.of(Projection.Q), 5);
        Path file = dir.resolve(SyntheticAdapterWriter.WEIGHTS_FILE);
        // Declared rank 8, file has rank 4.
        AdapterLoadException e = assertThrows(AdapterLoadException.class,
                () -> LoraWeights.load("tenant-a/v1", config(8, Set.of(Projection.Q)), file, BASE));
        assertEquals(AdapterLoadException.Code.SHAPE_MISMATCH, e.code());
        assertTrue(e.getMessage().contains("tenant-a/v1") && e.getMessage().contains(file.toString())
                && e.getMessage().contains("q_proj.lora_"), e.getMessage());
        // Adapter made for a wider base model.
        ModelConfig wide = ModelPreset.SMALL.toConfig();
        Path other = dir.resolve("wide");
        SyntheticAdapterWriter.write(other, wide, 4, 8, Set.of(Projection.Q), 5);
        AdapterLoadException e2 = assertThrows(AdapterLoadException.class, () -> LoraWeights.load("wide",
                config(4, Set.of(Projection.Q)), other.resolve(SyntheticAdapterWriter.WEIGHTS_FILE), BASE));
        assertEquals(AdapterLoadException.Code.SHAPE_MISMATCH, e2.code());
    }

    @Test
    void shouldRejectAMissingTargetedTensor() {
        SyntheticAdapterWriter.write(dir, BASE, 4, 8, Set.of(Projection.Q), 5);
        Path file = dir.resolve(SyntheticAdapterWriter.WEIGHTS_FILE);
        AdapterLoadException e = assertThrows(AdapterLoadException.class,
                () -> LoraWeights.load("b", config(4, EnumSet.of(Projection.Q, Projection.UP)), file, BASE));
        assertEquals(AdapterLoadException.Code.MISSING_TENSOR, e.code());
        assertTrue(e.getMessage().contains("base_model.model.model.layers.0.mlp.up_proj.lora_A.weight"), e.getMessage());
    }

    @Test
    void shouldRejectUnknownTensorsAndBrokenFiles() throws Exception {
        Path file = dir.resolve("odd.safetensors");
        new SafetensorsWriter().addFloats("base_model.model.lm_head.lora_A.weight", DType.F32, new long[] {2, 2},
                new float[4]).write(file);
        AdapterLoadException e = assertThrows(AdapterLoadException.class,
                () -> LoraWeights.load("c", config(2, Set.of(Projection.Q)), file, BASE));
        assertEquals(AdapterLoadException.Code.BAD_FORMAT, e.code());
        assertTrue(e.getMessage().contains("lm_head"), e.getMessage());
        Path junk = dir.resolve("junk.safetensors");
        java.nio.file.Files.writeString(junk, "not safetensors at all");
        AdapterLoadException e2 = assertThrows(AdapterLoadException.class,
                () -> LoraWeights.load("c", config(2, Set.of(Projection.Q)), junk, BASE));
        assertEquals(AdapterLoadException.Code.BAD_FORMAT, e2.code());
        assertTrue(e2.getMessage().contains(junk.toString()), e2.getMessage());
    }

    @Test
    void shouldRejectAnAdapterFromADeeperModel() {
        ModelConfig deeper = new ModelConfig("LlamaForCausalLM", 64, 172, 3, 4, 2, 16, 512, 512, 1e-5, 10000, null, false,
                1, java.util.List.of(2));
        SyntheticAdapterWriter.write(dir, deeper, 2, 4, Set.of(Projection.O), 5);
        AdapterLoadException e = assertThrows(AdapterLoadException.class, () -> LoraWeights.load("deep",
                config(2, Set.of(Projection.O)), dir.resolve(SyntheticAdapterWriter.WEIGHTS_FILE), BASE));
        assertEquals(AdapterLoadException.Code.SHAPE_MISMATCH, e.code());
        assertTrue(e.getMessage().contains("layer 2"), e.getMessage());
    }

    @EveryBackendTest
    void shouldRefuseAnAdapterAboveMaxRankAtInstall(ComputeBackendProvider provider) {
        Path model = dir.resolve("model");
        SyntheticModelWriter.write(model, ModelPreset.TINY, 1);
        Path adapter = dir.resolve("big");
        SyntheticAdapterWriter.write(adapter, BASE, 32, 64, Set.of(Projection.Q), 5);
        LoraWeights w = LoraWeights.load("tenant-x/big", config(32, Set.of(Projection.Q)),
                adapter.resolve(SyntheticAdapterWriter.WEIGHTS_FILE), BASE);
        try (LlamaModel m = LlamaModel.load(model);
             ComputeBackend backend = provider.open(m, new BackendOptions(2, 16, 8, 16, 8, WeightFormat.BF16, 1))) {
            AdapterLoadException e = assertThrows(AdapterLoadException.class, () -> backend.installAdapter(1, w));
            assertEquals(AdapterLoadException.Code.RANK_ABOVE_LIMIT, e.code());
            assertEquals("tenant-x/big", e.adapterId());
            assertTrue(e.getMessage().contains("32") && e.getMessage().contains("16"), e.getMessage());
            assertNull(backend.installedAdapter(1));
        }
    }

    @Test
    void peftKeyShouldFollowPeftNaming() {
        assertEquals("base_model.model.model.layers.3.mlp.gate_proj.lora_B.weight",
                LoraWeights.peftKey(3, Projection.GATE, false));
    }

    @EveryBackendTest
    void shouldKeepAnAdaptersWeightsWhenItsSlotIsReinstalledOrCleared(ComputeBackendProvider provider) {
        Path model = dir.resolve("model");
        SyntheticModelWriter.write(model, ModelPreset.TINY, 1);
        Set<Projection> targets = EnumSet.of(Projection.Q, Projection.DOWN);
        SyntheticAdapterWriter.write(dir.resolve("one"), BASE, 4, 8, targets, 5);
        SyntheticAdapterWriter.write(dir.resolve("two"), BASE, 8, 16, EnumSet.allOf(Projection.class), 6);
        LoraWeights one = LoraWeights.load("one", config(4, targets),
                dir.resolve("one").resolve(SyntheticAdapterWriter.WEIGHTS_FILE), BASE);
        LoraWeights two = LoraWeights.load("two", config(8, EnumSet.allOf(Projection.class)),
                dir.resolve("two").resolve(SyntheticAdapterWriter.WEIGHTS_FILE), BASE);
        float[] before = one.packed().clone();
        float[] bBefore = one.b(1, Projection.DOWN);
        try (LlamaModel m = LlamaModel.load(model);
             ComputeBackend backend = provider.open(m, new BackendOptions(2, 16, 8, 16, 8, WeightFormat.BF16, 1))) {
            backend.installAdapter(0, one);
            backend.installAdapter(0, two);
            backend.installAdapter(1, one);
            backend.clearAdapter(1);
            backend.clearAdapter(0);
            assertNull(backend.installedAdapter(0));
        }
        assertTrue(java.util.Arrays.equals(before, one.packed()), "weights changed by installs and clears");
        assertTrue(java.util.Arrays.equals(bBefore, one.b(1, Projection.DOWN)));
    }

    @Test
    void shouldStoreBTransposedForTheExpand() {
        SyntheticAdapterWriter.write(dir, BASE, 4, 8, Set.of(Projection.K), 5);
        Path file = dir.resolve(SyntheticAdapterWriter.WEIGHTS_FILE);
        LoraWeights w = LoraWeights.load("k", config(4, Set.of(Projection.K)), file, BASE);
        int out = BASE.outFeatures(Projection.K);
        try (dev.loraq.engine.model.SafetensorsFile f = dev.loraq.engine.model.SafetensorsFile.open(file)) {
            float[] b = f.readFloats(LoraWeights.peftKey(1, Projection.K, false));
            float[] a = f.readFloats(LoraWeights.peftKey(1, Projection.K, true));
            org.junit.jupiter.api.Assertions.assertArrayEquals(b, w.b(1, Projection.K));
            org.junit.jupiter.api.Assertions.assertArrayEquals(a, w.a(1, Projection.K));
            int off = w.bTransposedOffset(1, Projection.K);
            for (int o = 0; o < out; o++) {
                for (int j = 0; j < 4; j++) {
                    assertEquals(b[o * 4 + j], w.packed()[off + j * out + o]);
                }
            }
        }
    }

    @Test
    void shouldFillARecycledBufferWithTheSameWeightsAsAFreshOne() {
        Set<Projection> targets = EnumSet.of(Projection.Q, Projection.DOWN);
        Path a = dir.resolve("recycled");
        SyntheticAdapterWriter.write(a, BASE, 4, 8, targets, 5, DType.BF16);
        Path file = a.resolve(SyntheticAdapterWriter.WEIGHTS_FILE);
        LoraWeights fresh = LoraWeights.load("a", config(4, targets), file, BASE);
        // A used buffer a little longer than needed, full of another adapter's values.
        float[] used = new float[fresh.packed().length + 7];
        java.util.Arrays.fill(used, Float.NaN);
        PackedBufferPool pool = new PackedBufferPool(1);
        pool.give(used);
        LoraWeights recycled = LoraWeights.load("a", config(4, targets), file, BASE, pool);
        assertSame(used, recycled.packed());
        assertEquals(0, pool.size());
        for (int l = 0; l < BASE.numHiddenLayers(); l++) {
            for (Projection p : targets) {
                assertArrayEquals(fresh.a(l, p), recycled.a(l, p), "A of layer " + l + " " + p);
                assertArrayEquals(fresh.b(l, p), recycled.b(l, p), "B of layer " + l + " " + p);
                assertEquals(fresh.aOffset(l, p), recycled.aOffset(l, p));
                assertEquals(fresh.bTransposedOffset(l, p), recycled.bTransposedOffset(l, p));
            }
        }
    }

    @Test
    void shouldBeUnusableOnceItsBufferIsReleased() {
        Set<Projection> targets = EnumSet.of(Projection.V);
        Path a = dir.resolve("released");
        SyntheticAdapterWriter.write(a, BASE, 4, 8, targets, 5, DType.F32);
        LoraWeights w = LoraWeights.load("a", config(4, targets), a.resolve(SyntheticAdapterWriter.WEIGHTS_FILE), BASE);
        float[] packed = w.packed();
        assertSame(packed, w.release());
        assertTrue(w.released());
        IllegalStateException e = assertThrows(IllegalStateException.class, w::packed);
        assertTrue(e.getMessage().contains("adapter a"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> w.a(0, Projection.V));
        assertThrows(IllegalStateException.class, w::release);
    }
}
