package dev.loraq.engine.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.loraq.engine.model.LlamaModel;
import dev.loraq.engine.model.ModelConfig;
import dev.loraq.engine.model.Projection;
import dev.loraq.engine.model.WeightFormat;
import dev.loraq.engine.synth.ModelPreset;
import dev.loraq.engine.synth.SyntheticModelWriter;
import dev.loraq.engine.tensor.Bf16Matrix;
import dev.loraq.engine.tensor.DType;
import dev.loraq.engine.tensor.Int8Matrix;

class CpuWeightsTest {
    @TempDir
    Path dir;

    @Test
    void shouldPrepareTheTinySyntheticModelInBothFormats() {
        SyntheticModelWriter.write(dir, ModelPreset.TINY, 42);
        try (LlamaModel stored = LlamaModel.load(dir)) {
            ModelConfig c = stored.config();
            try (CpuWeights m = CpuWeights.prepare(stored, WeightFormat.BF16, true)) {
                assertEquals(2, m.layers().size());
                assertEquals(172, m.layer(1).down().cols());
                assertEquals(32, m.layer(0).k().rows());
                assertInstanceOf(Bf16Matrix.class, m.lmHead());
                assertEquals(c.hiddenSize(), m.finalNorm().length);
                assertTrue(((Bf16Matrix) m.layer(0).q()).segment().address() == stored.layer(0).projection(Projection.Q).data().address(),
                        "with weight.mmap bf16 weights are used where they are mapped, not copied");
                assertEquals("mmap", m.memory());
            }
            try (CpuWeights m = CpuWeights.prepare(stored, WeightFormat.INT8, false)) {
                assertInstanceOf(Int8Matrix.class, m.layer(0).gate());
                assertInstanceOf(Int8Matrix.class, m.lmHead());
                assertInstanceOf(Bf16Matrix.class, m.embedding(), "the embedding stays bf16");
            }
        }
    }

    @Test
    void shouldCopyTheStreamedBf16WeightsIntoAnonymousMemoryWithoutMmap() {
        SyntheticModelWriter.write(dir, ModelPreset.TINY, 42);
        try (LlamaModel stored = LlamaModel.load(dir); CpuWeights m = CpuWeights.prepare(stored, WeightFormat.BF16, false)) {
            assertEquals("anon", m.memory());
            for (Projection p : Projection.values()) {
                MemorySegment mapped = stored.layer(1).projection(p).data();
                MemorySegment used = ((Bf16Matrix) m.layer(1).projection(p)).segment();
                assertTrue(used.address() != mapped.address(), p + ": copied out of the mapping");
                assertEquals(-1, used.mismatch(mapped), p + ": the kernels read the stored bytes");
            }
            assertEquals(-1, ((Bf16Matrix) m.lmHead()).segment().mismatch(stored.lmHead().data()));
            assertTrue(m.embedding().segment().address() == stored.embedding().data().address(),
                    "an untied embedding is read one row a token, so it stays mapped");
        }
    }

    @Test
    void shouldConvertAnF32ModelToBf16AndShareATiedHead() {
        ModelConfig tied = new ModelConfig("MistralForCausalLM", 32, 48, 1, 4, 4, 8, 64, 128, 1e-6, 10000, null, true, 1,
                List.of(2));
        SyntheticModelWriter.write(dir, tied, 3, DType.F32);
        try (LlamaModel stored = LlamaModel.load(dir); CpuWeights m = CpuWeights.prepare(stored, WeightFormat.BF16, false)) {
            assertInstanceOf(Bf16Matrix.class, m.layer(0).q());
            assertTrue(m.lmHead() == m.embedding(), "tied lm_head should reuse the embedding");
            float[] q = stored.layer(0).projection(Projection.Q).toFloats();
            assertEquals(q[33], m.layer(0).q().get(1, 1), Math.abs(q[33]) / 128, "converted within bf16 precision");
        }
    }
}
