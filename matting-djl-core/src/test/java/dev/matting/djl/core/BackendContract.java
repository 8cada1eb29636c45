package dev.matting.djl.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDManager;
import dev.matting.api.Matte;
import dev.matting.api.MatteResult;
import dev.matting.api.Matter;
import dev.matting.api.Matters;
import dev.matting.common.BackendUnavailableException;
import dev.matting.common.Device;
import dev.matting.common.DeviceOutOfMemoryException;
import dev.matting.common.ImageSource;
import dev.matting.common.InferenceException;
import dev.matting.common.Precision;
import dev.matting.model.ModelSpec;
import dev.matting.spi.BackendOptions;
import dev.matting.spi.BatchBackend;
import dev.matting.spi.MattingBackend;
import dev.matting.spi.ModelInput;
import dev.matting.spi.ModelOutput;
import dev.matting.testing.AlphaMetrics;
import dev.matting.testing.SyntheticImages;
import dev.matting.testing.TestModels;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every DJL-based backend must do, on real inference with the tiny U-Net of {@code models/unet-tiny} (a test
 * fixture: its PyTorch parity pairs and its known alphas on synthetic shapes make exact checks possible; the jars
 * embed U²-Netp, whose checks against rembg are the faithfulness tests). A backend module subclasses it and names
 * its backend; the tests then run there (this class reaches matting-onnx through the test-jar).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BackendContract {
    /** fp32 engines against eager PyTorch: only summation order differs. */
    static final double PARITY_TOLERANCE = 1e-3;

    protected ModelSpec spec;
    protected BatchBackend cpu;

    /** A fresh instance of the backend under test. */
    protected abstract MattingBackend newBackend();

    /** Whether this engine runs the FP16 export on the CPU (else it must refuse with BackendUnavailableException). */
    protected abstract boolean runsHalfOnCpu();

    @BeforeAll
    void openCpuBackend() {
        spec = TestModels.tiny();
        cpu = newBackend().open(spec, options(Device.cpu(), Precision.FP32, true));
    }

    @AfterAll
    void closeCpuBackend() {
        if (cpu != null) {
            cpu.close();
        }
    }

    protected static BackendOptions options(Device device, Precision precision, boolean warmUp) {
        return new BackendOptions(device, precision, 0, true, warmUp);
    }

    static Stream<ParityCases.Case> parityCases() {
        return ParityCases.load().stream();
    }

    @Test
    void offersTheCpu() {
        List<Device> devices = newBackend().devices();
        assertTrue(devices.contains(Device.cpu()), "devices: " + devices);
        assertEquals(Device.cpu(), cpu.device());
        assertEquals(Precision.FP32, cpu.precision());
        assertTrue(cpu.engine().matches("\\w+ \\d+\\.\\d+.*"), "engine label: " + cpu.engine());
    }

    @ParameterizedTest
    @MethodSource("parityCases")
    void matchesEagerPyTorchOnEachParityCase(ParityCases.Case c) {
        List<float[]> out = planes(cpu.run(List.of(c.input())));
        assertEquals(1, out.size());
        double diff = AlphaMetrics.maxAbsDiff(c.alpha(), out.get(0));
        assertTrue(diff <= PARITY_TOLERANCE, c + ": max abs diff " + diff);
    }

    /** Each case in one batch with two other images of its shape: every slot must equal its own single-image result. */
    @ParameterizedTest
    @MethodSource("parityCases")
    void matchesParityInsideOneBatch(ParityCases.Case c) {
        ModelInput mirrored = ModelInput.ofPixels(c.height(), c.width(), mirror(c.chw(), c.height(), c.width()));
        ModelInput inverted = ModelInput.ofPixels(c.height(), c.width(), invert(c.chw()));
        List<float[]> batch = planes(cpu.run(List.of(mirrored, c.input(), inverted)));
        assertEquals(3, batch.size());
        assertTrue(AlphaMetrics.maxAbsDiff(c.alpha(), batch.get(1)) <= PARITY_TOLERANCE, c + " in the middle of a batch");
        assertTrue(AlphaMetrics.maxAbsDiff(cpu.run(List.of(mirrored)).get(0).plane(), batch.get(0)) <= PARITY_TOLERANCE,
                c + " mirrored, batched vs alone");
        assertTrue(AlphaMetrics.maxAbsDiff(cpu.run(List.of(inverted)).get(0).plane(), batch.get(2)) <= PARITY_TOLERANCE,
                c + " inverted, batched vs alone");
        assertTrue(AlphaMetrics.maxAbsDiff(batch.get(0), batch.get(1)) > 0.01, "slots must hold different images");
    }

    @Test
    void halfPrecisionOnTheCpuRunsOrIsRefusedClearly() {
        if (!runsHalfOnCpu()) {
            BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                    () -> newBackend().open(spec, options(Device.cpu(), Precision.FP16, false)));
            assertTrue(e.getMessage().contains("FP16"), e.getMessage());
            return;
        }
        try (BatchBackend half = newBackend().open(spec, options(Device.cpu(), Precision.FP16, false))) {
            assertEquals(Precision.FP16, half.precision());
            for (ParityCases.Case c : ParityCases.load()) {
                float[] alpha = half.run(List.of(c.input())).get(0).plane();
                assertTrue(AlphaMetrics.meanAbsDiff(c.alpha(), alpha) < 0.01, c + " fp16 mean abs diff");
                assertTrue(AlphaMetrics.iou(c.alpha(), alpha) > 0.98, c + " fp16 IoU");
            }
        }
    }

    @Test
    void emptyBatchGivesNoAlphas() {
        assertEquals(List.of(), cpu.run(List.of()));
    }

    @Test
    void refusesInputsOfDifferentShapesInOneBatch() {
        ModelInput a = ModelInput.ofPixels(32, 64, new byte[3 * 32 * 64]);
        ModelInput b = ModelInput.ofPixels(64, 32, new byte[3 * 32 * 64]);
        InferenceException e = assertThrows(InferenceException.class, () -> cpu.run(List.of(a, b)));
        assertTrue(e.getMessage().contains("64x32") && e.getMessage().contains("32x64"), e.getMessage());
    }

    @Test
    void refusesFloatInputsForAUint8Model() {
        ModelInput f = ModelInput.ofValues(32, 32, new float[3 * 32 * 32]);
        InferenceException e = assertThrows(InferenceException.class, () -> cpu.run(List.of(f)));
        assertTrue(e.getMessage().contains("uint8"), e.getMessage());
    }

    @Test
    void engineFailureNamesTheBatchShape() {
        // 20x20 cannot pass four 2x poolings and come back at 20x20: the engine (or the shape check) fails
        ModelInput odd = ModelInput.ofPixels(20, 20, new byte[3 * 20 * 20]);
        InferenceException e = assertThrows(InferenceException.class, () -> cpu.run(List.of(odd, odd)));
        assertFalse(e instanceof DeviceOutOfMemoryException, e.toString());
        assertTrue(e.getMessage().contains("2x3x20x20"), e.getMessage());
        assertEquals(1, cpu.run(List.of(ModelInput.ofPixels(32, 32, new byte[3 * 32 * 32]))).size(),
                "the backend still works after a failed call");
    }

    @Test
    void aGpuThatIsNotThereIsUnavailable() {
        MattingBackend b = newBackend();
        Device missing = Device.gpu(b.devices().stream().filter(Device::isGpu).mapToInt(Device::index).max().orElse(-1) + 1);
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> b.open(spec, options(missing, Precision.FP32, false)));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    @Test
    void closedBackendRefusesWork() {
        BatchBackend b = newBackend().open(spec, options(Device.cpu(), Precision.FP32, false));
        b.close();
        b.close();
        assertThrows(IllegalStateException.class, () -> b.run(List.of(ModelInput.ofPixels(32, 32, new byte[3 * 32 * 32]))));
    }

    /**
     * Ten thousand small calls leave nothing behind: no tensor or child manager stays attached to the model's manager
     * (a forgotten close grows that count by at least one per call), and native memory (resident set minus the Java
     * heap) does not climb by anything near the ~140 MB that leaking each call's input and output would add.
     */
    @Test
    void manySmallCallsLeakNoNativeMemory() throws Exception {
        DjlBatchBackend backend = (DjlBatchBackend) cpu;
        byte[] pixels = new byte[3 * 32 * 32];
        new java.util.Random(1).nextBytes(pixels);
        List<ModelInput> batch = List.of(ModelInput.ofPixels(32, 32, pixels), ModelInput.ofPixels(32, 32, pixels));
        int calls = 10_000;
        runCollecting(backend, batch, 100);
        int resourcesBefore = countResources(backend.modelManager());
        long nativeBefore = nativeBytes();
        runCollecting(backend, batch, calls);
        long nativeAfter = nativeBytes();
        assertEquals(resourcesBefore, countResources(backend.modelManager()),
                "NDManager resources attached to the model after " + calls + " calls");
        if (nativeBefore > 0) {
            long perCallIo = 2L * 3 * 32 * 32 + 2L * 32 * 32 * 4;
            long grew = nativeAfter - nativeBefore;
            // a clean run grows ~8 MB here (allocator arenas, class loading); a leak adds its share of perCallIo each call
            assertTrue(grew < calls * perCallIo * 3 / 4, "native memory grew by " + grew / 1024 + " KiB over " + calls
                    + " calls; leaking every call's tensors would add " + calls * perCallIo / 1024 + " KiB");
        }
    }

    /** Runs the batch, collecting garbage now and then so engine buffers that die with the GC do not pile up. */
    private static void runCollecting(BatchBackend backend, List<ModelInput> batch, int calls) {
        for (int i = 0; i < calls; i++) {
            backend.run(batch);
            if (i % 1000 == 999) {
                System.gc();
            }
        }
    }

    /** Resident set size minus the committed Java heap, after a collection; -1 where /proc is not there. */
    private static long nativeBytes() throws IOException, InterruptedException {
        System.gc();
        Thread.sleep(100);
        System.gc();
        long rss = residentBytes();
        return rss < 0 ? -1 : rss - Runtime.getRuntime().totalMemory();
    }

    /** Tensors and sub-managers attached to a DJL manager, counted through its (protected) resource map. */
    static int countResources(NDManager manager) throws ReflectiveOperationException {
        Field f = BaseNDManager.class.getDeclaredField("resources");
        f.setAccessible(true);
        Map<?, ?> resources = (Map<?, ?>) f.get(manager);
        int n = resources.size();
        for (Object r : resources.values()) {
            if (r instanceof NDManager child) {
                n += countResources(child);
            }
        }
        return n;
    }

    private static long residentBytes() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return -1;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        return -1;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // End to end through the public API (needs the image pipeline: decode, geometry, preprocess, restore).

    protected Matter matter(Precision precision) {
        return Matters.builder().model(spec).backend(newBackend().name()).device(Device.cpu()).precision(precision)
                .create();
    }

    static Stream<int[]> syntheticSizes() {
        return Stream.of(new int[] {300, 200, 11}, new int[] {640, 480, 12}, new int[] {480, 640, 13},
                new int[] {384, 384, 14}, new int[] {500, 333, 15});
    }

    @ParameterizedTest
    @MethodSource("syntheticSizes")
    void mattesSyntheticImagesThroughTheApi(int[] size) {
        SyntheticImages.Sample s = SyntheticImages.generate(size[2], size[0], size[1]);
        try (Matter m = matter(Precision.FP32)) {
            assertEquals(newBackend().name(), m.info().backend());
            Matte matte = m.matte(s.image());
            assertEquals(s.width(), matte.width());
            assertEquals(s.height(), matte.height());
            double iou = AlphaMetrics.iou(s.alpha(), matte.alphaFloats());
            assertTrue(iou >= 0.9, size[0] + "x" + size[1] + " seed " + size[2] + ": IoU " + iou);
        }
    }

    @Test
    void oneBadItemOfABatchFailsAlone() {
        SyntheticImages.Sample a = SyntheticImages.generate(21, 320, 240);
        SyntheticImages.Sample b = SyntheticImages.generate(22, 320, 240);
        List<ImageSource> sources = new ArrayList<>();
        sources.add(ImageSource.of("first", a.image()));
        sources.add(ImageSource.of("not-an-image.png", new byte[] {1, 2, 3, 4}));
        sources.add(ImageSource.of("third", b.image()));
        try (Matter m = matter(Precision.FP32)) {
            List<MatteResult> results = m.matteAll(sources);
            assertEquals(3, results.size());
            assertTrue(results.get(0).isSuccess(), () -> "first: " + results.get(0).error());
            assertTrue(results.get(2).isSuccess(), () -> "third: " + results.get(2).error());
            assertFalse(results.get(1).isSuccess());
            assertTrue(results.get(1).error().getMessage().contains("not-an-image.png"), results.get(1).error().getMessage());
            assertTrue(AlphaMetrics.iou(a.alpha(), results.get(0).matte().alphaFloats()) >= 0.9);
            assertTrue(AlphaMetrics.iou(b.alpha(), results.get(2).matte().alphaFloats()) >= 0.9);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // CUDA: run with -Dgroups=gpu; each test skips itself when the engine sees no GPU.

    protected Device requireGpu() {
        List<Device> devices = newBackend().devices();
        Assumptions.assumeTrue(devices.contains(Device.gpu(0)), "no GPU visible to " + newBackend() + ": " + devices);
        return Device.gpu(0);
    }

    @Test
    @Tag("gpu")
    void gpuFp32MatchesParityAndFp16AgreesWithIt() {
        Device gpu = requireGpu();
        try (BatchBackend fp32 = newBackend().open(spec, options(gpu, Precision.FP32, true));
                BatchBackend fp16 = newBackend().open(spec, options(gpu, Precision.FP16, true))) {
            for (ParityCases.Case c : ParityCases.load()) {
                List<ModelInput> batch = List.of(c.input(), c.input());
                float[] a32 = fp32.run(batch).get(1).plane();
                float[] a16 = fp16.run(batch).get(1).plane();
                assertTrue(AlphaMetrics.maxAbsDiff(c.alpha(), a32) <= 1e-2, c + " gpu fp32 vs eager cpu");
                assertTrue(AlphaMetrics.meanAbsDiff(a32, a16) < 0.01, c + " fp16 vs fp32 mean abs diff");
                assertTrue(AlphaMetrics.iou(a32, a16) >= 0.98, c + " fp16 vs fp32 IoU");
            }
        }
    }

    /**
     * A batch far larger than the card surfaces as {@link DeviceOutOfMemoryException}; after releasing the cache the
     * same backend still runs a normal batch. Needs a large direct-memory limit (see the module README).
     */
    @Test
    @Tag("gpu")
    void aHugeBatchIsReportedAsDeviceOutOfMemory() {
        Device gpu = requireGpu();
        long total = ai.djl.util.cuda.CudaUtils.getGpuMemory(DjlMattingBackend.toDjl(gpu)).getMax();
        int side = 4096;
        // the fp16 U-Net keeps at least ~64 bytes a pixel alive at full resolution (skips, concatenation, conv output)
        long perImage = 64L * side * side;
        int n = (int) Math.min(512, total / perImage * 2 + 2);
        byte[] pixels = new byte[3 * side * side];
        List<ModelInput> huge = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            huge.add(ModelInput.ofPixels(side, side, pixels));
        }
        try (BatchBackend fp16 = newBackend().open(spec, options(gpu, Precision.FP16, false))) {
            DeviceOutOfMemoryException e = assertThrows(DeviceOutOfMemoryException.class, () -> fp16.run(huge));
            assertTrue(e.getMessage().contains(n + "x3x" + side + "x" + side), e.getMessage());
            fp16.releaseCachedMemory();
            ParityCases.Case c = ParityCases.load().get(0);
            assertTrue(AlphaMetrics.iou(c.alpha(), fp16.run(List.of(c.input())).get(0).plane()) >= 0.98);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    private static byte[] mirror(byte[] chw, int h, int w) {
        byte[] out = new byte[chw.length];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    out[(c * h + y) * w + x] = chw[(c * h + y) * w + (w - 1 - x)];
                }
            }
        }
        return out;
    }

    private static byte[] invert(byte[] chw) {
        byte[] out = new byte[chw.length];
        for (int i = 0; i < chw.length; i++) {
            out[i] = (byte) (255 - (chw[i] & 0xff));
        }
        return out;
    }

    /** The raw planes of a CPU-prepared batch's outputs. */
    static List<float[]> planes(List<ModelOutput> outputs) {
        return outputs.stream().map(ModelOutput::plane).toList();
    }
}
