package dev.matting.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.common.Device;
import dev.matting.common.ImageSource;
import dev.matting.common.ModelException;
import dev.matting.common.Precision;
import dev.matting.image.ImageDecoder;
import dev.matting.image.InputGeometry;
import dev.matting.image.Preprocessor;
import dev.matting.model.ModelSpec;
import dev.matting.spi.BackendOptions;
import dev.matting.spi.BatchBackend;
import dev.matting.spi.ModelInput;
import dev.matting.spi.ModelOutput;
import dev.matting.testing.AlphaMetrics;
import dev.matting.testing.TestModels;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ONNX files that fix their input shape, as rembg's {@code u2netp.onnx} does ({@code [1, 3, 320, 320]}): a batch runs
 * as passes of one image, and a descriptor whose policy cannot produce that shape fails at load, naming it.
 */
class FixedShapeModelTest {

    @Test
    void theInputShapeIsReadFromTheFileHeader() {
        OnnxInputShape u2netp = OnnxInputShape.read(TestModels.repository().resolve("models/u2netp/u2netp.onnx"), "input.1")
                .orElseThrow();
        assertEquals("input.1", u2netp.name());
        assertArrayEquals(new long[] {1, 3, 320, 320}, u2netp.dims());
        OnnxInputShape tiny = OnnxInputShape.read(TestModels.repository().resolve("models/unet-tiny/unet-tiny-fp32.onnx"),
                "pixels").orElseThrow();
        assertEquals("pixels", tiny.name());
        assertEquals(-1, tiny.fixedBatch(), "the tiny U-Net's batch is symbolic");
        assertTrue(tiny.fixedHeightWidth().isEmpty());
        assertTrue(OnnxInputShape.read(TestModels.repository().resolve("models/u2netp/PROVENANCE.md"), "x").isEmpty(),
                "not ONNX: nothing is assumed");
    }

    /** Three photos in one call: three passes of one, each slot equal to that photo run alone. */
    @Test
    void aBatchRunsAsPassesOfOneImage() {
        ModelSpec spec = TestModels.u2netp();
        BackendOptions options = new BackendOptions(Device.cpu(), Precision.FP32, 0, false, false);
        List<ModelInput> inputs = new ArrayList<>();
        for (Path photo : TestModels.photos().subList(0, 3)) {
            var image = ImageDecoder.decode(ImageSource.of(photo));
            inputs.add(Preprocessor.prepare(image, InputGeometry.plan(image.width(), image.height(), spec.policy()), spec));
        }
        try (BatchBackend ort = new OnnxRuntimeBackend().open(spec, options)) {
            List<float[]> batch = ort.run(inputs).stream().map(ModelOutput::plane).toList();
            assertEquals(3, batch.size());
            for (int i = 0; i < 3; i++) {
                assertTrue(AlphaMetrics.maxAbsDiff(ort.run(List.of(inputs.get(i))).get(0).plane(), batch.get(i)) == 0,
                        "slot " + i + " differs from its own pass");
            }
            assertTrue(AlphaMetrics.maxAbsDiff(batch.get(0), batch.get(1)) > 0.1, "slots hold different photos");
        }
    }

    @Test
    void aPolicyTheFileCannotRunFailsAtLoad() throws Exception {
        Path dir = TestModels.repository().resolve("models/u2netp");
        String json = Files.readString(dir.resolve("model.json"))
                .replace("{\"kind\": \"stretch\", \"width\": 320, \"height\": 320}", "{\"kind\": \"longest-side\", \"size\": 320}");
        ModelSpec spec = ModelSpec.parse(new StringReader(json), dir, "u2netp at longest-side");
        ModelException e = assertThrows(ModelException.class, () -> new OnnxRuntimeBackend().open(spec,
                new BackendOptions(Device.cpu(), Precision.FP32, 0, false, false)));
        assertTrue(e.getMessage().contains("takes 320x320 inputs only") && e.getMessage().contains("stretch"),
                e.getMessage());
    }
}
