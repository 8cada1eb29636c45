package dev.matting.djl;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.ParameterStore;
import ai.djl.translate.NoopTranslator;
import dev.matting.common.BackendUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;

/**
 * A known-answer check of libtorch's CPU kernels, run when the PyTorch backend first opens on the CPU.
 *
 * <p>A small TorchScript network shipped in this jar ({@code probe/probe.pt}, made by {@code tools/pytorch_probe.py})
 * mirrors the convolutions of the shipped models: 3x3 convolutions at widths 8 to 128 with max-pooling, bilinear
 * up-sampling and skip connections (the tiny U-Net), dilated 3x3 convolutions at rates 1, 2, 4 and 8 (U^2-Netp) and
 * 1x1 projections, each on a batch of 2 so that libtorch hands them to oneDNN. It runs once on a fixed input and its
 * three outputs are compared with answers computed in float64 by eager PyTorch ({@code probe/expected.bin}). Float32
 * rounding moves the outputs by about 1e-6 of their scale (measured: 1.3e-6) and another ISA's summation order by
 * about 1e-5; the wrong AVX-512 kernels of issue 9 moved alphas by 0.1 to 0.2. The tolerance, {@value #TOLERANCE} of
 * each output's scale (its largest magnitude, at least 1), sits between the two.
 *
 * <p>It costs one model load (1.1 MB) and one forward pass of a 256 K-parameter network on 2 x 3 x 64 x 64, about
 * 0.18 GFLOP, once per JVM ({@link PyTorchBackend} keeps the verdict). Measured as process CPU time on one thread:
 * 40-70 ms to load and 10-20 ms to run when repeated; the first run in a JVM took about 0.5 s, most of it DJL's and
 * oneDNN's one-time initialisation (model-zoo classes, kernel generation) that the real model's load would pay anyway.
 */
final class KnownAnswerProbe {
    /** Largest difference allowed, relative to each output's scale. */
    static final double TOLERANCE = 1e-3;
    static final int N = 2;
    static final int H = 64;
    static final int W = 64;
    /** Output shapes, in the order the network returns them and {@code expected.bin} stores them. */
    static final List<long[]> OUTPUT_SHAPES = List.of(new long[] {N, 1, 64, 64}, new long[] {N, 1, 32, 32},
            new long[] {N, 1, 4, 4});
    private static final String RESOURCE = "probe/";

    private KnownAnswerProbe() {
    }

    /**
     * The comparison of one run with the answers: the worst difference relative to its output's scale, where it
     * occurred, and whether it is within {@link #TOLERANCE}.
     */
    record Verdict(boolean passed, double worst, int output, int index, float got, float want, long nanos) {
        String describe() {
            return String.format(Locale.ROOT, "worst difference %.3g of the output's scale (tolerance %.0e) at output "
                    + "%d, element %d: got %.6f, expected %.6f", worst, TOLERANCE, output, index, got, want);
        }
    }

    /** The fixed input, N x 3 x H x W; the same formula as {@code probe_input()} in tools/pytorch_probe.py. */
    static float[] input() {
        float[] x = new float[N * 3 * H * W];
        int i = 0;
        for (int n = 0; n < N; n++) {
            for (int c = 0; c < 3; c++) {
                for (int h = 0; h < H; h++) {
                    for (int w = 0; w < W; w++) {
                        x[i++] = (float) (Math.sin(0.37 * h * (c + 1) + 0.23 * w * (n + 1) + c)
                                + 0.5 * Math.cos(0.05 * h * w + 0.7 * n));
                    }
                }
            }
        }
        return x;
    }

    /** The committed answers, one array per output. */
    static float[][] expected() {
        byte[] bytes = resource("expected.bin");
        FloatBuffer all = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[][] out = new float[OUTPUT_SHAPES.size()][];
        for (int o = 0; o < out.length; o++) {
            out[o] = new float[(int) new Shape(OUTPUT_SHAPES.get(o)).size()];
            all.get(out[o]);
        }
        if (all.hasRemaining()) {
            throw new IllegalStateException("probe/expected.bin holds " + all.remaining() + " floats too many");
        }
        return out;
    }

    /** Compares a run's outputs with the answers. */
    static Verdict compare(float[][] got, float[][] want, long nanos) {
        double worst = 0;
        int worstOutput = 0;
        int worstIndex = 0;
        for (int o = 0; o < want.length; o++) {
            if (got[o].length != want[o].length) {
                return new Verdict(false, Double.POSITIVE_INFINITY, o, -1, Float.NaN, Float.NaN, nanos);
            }
            double scale = 1;
            for (float v : want[o]) {
                scale = Math.max(scale, Math.abs(v));
            }
            for (int i = 0; i < want[o].length; i++) {
                double d = Math.abs((double) got[o][i] - want[o][i]) / scale;
                if (!(d <= worst)) { // NaN counts as the worst
                    worst = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
                    worstOutput = o;
                    worstIndex = i;
                }
            }
        }
        return new Verdict(worst <= TOLERANCE, worst, worstOutput, worstIndex, got[worstOutput][worstIndex],
                want[worstOutput][worstIndex], nanos);
    }

    /** Runs the probe network on the CPU through DJL's PyTorch engine and compares with {@code want}. */
    static Verdict run(float[][] want) {
        long start = System.nanoTime();
        float[][] got = outputs();
        long nanos = System.nanoTime() - start;
        if (got.length != want.length) {
            return new Verdict(false, Double.POSITIVE_INFINITY, got.length, -1, Float.NaN, Float.NaN, nanos);
        }
        return compare(got, want, nanos);
    }

    /**
     * The probe network's outputs on the fixed input, on the CPU through DJL's PyTorch engine. It runs on a thread of
     * its own with libtorch's graph optimiser off (a per-thread setting): the optimiser's profiling runs and fusion
     * compiles would cost seconds and only touch element-wise operations, while the convolutions under test reach
     * oneDNN through the same ATen calls either way.
     */
    static float[][] outputs() {
        float[][][] result = new float[1][][];
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(() -> {
            try {
                ai.djl.pytorch.jni.JniUtils.setGraphExecutorOptimize(false);
                result[0] = load();
            } catch (RuntimeException | Error e) {
                failure[0] = e;
            }
        }, "matting-pytorch-probe");
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the PyTorch probe ran", e);
        }
        if (failure[0] instanceof RuntimeException e) {
            throw e;
        }
        if (failure[0] != null) {
            throw new IllegalStateException("the PyTorch probe failed: " + failure[0], failure[0]);
        }
        return result[0];
    }

    private static float[][] load() {
        Path file;
        try {
            file = Files.createTempFile("dev-matting-probe", ".pt");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the PyTorch probe model to a temporary file", e);
        }
        try {
            try (InputStream in = open("probe.pt")) {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            }
            Criteria<NDList, NDList> criteria = Criteria.builder().setTypes(NDList.class, NDList.class)
                    .optEngine(PyTorchBackend.ENGINE).optDevice(ai.djl.Device.cpu()).optModelPath(file)
                    .optModelName("probe").optTranslator(new NoopTranslator()).build();
            try (ZooModel<NDList, NDList> model = criteria.loadModel();
                    NDManager manager = model.getNDManager().newSubManager()) {
                NDArray x = manager.create(input(), new Shape(N, 3, H, W));
                NDList out = model.getBlock().forward(new ParameterStore(manager, false), new NDList(x), false);
                float[][] got = new float[out.size()][];
                for (int o = 0; o < got.length; o++) {
                    got[o] = out.get(o).toType(DataType.FLOAT32, false).toFloatArray();
                }
                return got;
            }
        } catch (IOException | ModelNotFoundException | MalformedModelException e) {
            throw new IllegalStateException("the PyTorch probe model did not load: " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                file.toFile().deleteOnExit();
            }
        }
    }

    /** The refusal for a failed verdict: which CPU, which ISA, what oneDNN was capped at, and how to fix it. */
    static BackendUnavailableException refusal(Verdict v, CpuIsaGuard.CpuInfo cpu, CpuIsaGuard.Decision cap) {
        return new BackendUnavailableException("backend 'pytorch' refuses the CPU: libtorch's kernels failed a "
                + "known-answer check (" + v.describe() + ") on " + cpu + ", " + cpu.widestIsa() + ", oneDNN "
                + (cap == null ? "not capped by the SDK" : cap.sets() ? "capped at " + cap.value() : "not capped ("
                        + cap.reason() + ")")
                + ". Mattes from it would be wrong without an error. Fix: start the JVM with ONEDNN_MAX_CPU_ISA=AVX2 "
                + "in its environment (or -D" + CpuIsaGuard.PROPERTY + "=avx2), or use backend(\"onnxruntime\")");
    }

    private static InputStream open(String name) {
        InputStream in = KnownAnswerProbe.class.getResourceAsStream(RESOURCE + name);
        if (in == null) {
            throw new IllegalStateException("resource " + RESOURCE + name + " is missing from the matting-djl jar");
        }
        return in;
    }

    private static byte[] resource(String name) {
        try (InputStream in = open(name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
