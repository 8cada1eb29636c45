package dev.matting.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.common.BackendUnavailableException;
import dev.matting.common.Device;
import dev.matting.common.Precision;
import dev.matting.model.ModelSpec;
import dev.matting.spi.BackendSelector;
import dev.matting.spi.MattingBackend;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What an ONNX-only user gets: matting-onnx without matting-djl or any ai.djl.pytorch jar. Runs in the pom's {@code onnx-only}
 * surefire execution, which removes those jars from the class path and sets {@code matting.test.onnxOnly}.
 */
class OnnxOnlyClasspathTest {

    @BeforeEach
    void onlyInTheOnnxOnlyRun() {
        Assumptions.assumeTrue(Boolean.getBoolean("matting.test.onnxOnly"), "runs in the onnx-only execution");
    }

    @Test
    void noPyTorchClassIsOnTheClassPath() {
        assertThrows(ClassNotFoundException.class, () -> Class.forName("ai.djl.pytorch.engine.PtEngine"));
        assertThrows(ClassNotFoundException.class, () -> Class.forName("dev.matting.djl.PyTorchBackend"));
    }

    @Test
    void onlyOnnxRuntimeIsInstalledAndPyTorchIsReportedMissing() {
        List<MattingBackend> installed = BackendSelector.installed();
        assertEquals(List.of("onnxruntime"), installed.stream().map(MattingBackend::name).toList());
        assertTrue(installed.get(0).devices().contains(Device.cpu()));
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> BackendSelector.select(ModelSpec.bundled(), "pytorch", List.of(), Precision.AUTO, false));
        assertTrue(e.getMessage().contains("pytorch") && e.getMessage().contains("matting-djl"), e.getMessage());
    }

    @Test
    void theDefaultChoiceIsOnnxRuntime() {
        BackendSelector.Selection choice = BackendSelector.select(ModelSpec.bundled(), null, List.of(), Precision.AUTO,
                true);
        assertEquals("onnxruntime", choice.backend().name());
        assertEquals(List.of(Device.cpu()), choice.devices());
        assertEquals(Precision.FP32, choice.precision());
    }
}
