package dev.matting.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The PyTorch backend's known answers ({@code probe/expected.bin} in matting-djl), checked by another engine: the same
 * probe network exported to ONNX by tools/pytorch_probe.py, run through ONNX Runtime's own Java API (MLAS kernels, no
 * oneDNN, no DJL), must reproduce them within the probe's tolerance. A wrong reference would otherwise make the
 * PyTorch backend refuse good CPUs or accept bad ones.
 */
class ProbeReferenceCrossCheckTest {

    @Test
    void onnxRuntimeReproducesTheCommittedAnswers() throws Exception {
        byte[] model;
        try (InputStream in = getClass().getResourceAsStream("/dev/matting/djl/probe/probe.onnx")) {
            model = in.readAllBytes();
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        float[][] want = KnownAnswerProbe.expected();
        float[][] got = new float[want.length][];
        try (OrtSession session = env.createSession(model, new OrtSession.SessionOptions());
                OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(KnownAnswerProbe.input()),
                        new long[] {KnownAnswerProbe.N, 3, KnownAnswerProbe.H, KnownAnswerProbe.W});
                OrtSession.Result out = session.run(Map.of("x", x))) {
            assertEquals(want.length, out.size());
            for (int o = 0; o < want.length; o++) {
                FloatBuffer b = ((OnnxTensor) out.get(o)).getFloatBuffer();
                got[o] = new float[b.remaining()];
                b.get(got[o]);
            }
        }
        KnownAnswerProbe.Verdict v = KnownAnswerProbe.compare(got, want, 0);
        assertTrue(v.passed(), v.describe());
        assertTrue(v.worst() < 1e-4, "rounding-level agreement expected: " + v.describe());
    }
}
