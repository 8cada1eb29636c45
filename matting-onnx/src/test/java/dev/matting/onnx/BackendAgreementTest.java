package dev.matting.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.api.Matte;
import dev.matting.api.Matter;
import dev.matting.api.Matters;
import dev.matting.common.Device;
import dev.matting.common.Precision;
import dev.matting.djl.PyTorchBackend;
import dev.matting.model.ModelSpec;
import dev.matting.spi.BackendOptions;
import dev.matting.spi.BatchBackend;
import dev.matting.spi.ModelInput;
import dev.matting.testing.AlphaMetrics;
import dev.matting.testing.SyntheticImages;
import dev.matting.testing.TestModels;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PyTorch (TorchScript) and ONNX Runtime give the same alpha for the same inputs: the tiny U-Net on synthetic
 * images here, U²-Netp on photos in the faithfulness tests (both engines against rembg's alphas).
 */
class BackendAgreementTest {

    @BeforeEach
    void needsBothEngines() {
        Assumptions.assumeFalse(Boolean.getBoolean("matting.test.onnxOnly"), "the onnx-only run has no PyTorch");
    }

    @Test
    void rawForwardPassesAgree() {
        ModelSpec spec = TestModels.tiny();
        BackendOptions options = new BackendOptions(Device.cpu(), Precision.FP32, 0, false, false);
        try (BatchBackend pt = new PyTorchBackend().open(spec, options);
                BatchBackend ort = new OnnxRuntimeBackend().open(spec, options)) {
            for (long seed = 31; seed < 34; seed++) {
                SyntheticImages.Sample s = SyntheticImages.generate(seed, 288, 224);
                ModelInput in = ModelInput.ofPixels(224, 288, dev.matting.djl.core.ParityCases.chw(s.image()));
                float[] a = pt.run(List.of(in)).get(0).plane();
                float[] b = ort.run(List.of(in)).get(0).plane();
                assertTrue(AlphaMetrics.maxAbsDiff(a, b) < 1e-3, "seed " + seed + ": max abs diff " + AlphaMetrics.maxAbsDiff(a, b));
            }
        }
    }

    @Test
    void mattesThroughTheApiAgree() {
        ModelSpec tiny = TestModels.tiny();
        try (Matter pt = Matters.builder().model(tiny).backend("pytorch").device(Device.cpu()).precision(Precision.FP32)
                .create();
                Matter ort = Matters.builder().model(tiny).backend("onnxruntime").device(Device.cpu())
                        .precision(Precision.FP32).create()) {
            assertEquals("pytorch", pt.info().backend());
            assertEquals("onnxruntime", ort.info().backend());
            int[][] sizes = {{300, 200}, {640, 480}, {353, 517}};
            for (int i = 0; i < sizes.length; i++) {
                SyntheticImages.Sample s = SyntheticImages.generate(40 + i, sizes[i][0], sizes[i][1]);
                Matte a = pt.matte(s.image());
                Matte b = ort.matte(s.image());
                double mean = AlphaMetrics.meanAbsDiff(a.alphaFloats(), b.alphaFloats());
                double iou = AlphaMetrics.iou(a.alphaFloats(), b.alphaFloats());
                assertTrue(mean < 0.01, sizes[i][0] + "x" + sizes[i][1] + ": mean abs diff " + mean);
                assertTrue(iou >= 0.98, sizes[i][0] + "x" + sizes[i][1] + ": IoU " + iou);
            }
        }
    }
}
