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
import dev.matting.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code Matters.create()} with no arguments: the embedded U²-Netp, the best CPU backend, no network. */
class EmbeddedDefaultTest {

    @Test
    void theNoArgumentMatterMattesAPhotoAsRembgDoes() throws Exception {
        Path photo = TestModels.repository().resolve("samples/photos/rocket.jpg");
        try (Matter matter = Matters.create()) {
            // on a machine without CUDA the CPU wins, and there ONNX Runtime was measured faster than PyTorch
            assertEquals("onnxruntime", matter.info().backend());
            assertEquals(Device.cpu(), matter.info().device());
            assertEquals(Precision.FP32, matter.info().precision());
            assertEquals("u2netp", matter.info().model());
            Matte m = matter.matte(ImageSource.of("rocket.jpg", Files.readAllBytes(photo)));
            assertEquals(640, m.width());
            assertEquals(427, m.height());
            byte[] reference = TestModels.referenceAlpha(photo);
            double mean = TestModels.meanAbsLevels(reference, m.alphaBytes());
            double iou = TestModels.iou128(reference, m.alphaBytes());
            assertTrue(mean <= 1.5 && iou >= 0.98, "rocket.jpg vs rembg: mean |d| " + mean + " levels, IoU " + iou);
            assertEquals(1, matter.stats().succeeded());
        }
    }

    @Test
    void presetsRunOnTheDefaultToo() {
        ImageSource photo = ImageSource.of(TestModels.repository().resolve("samples/photos/astronaut.png"));
        try (Matter plain = Matters.create();
                Matter idPhoto = Matters.builder().preset(Preset.ID_PHOTO).create()) {
            Matte a = plain.matte(photo);
            Matte b = idPhoto.matte(photo);
            // erosion pulls the edge in and the threshold removes haze: the ID-photo matte covers less
            assertTrue(b.coverage(1) < a.coverage(1), a.coverage(1) + " vs " + b.coverage(1));
            assertTrue(TestModels.iou128(a.alphaBytes(), b.alphaBytes()) >= 0.85);
        }
    }

    @Test
    void theEmbeddedModelIsUnpackedIntoAContentNamedFolder() throws Exception {
        ModelSpec spec = ModelSpec.bundled();
        assertTrue(spec.directory().getFileName().toString().matches("u2netp-[0-9a-f]{16}"), spec.directory().toString());
        assertTrue(Files.isRegularFile(spec.requireFile(ModelFormat.ONNX, Precision.FP32)));
        assertEquals(Files.size(TestModels.repository().resolve("models/u2netp/u2netp.onnx")),
                Files.size(spec.requireFile(ModelFormat.ONNX, Precision.FP32)));
        assertTrue(Files.isRegularFile(spec.directory().resolve("model.json")));
        for (String f : new String[] {"LICENSE", "PROVENANCE.md"}) {
            assertTrue(getClass().getClassLoader().getResource(ModelSpec.BUNDLED_RESOURCE + f) != null, f + " in the jar");
        }
        try (var left = Files.list(spec.directory())) {
            assertTrue(left.noneMatch(p -> p.toString().endsWith(".part")), "a half-written file was left behind");
        }
    }
}
