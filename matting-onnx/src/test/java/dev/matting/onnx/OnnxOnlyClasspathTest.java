package dev.matting.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.api.BackendUnavailableException;
import dev.matting.api.Device;
import dev.matting.api.MatterOptions;
import dev.matting.api.Precision;
import dev.matting.djl.PyTorchBackend;
import dev.matting.internal.BackendSelector;
import dev.matting.model.ModelSpec;
import dev.matting.spi.MattingBackend;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What an ONNX-only user gets: matting-onnx without any ai.djl.pytorch jar. Runs in the pom's {@code onnx-only}
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
    }

    @Test
    void thePyTorchProviderLoadsButOffersNoDevice() {
        List<MattingBackend> installed = BackendSelector.installed();
        MattingBackend pytorch = installed.stream().filter(b -> b.name().equals("pytorch")).findFirst().orElseThrow();
        assertEquals(List.of(), pytorch.devices());
        assertTrue(installed.stream().anyMatch(b -> b.name().equals("onnxruntime") && b.devices().contains(Device.cpu())));
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> BackendSelector.choose(ModelSpec.bundled(), MatterOptions.builder().backend("pytorch").build()));
        assertTrue(e.getMessage().contains("pytorch"), e.getMessage());
        assertThrows(BackendUnavailableException.class, () -> new PyTorchBackend().open(ModelSpec.bundled(),
                new dev.matting.spi.BackendOptions(Device.cpu(), Precision.FP32, 0, false, false)));
    }

    @Test
    void theDefaultChoiceIsOnnxRuntime() {
        BackendSelector.Choice choice = BackendSelector.choose(ModelSpec.bundled(), MatterOptions.defaults());
        assertEquals("onnxruntime", choice.backend().name());
        assertEquals(Device.cpu(), choice.device());
        assertEquals(Precision.FP32, choice.precision());
    }
}
