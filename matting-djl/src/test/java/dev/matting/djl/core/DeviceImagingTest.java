package dev.matting.djl.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.matting.common.ImageSource;
import dev.matting.common.RgbImage;
import dev.matting.djl.PyTorchBackend;
import dev.matting.image.AlphaRestorer;
import dev.matting.image.ImageDecoder;
import dev.matting.image.InputGeometry;
import dev.matting.image.Preprocessor;
import dev.matting.model.ModelSpec;
import dev.matting.model.OutputAdapter;
import dev.matting.spi.DevicePlan;
import dev.matting.spi.ModelInput;
import dev.matting.testing.SyntheticImages;
import dev.matting.testing.TestModels;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The device path's image stages against the CPU path's, on PyTorch's CPU tensors (the same operations a GPU runs):
 * the way in within one level of the 8-bit pixels (float sums instead of Pillow's fixed point; two through an
 * image-max normalisation, whose divisor can move by a level too, rarely), the way back within one level of the alpha,
 * for each filter family, policy and input type the descriptors use.
 */
class DeviceImagingTest {

    private static ModelSpec spec(String input, String normalization, String output) {
        return ModelSpec.parse(new StringReader("""
                {"name": "m", "files": {"onnx": {"fp32": "m.onnx"}}, "input": {"name": "x", %s},
                 "normalization": %s, "output": %s}
                """.formatted(input, normalization, output)), Path.of("."), "test.json");
    }

    /** Descriptors covering the pipelines in use: rembg (Pillow Lanczos, stretch), the U-Nets (SDK area), MODNet. */
    private static List<ModelSpec> specs() {
        return List.of(TestModels.u2netp(), TestModels.tiny(),
                spec("\"dtype\": \"float32\", \"policy\": {\"kind\": \"stretch\", \"width\": 256, \"height\": 192},"
                        + " \"resize\": \"bilinear\"",
                        "{\"scale\": 0.00392156862745098, \"mean\": [0.5, 0.5, 0.5], \"std\": [1, 1, 1]}",
                        "{\"activation\": \"sigmoid-minmax\", \"quantize\": \"floor\", \"resize\": \"bicubic\"}"),
                spec("\"dtype\": \"float32\", \"policy\": {\"kind\": \"short-side\", \"size\": 128, \"multiple\": 32},"
                        + " \"resize\": \"area\"",
                        "{\"scale\": 1, \"mean\": [127.5, 127.5, 127.5], \"std\": [127.5, 127.5, 127.5]}",
                        "{\"activation\": \"none\", \"quantize\": \"floor\", \"resize\": \"area\"}"),
                spec("\"dtype\": \"float32\", \"policy\": {\"kind\": \"longest-side\", \"size\": 160, \"multiple\": 32},"
                        + " \"resize\": \"box\"",
                        "{\"scale\": \"image-max\", \"mean\": [0.485, 0.456, 0.406], \"std\": [0.229, 0.224, 0.225]}",
                        "{\"activation\": \"minmax\", \"quantize\": \"round\", \"resize\": \"lanczos\"}"));
    }

    private static RgbImage image(int w, int h, long seed) {
        return ImageDecoder.decode(ImageSource.of(SyntheticImages.generate(seed, w, h).image()));
    }

    @Test
    void theWayInMatchesTheCpuWithinOneLevel() {
        int[][] sizes = {{300, 200}, {211, 347}, {640, 480}, {320, 320}};
        try (NDManager manager = Engine.getEngine(PyTorchBackend.ENGINE).newBaseManager(ai.djl.Device.cpu())) {
            DeviceImaging imaging = new DeviceImaging(manager);
            long seed = 1;
            for (ModelSpec spec : specs()) {
                for (int[] wh : sizes) {
                    RgbImage img = image(wh[0], wh[1], seed++);
                    InputGeometry g = InputGeometry.plan(img.width(), img.height(), spec.policy());
                    ModelInput cpu = Preprocessor.prepare(img, g, spec);
                    DeviceImaging.Plan plan = DeviceImaging.plan(DevicePlan.of(img, g.scaledWidth(), g.scaledHeight(),
                            g.paddedWidth(), g.paddedHeight(), spec));
                    ByteBuffer buf = ByteBuffer.allocateDirect(img.rgb().length).put(img.rgb()).flip();
                    NDArray dev = imaging.prepare(manager, buf, plan);
                    String what = spec.name() + " " + spec.inputResize().key() + " " + wh[0] + "x" + wh[1];
                    assertEquals(3L * g.paddedHeight() * g.paddedWidth(), dev.size(), what);
                    if (cpu.isPixels()) {
                        byte[] d = dev.toByteArray();
                        byte[] c = cpu.pixels();
                        assertTrue(maxLevels(c, d) <= 1, what + ": max " + maxLevels(c, d) + " levels");
                    } else {
                        float[] d = dev.toType(DataType.FLOAT32, false).toFloatArray();
                        float[] c = cpu.values();
                        // in 8-bit levels through the normalisation; image-max scaling can move by a level too
                        double level = 1.0 / 255 / minStd(spec) * (spec.normalization().scale() > 0.5 ? 255 : 1);
                        double worst = 0;
                        double sum = 0;
                        int off = 0;
                        for (int i = 0; i < c.length; i++) {
                            double diff = Math.abs(c[i] - d[i]) / level;
                            worst = Math.max(worst, diff);
                            sum += diff;
                            off += diff > 0.5 ? 1 : 0;
                        }
                        assertTrue(worst <= 2.0, what + ": max " + worst + " levels");
                        assertTrue(sum / c.length <= 0.05, what + ": mean " + sum / c.length + " levels");
                        assertTrue(off <= c.length / 20, what + ": " + off + " of " + c.length + " values off by over half a level");
                    }
                }
            }
        }
    }

    @Test
    void theWayBackMatchesTheCpuWithinOneLevel() {
        int[][] sizes = {{300, 200}, {211, 347}, {1280, 720}};
        Random r = new Random(7);
        try (NDManager manager = Engine.getEngine(PyTorchBackend.ENGINE).newBaseManager(ai.djl.Device.cpu())) {
            DeviceImaging imaging = new DeviceImaging(manager);
            long seed = 100;
            for (ModelSpec spec : specs()) {
                for (int[] wh : sizes) {
                    RgbImage img = image(wh[0], wh[1], seed++);
                    InputGeometry g = InputGeometry.plan(img.width(), img.height(), spec.policy());
                    float[] plane = smoothField(g.paddedWidth(), g.paddedHeight(), r);
                    DeviceImaging.Plan plan = DeviceImaging.plan(DevicePlan.of(img, g.scaledWidth(), g.scaledHeight(),
                            g.paddedWidth(), g.paddedHeight(), spec));
                    NDArray dev = imaging.finish(manager, manager.create(plane,
                            new ai.djl.ndarray.types.Shape(g.paddedHeight(), g.paddedWidth())), plan);
                    byte[] d = DeviceImaging.download(List.of(dev)).get(0);
                    float[] cpuPlane = plane.clone();
                    OutputAdapter out = spec.output();
                    out.apply(cpuPlane);
                    byte[] c = AlphaRestorer.restore(cpuPlane, g, out.quantize(), out.resize());
                    String what = spec.name() + " " + out.resize().key() + " " + wh[0] + "x" + wh[1];
                    assertEquals(c.length, d.length, what);
                    assertTrue(maxLevels(c, d) <= 1, what + ": max " + maxLevels(c, d) + " levels");
                }
            }
        }
    }

    /**
     * Images of one shape are prepared and finished as one tensor on the GPU path: exactly what one at a time gives,
     * per-image reductions (rembg's image-max scale, min-max activation) included.
     */
    @Test
    void aGroupOfImagesGivesWhatEachGivesAlone() {
        Random r = new Random(11);
        try (NDManager manager = Engine.getEngine(PyTorchBackend.ENGINE).newBaseManager(ai.djl.Device.cpu())) {
            DeviceImaging imaging = new DeviceImaging(manager);
            for (ModelSpec spec : specs()) {
                List<RgbImage> imgs = List.of(image(333, 222, 41), image(333, 222, 42), image(333, 222, 43));
                InputGeometry g = InputGeometry.plan(333, 222, spec.policy());
                DeviceImaging.Plan plan = DeviceImaging.plan(DevicePlan.of(imgs.get(0), g.scaledWidth(),
                        g.scaledHeight(), g.paddedWidth(), g.paddedHeight(), spec));
                ByteBuffer all = ByteBuffer.allocateDirect(3 * imgs.get(0).rgb().length);
                imgs.forEach(im -> all.put(im.rgb()));
                NDArray group = imaging.prepare(manager, all.flip(), plan, 3);
                List<float[]> planes = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    ByteBuffer one = ByteBuffer.allocateDirect(imgs.get(i).rgb().length).put(imgs.get(i).rgb()).flip();
                    NDArray alone = imaging.prepare(manager, one, plan);
                    assertArrayEquals(alone.toType(DataType.FLOAT32, false).toFloatArray(),
                            group.get(i).toType(DataType.FLOAT32, false).toFloatArray(), spec.name() + " image " + i);
                    // outputs with different ranges, so a min-max over the group would differ from one per image
                    float[] plane = smoothField(g.paddedWidth(), g.paddedHeight(), r);
                    for (int k = 0; k < plane.length; k++) {
                        plane[k] = plane[k] * (i + 1) - i;
                    }
                    planes.add(plane);
                }
                float[] joined = new float[3 * planes.get(0).length];
                for (int i = 0; i < 3; i++) {
                    System.arraycopy(planes.get(i), 0, joined, i * planes.get(0).length, planes.get(0).length);
                }
                NDArray finished = imaging.finishAll(manager, manager.create(joined,
                        new ai.djl.ndarray.types.Shape(3, g.paddedHeight(), g.paddedWidth())), plan);
                List<byte[]> together = DeviceImaging.download(List.of(finished));
                assertEquals(3, together.size());
                for (int i = 0; i < 3; i++) {
                    NDArray alone = imaging.finish(manager, manager.create(planes.get(i),
                            new ai.djl.ndarray.types.Shape(g.paddedHeight(), g.paddedWidth())), plan);
                    assertArrayEquals(DeviceImaging.download(List.of(alone)).get(0), together.get(i),
                            spec.name() + " alpha " + i);
                }
            }
        }
    }

    /** A model-like output: smooth blobs with sharp-ish edges, values around [-2, 3] so every activation matters. */
    private static float[] smoothField(int w, int h, Random r) {
        float[] f = new float[w * h];
        double cx = w * (0.3 + 0.4 * r.nextDouble());
        double cy = h * (0.3 + 0.4 * r.nextDouble());
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double d = Math.hypot((x - cx) / w, (y - cy) / h);
                f[y * w + x] = (float) (3 * Math.tanh((0.25 - d) * 20) + 0.5 * Math.sin(x * 0.05) * Math.cos(y * 0.07));
            }
        }
        return f;
    }

    private static double minStd(ModelSpec spec) {
        double m = Double.MAX_VALUE;
        for (double s : spec.normalization().std()) {
            m = Math.min(m, s);
        }
        return m;
    }

    private static int maxLevels(byte[] a, byte[] b) {
        int worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs((a[i] & 0xff) - (b[i] & 0xff)));
        }
        return worst;
    }
}
