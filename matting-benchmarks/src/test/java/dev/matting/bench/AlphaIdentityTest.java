package dev.matting.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The mix-up criterion on synthetic alphas (issue 9, item 12): GPU-sized noise passes, a swapped pair fails, and the
 * old "any pixel off by more than 0.01" rule would have flagged the noise.
 */
class AlphaIdentityTest {
    private static final int W = 96;
    private static final int H = 96;

    /** Soft-edged discs at different places and sizes: eight distinct "CPU" alphas. */
    private static List<float[]> references() {
        List<float[]> refs = new ArrayList<>();
        for (int k = 0; k < 8; k++) {
            double cx = 20 + 7 * k;
            double cy = 70 - 5 * k;
            double r = 14 + 2 * k;
            float[] a = new float[W * H];
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    double d = Math.hypot(x - cx, y - cy) - r;
                    a[y * W + x] = (float) (1 / (1 + Math.exp(d / 1.5)));
                }
            }
            refs.add(a);
        }
        return refs;
    }

    /** What TF32 or FP16 does to an alpha: small noise everywhere, larger on edges, clamped to [0, 1]. */
    private static float[] noisy(float[] a, double sigma, long seed) {
        Random rnd = new Random(seed);
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            double edge = 4 * a[i] * (1 - a[i]); // 1 on the edge, 0 inside and outside
            out[i] = (float) Math.max(0, Math.min(1, a[i] + rnd.nextGaussian() * sigma * (0.2 + edge)));
        }
        return out;
    }

    @Test
    void fp16SizedNoiseIsEachImagesOwnAlpha() {
        List<float[]> refs = references();
        assertTrue(AlphaIdentity.distinguishable(refs));
        for (int i = 0; i < refs.size(); i++) {
            float[] got = noisy(refs.get(i), 0.02, i);
            AlphaIdentity.Verdict v = AlphaIdentity.judge(got, i, refs);
            assertTrue(v.own(), "image " + i + ": " + v.describe());
            // the old rule: some pixel differs by more than 0.01, so it would have called this a mix-up
            boolean oldRuleFlags = false;
            for (int j = 0; j < got.length && !oldRuleFlags; j++) {
                oldRuleFlags = Math.abs(got[j] - refs.get(i)[j]) > 1e-2;
            }
            assertTrue(oldRuleFlags, "the noise is large enough to have fooled the old check");
        }
    }

    @Test
    void aSwappedPairIsCaughtAndNamesTheImageItCameFrom() {
        List<float[]> refs = references();
        float[] gotFor2 = noisy(refs.get(5), 0.005, 1); // image 2 received image 5's alpha
        float[] gotFor5 = noisy(refs.get(2), 0.005, 2);
        AlphaIdentity.Verdict v2 = AlphaIdentity.judge(gotFor2, 2, refs);
        AlphaIdentity.Verdict v5 = AlphaIdentity.judge(gotFor5, 5, refs);
        assertFalse(v2.own(), v2.describe());
        assertFalse(v5.own(), v5.describe());
        assertEquals(5, v2.nearest());
        assertEquals(2, v5.nearest());
    }

    @Test
    void aNeighboursAlphaIsCaughtEvenWhenItLooksSimilar() {
        List<float[]> refs = references();
        // adjacent discs overlap most; receiving the neighbour's alpha is the hardest swap to see
        AlphaIdentity.Verdict v = AlphaIdentity.judge(refs.get(4), 3, refs);
        assertFalse(v.own(), v.describe());
    }

    @Test
    void referencesTooAlikeAreReportedAsIndistinguishable() {
        List<float[]> refs = references();
        refs.set(7, noisy(refs.get(6), 0.001, 9));
        assertFalse(AlphaIdentity.distinguishable(refs));
    }
}
