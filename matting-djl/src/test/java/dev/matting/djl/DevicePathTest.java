package dev.matting.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.api.Matte;
import dev.matting.api.Matter;
import dev.matting.api.Matters;
import dev.matting.common.Device;
import dev.matting.common.ImageSource;
import dev.matting.common.Precision;
import dev.matting.common.RgbImage;
import dev.matting.image.ImageDecoder;
import dev.matting.image.InputGeometry;
import dev.matting.image.Preprocessor;
import dev.matting.model.ModelSpec;
import dev.matting.spi.BackendOptions;
import dev.matting.spi.BatchBackend;
import dev.matting.spi.DevicePlan;
import dev.matting.spi.ModelInput;
import dev.matting.spi.ModelOutput;
import dev.matting.testing.TestModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The GPU-resident data path end to end, run on the CPU ({@value PyTorchBackend#GPU_IMAGING_PROPERTY}=always: the
 * same tensor operations a GPU runs): U²-Netp on the sample photos stays as faithful to rembg as the CPU path
 * (mean |d| <= 1.5/255, IoU at 128 >= 0.98) and within a level or two of the CPU path's alpha on every pixel.
 */
class DevicePathTest {

    @AfterEach
    void restore() {
        System.clearProperty(PyTorchBackend.GPU_IMAGING_PROPERTY);
    }

    private static Matter open(String mode) {
        System.setProperty(PyTorchBackend.GPU_IMAGING_PROPERTY, mode);
        try {
            return Matters.builder().model(TestModels.u2netp()).backend("pytorch").device(Device.cpu())
                    .precision(Precision.FP32).maxBatchSize(3).create();
        } finally {
            System.clearProperty(PyTorchBackend.GPU_IMAGING_PROPERTY);
        }
    }

    /**
     * A batch whose images come in two shapes, interleaved (512² photo, 451x300 photo, 512² photo): the two 512²
     * ones go up and are finished together, and every image must still get its own alpha back in its place.
     */
    @Test
    void aBatchOfInterleavedShapesGivesEachImageItsOwnAlpha() throws Exception {
        ModelSpec spec = TestModels.u2netp();
        List<RgbImage> images = new ArrayList<>();
        for (String name : new String[] {"astronaut.png", "chelsea.png", "camera.png"}) {
            images.add(ImageDecoder.decode(ImageSource.of(TestModels.repository().resolve("samples/photos/" + name))));
        }
        List<ModelInput> inputs = new ArrayList<>();
        for (RgbImage img : images) {
            InputGeometry g = InputGeometry.plan(img.width(), img.height(), spec.policy());
            inputs.add(ModelInput.toPrepare(DevicePlan.of(img, g.scaledWidth(), g.scaledHeight(), g.paddedWidth(),
                    g.paddedHeight(), spec), () -> Preprocessor.prepare(img, g, spec)));
        }
        System.setProperty(PyTorchBackend.GPU_IMAGING_PROPERTY, "always");
        try (BatchBackend backend = new PyTorchBackend().open(spec,
                new BackendOptions(Device.cpu(), Precision.FP32, 0, false, false))) {
            assertTrue(backend.preparesOnDevice());
            List<ModelOutput> together = backend.run(inputs);
            for (int i = 0; i < inputs.size(); i++) {
                byte[] alone = backend.run(List.of(inputs.get(i))).get(0).alpha();
                byte[] got = together.get(i).alpha();
                assertEquals(alone.length, got.length, "image " + i + " came back at another image's size");
                // a batched pass may differ from a single one in the last float bits; another image's alpha by far more
                assertTrue(TestModels.meanAbsLevels(alone, got) <= 0.05, "image " + i + ": mean "
                        + TestModels.meanAbsLevels(alone, got) + " levels from its own alpha");
            }
            assertTrue(TestModels.meanAbsLevels(together.get(0).alpha(), together.get(2).alpha()) > 5,
                    "the two 512² photos must differ, or a swap would go unnoticed");
        }
    }

    @Test
    void devicePreparedMattesAreFaithfulAndAgreeWithTheCpuPath() {
        List<Path> photos = TestModels.photos();
        try (Matter device = open("always"); Matter cpu = open("false")) {
            assertTrue(device.info().imageStagesOnDevice(), device.info().toString());
            assertFalse(cpu.info().imageStagesOnDevice(), cpu.info().toString());
            // submitted together so that the device path also runs batches of several sizes at once
            List<java.util.concurrent.CompletableFuture<Matte>> onDevice = new ArrayList<>();
            for (Path p : photos) {
                onDevice.add(device.submit(ImageSource.of(p)));
            }
            for (int i = 0; i < photos.size(); i++) {
                Path p = photos.get(i);
                byte[] d = onDevice.get(i).join().alphaBytes();
                byte[] c = cpu.matte(ImageSource.of(p)).alphaBytes();
                byte[] ref = TestModels.referenceAlpha(p);
                double mean = TestModels.meanAbsLevels(d, ref);
                double iou = TestModels.iou128(d, ref);
                int worst = 0;
                for (int k = 0; k < d.length; k++) {
                    worst = Math.max(worst, Math.abs((d[k] & 0xff) - (c[k] & 0xff)));
                }
                System.out.printf(Locale.ROOT, "device path %-14s vs rembg: mean %.3f levels, IoU %.4f; vs CPU path: max %d"
                        + " levels, mean %.4f%n", p.getFileName(), mean, iou, worst, TestModels.meanAbsLevels(d, c));
                assertEquals(ref.length, d.length);
                assertTrue(mean <= 1.5, p + ": mean |d| " + mean + " levels");
                assertTrue(iou >= 0.98, p + ": IoU " + iou);
                assertTrue(TestModels.meanAbsLevels(d, c) <= 0.25, p + ": mean vs CPU path " + TestModels.meanAbsLevels(d, c));
            }
        }
    }
}
