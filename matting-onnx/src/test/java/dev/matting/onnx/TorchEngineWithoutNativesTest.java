package dev.matting.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.api.Matte;
import dev.matting.api.Matter;
import dev.matting.api.Matters;
import dev.matting.common.Device;
import dev.matting.common.ImageSource;
import dev.matting.spi.BackendSelector;
import dev.matting.spi.MattingBackend;
import dev.matting.testing.AlphaMetrics;
import dev.matting.testing.SyntheticImages;
import dev.matting.testing.TestModels;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 9, item 2: PyTorch's engine jar on the class path but its natives absent (no {@code pytorch-native-cpu}, no
 * {@code pytorch-jni}, an empty DJL engine cache) and no network. Runs in the pom's {@code torch-without-natives}
 * surefire execution. Before the fix, {@code backend("onnxruntime")} died in {@code create()} with
 * {@code EngineException: Failed to save pytorch index file}, because DJL's ONNX Runtime engine loads PyTorch as its
 * "alternative" engine; now ONNX Runtime runs and libtorch is never loaded, and with no backend named the PyTorch
 * probe fails softly and ONNX Runtime is chosen.
 */
class TorchEngineWithoutNativesTest {
    /** The model the synthetic images were made for, named explicitly rather than through the embedded default. */
    private static final Path TINY = Path.of("../models/unet-tiny");

    @BeforeEach
    void onlyInTheTorchWithoutNativesRun() {
        Assumptions.assumeTrue(Boolean.getBoolean("matting.test.torchWithoutNatives"),
                "runs in the torch-without-natives execution");
    }

    @Test
    void theClassPathHasPyTorchsEngineButNotItsNatives() throws Exception {
        Class.forName("ai.djl.pytorch.engine.PtEngine", false, getClass().getClassLoader());
        Class.forName("dev.matting.djl.PyTorchBackend", false, getClass().getClassLoader());
        assertNull(getClass().getClassLoader().getResource("native/lib/pytorch.properties"), "pytorch-native-cpu");
        assertNull(getClass().getClassLoader().getResource("jnilib/pytorch.properties"), "pytorch-jni");
        assertTrue(Boolean.getBoolean("ai.djl.offline"));
    }

    @Test
    void anExplicitOnnxBackendMattesWithoutLoadingLibtorch() throws Exception {
        SyntheticImages.Sample s = SyntheticImages.generate(11, 480, 360);
        try (Matter matter = Matters.builder().model(TINY).backend("onnxruntime").create()) {
            assertEquals("onnxruntime", matter.info().backend());
            Matte m = matter.matte(s.image());
            double iou = AlphaMetrics.iou(m.alphaFloats(), s.alpha());
            assertTrue(iou >= 0.9, "IoU " + iou);
            Path chelsea = TestModels.repository().resolve("samples/photos/chelsea.png");
            Matte photo = matter.matte(ImageSource.of(chelsea));
            assertEquals(451, photo.width());
            assertTrue(photo.coverage(128) > 0.01 && photo.coverage(128) < 0.99, "coverage " + photo.coverage(128));
        }
        assertLibtorchNeverLoaded();
    }

    @Test
    void withNoBackendNamedThePyTorchProbeFailsSoftlyAndOnnxRuntimeIsChosen() throws Exception {
        MattingBackend torch = BackendSelector.installed().stream().filter(b -> b.name().equals("pytorch"))
                .findFirst().orElseThrow();
        assertTrue(torch.devices().isEmpty(), "PyTorch has no natives here but reports " + torch.devices());
        try (Matter matter = Matters.builder().model(TINY).create()) {
            assertEquals("onnxruntime", matter.info().backend());
            assertEquals(Device.cpu(), matter.info().device());
            assertEquals(480, matter.matte(SyntheticImages.generate(3, 480, 320).image()).width());
        }
        assertLibtorchNeverLoaded();
    }

    /** No libtorch in the process's memory map, and DJL's PyTorch engine was never made. */
    private static void assertLibtorchNeverLoaded() throws Exception {
        Path maps = Path.of("/proc/self/maps");
        if (Files.isReadable(maps)) {
            String mapped = readMaps(maps);
            assertFalse(mapped.contains("libtorch") || mapped.contains("libdjl_torch"),
                    "libtorch is mapped into the process");
        }
        Field engine = Class.forName("ai.djl.pytorch.engine.PtEngineProvider").getDeclaredField("engine");
        engine.setAccessible(true);
        assertNull(engine.get(null), "DJL's PyTorch engine was instantiated");
    }

    private static String readMaps(Path maps) throws IOException {
        return Files.readString(maps).toLowerCase(Locale.ROOT);
    }
}
