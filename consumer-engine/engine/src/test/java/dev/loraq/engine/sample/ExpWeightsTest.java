package dev.loraq.engine.sample;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ExpWeightsTest {

    @Test
    void shouldMatchScalarExpForEveryLengthAndOffset() {
        Random r = new Random(5);
        for (int length : new int[] {1, 3, 15, 16, 17, 64, 100, 1000, 32000}) {
            int offset = r.nextInt(7);
            float[] logits = new float[offset + length];
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < logits.length; i++) {
                logits[i] = (float) (r.nextGaussian() * 4);
                if (i >= offset) {
                    max = Math.max(max, logits[i]);
                }
            }
            logits[offset] = Float.NEGATIVE_INFINITY; // masked tokens give weight 0
            float[] vector = new float[length];
            float[] scalar = new float[length];

            double vTotal = ExpWeights.fill(logits, offset, length, max, 1.25f, vector);
            double sTotal = ExpWeights.fillScalar(logits, offset, length, max, 1.25f, scalar);

            assertEquals(sTotal, vTotal, sTotal * 1e-5, "total, length " + length);
            assertEquals(0f, vector[0]);
            for (int i = 0; i < length; i++) {
                assertEquals(scalar[i], vector[i], Math.max(scalar[i] * 2e-6f, 1e-30f), "length " + length + " at " + i);
            }
        }
    }
}
