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
