package dev.matting.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.api.Matte;
import dev.matting.api.Matter;
import dev.matting.api.Matters;
import dev.matting.common.Device;
import dev.matting.common.ImageSource;
import dev.matting.common.Precision;
import dev.matting.model.ModelFormat;
import dev.matting.model.ModelSpec;
import dev.matting.postprocess.Preset;
import dev.matting.testing.AlphaMetrics;
import dev.matting.testing.SyntheticImages;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** {@code Matters.create()} with no arguments: the embedded model, the best CPU backend, no network. */
class EmbeddedDefaultTest {

    @Test
    void theNoArgumentMatterMattesAJpegOnTheCpu() throws Exception {
        SyntheticImages.Sample s = SyntheticImages.generate(42, 512, 384);
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        ImageIO.write(s.image(), "jpg", jpeg);
        try (Matter matter = Matters.create()) {
            // on a machine without CUDA the CPU wins, and there ONNX Runtime was measured faster than PyTorch
            assertEquals("onnxruntime", matter.info().backend());
            assertEquals(Device.cpu(), matter.info().device());
            assertEquals(Precision.FP32, matter.info().precision());
            assertEquals("unet-tiny", matter.info().model());
            Matte m = matter.matte(ImageSource.of("sample.jpg", jpeg.toByteArray()));
            assertEquals(512, m.width());
            assertEquals(384, m.height());
            double iou = AlphaMetrics.iou(m.alphaFloats(), s.alpha());
            assertTrue(iou >= 0.9, "IoU " + iou);
            assertEquals(1, matter.stats().succeeded());
        }
    }

    @Test
    void presetsRunOnTheDefaultToo() {
        SyntheticImages.Sample s = SyntheticImages.generate(7, 400, 300);
        try (Matter plain = Matters.create();
                Matter idPhoto = Matters.builder().preset(Preset.ID_PHOTO).create()) {
            Matte a = plain.matte(s.image());
            Matte b = idPhoto.matte(s.image());
            // erosion pulls the edge in and the threshold removes haze: the ID-photo matte covers less
            assertTrue(b.coverage(1) < a.coverage(1), a.coverage(1) + " vs " + b.coverage(1));
            assertTrue(AlphaMetrics.iou(b.alphaFloats(), s.alpha()) >= 0.85);
        }
    }

    @Test
    void theEmbeddedModelIsUnpackedIntoAContentNamedFolder() throws Exception {
        ModelSpec spec = ModelSpec.bundled();
        assertTrue(spec.directory().getFileName().toString().matches("unet-tiny-[0-9a-f]{16}"), spec.directory().toString());
        assertTrue(Files.isRegularFile(spec.requireFile(ModelFormat.ONNX, Precision.FP32)));
        assertTrue(Files.isRegularFile(spec.directory().resolve("model.json")));
        try (var left = Files.list(spec.directory())) {
            assertTrue(left.noneMatch(p -> p.toString().endsWith(".part")), "a half-written file was left behind");
        }
    }
}
