package dev.matting.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.common.BackendUnavailableException;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The CPU known-answer probe on real libtorch: this machine's answers match the committed float64 ones, a wrong
 * answer of the size issue 9 saw is caught wherever it sits, float noise is not, and the refusal says what to do.
 */
class KnownAnswerProbeTest {

    private static float[][] copy(float[][] a) {
        float[][] c = new float[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }

    @Test
    void libtorchOnThisCpuMatchesTheCommittedAnswers() {
        KnownAnswerProbe.Verdict v = KnownAnswerProbe.run(KnownAnswerProbe.expected());
        assertTrue(v.passed(), v.describe());
        // float32 against float64: rounding only, far inside the tolerance
        assertTrue(v.worst() < 1e-4, v.describe());
        System.out.printf("known-answer probe: %.1f ms, %s%n", v.nanos() / 1e6, v.describe());
    }

    @Test
    void aWrongAnswerLikeIssue9sIsCaughtInEachOutput() {
        float[][] right = KnownAnswerProbe.expected();
        float[][] wrongHead = copy(right);
        wrongHead[0][100] += 0.1f; // alphas were off by 0.1 to 0.2
        KnownAnswerProbe.Verdict real = KnownAnswerProbe.run(wrongHead);
        assertFalse(real.passed(), real.describe());
        assertEquals(0, real.output());
        assertEquals(100, real.index());

        float[][] got = KnownAnswerProbe.outputs();
        for (int o = 0; o < right.length; o++) {
            float[][] wrong = copy(right);
            int i = wrong[o].length / 3;
            wrong[o][i] -= 0.1f;
            KnownAnswerProbe.Verdict v = KnownAnswerProbe.compare(got, wrong, 0);
            assertFalse(v.passed(), "output " + o + ": " + v.describe());
            assertEquals(o, v.output());
            assertEquals(i, v.index());
        }
    }

    @Test
    void floatNoiseIsNotAnError() {
        float[][] want = KnownAnswerProbe.expected();
        float[][] noisy = copy(want);
        for (float[] out : noisy) {
            for (int i = 0; i < out.length; i++) {
                out[i] += (i % 2 == 0 ? 1 : -1) * 1e-5f * Math.max(1, Math.abs(out[i]));
            }
        }
        assertTrue(KnownAnswerProbe.compare(noisy, want, 0).passed());
        noisy[1][7] = Float.NaN;
        assertFalse(KnownAnswerProbe.compare(noisy, want, 0).passed());
    }

    @Test
    void theRefusalNamesTheCpuTheIsaTheCapAndTheFix() {
        float[][] want = KnownAnswerProbe.expected();
        float[][] got = copy(want);
        got[0][5] += 0.2f;
        KnownAnswerProbe.Verdict v = KnownAnswerProbe.compare(got, want, 0);
        CpuIsaGuard.CpuInfo epyc = new CpuIsaGuard.CpuInfo("AMD EPYC 9654 96-Core Processor", "AuthenticAMD",
                Set.of("avx2", "avx512f", "avx512_bf16", "avx512_vnni", "avx512_vp2intersect"));
        BackendUnavailableException e = KnownAnswerProbe.refusal(v, epyc,
                new CpuIsaGuard.Decision(CpuIsaGuard.ONEDNN_VARIABLE, "AVX2", "auto"));
        String m = e.getMessage();
        assertTrue(m.contains("AMD EPYC 9654") && m.contains("AVX-512 (avx512_bf16 avx512_vnni avx512_vp2intersect "
                + "avx512f)") && m.contains("capped at AVX2") && m.contains("ONEDNN_MAX_CPU_ISA=AVX2")
                && m.contains("onnxruntime") && m.contains("output 0, element 5"), m);
    }
}
