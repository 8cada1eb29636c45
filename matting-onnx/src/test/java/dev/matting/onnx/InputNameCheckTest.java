package dev.matting.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.common.Device;
import dev.matting.common.ModelException;
import dev.matting.common.Precision;
import dev.matting.model.ModelSpec;
import dev.matting.spi.BackendOptions;
import dev.matting.spi.BatchBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9, item 9: {@code model.json}'s {@code input.name} is checked against the ONNX graph when the model loads, so
 * a descriptor written for another model fails at once with both names instead of loading silently.
 */
class InputNameCheckTest {
    private static final Path TINY = Path.of("../models/unet-tiny");

    /** The tiny model's folder with its descriptor's input name replaced. */
    private static ModelSpec withInputName(Path dir, String name) throws Exception {
        Files.copy(TINY.resolve("unet-tiny-fp32.onnx"), dir.resolve("unet-tiny-fp32.onnx"));
        String json = Files.readString(TINY.resolve("model.json"))
                .replace("\"name\": \"pixels\"", "\"name\": \"" + name + "\"");
        Files.writeString(dir.resolve("model.json"), json);
        ModelSpec spec = ModelSpec.load(dir);
        assertEquals(name, spec.inputName());
        return spec;
    }

    @Test
    void aWrongInputNameFailsTheLoadNamingBoth(@TempDir Path dir) throws Exception {
        ModelSpec spec = withInputName(dir, "image");
        ModelException e = assertThrows(ModelException.class, () -> new OnnxRuntimeBackend().open(spec,
                new BackendOptions(Device.cpu(), Precision.FP32, 1, false, false)));
        assertTrue(e.getMessage().contains("'image'") && e.getMessage().contains("'pixels'")
                && e.getMessage().contains("unet-tiny-fp32.onnx"), e.getMessage());
    }

    @Test
    void theRightInputNameLoads(@TempDir Path dir) throws Exception {
        ModelSpec spec = withInputName(dir, "pixels");
        try (BatchBackend b = new OnnxRuntimeBackend().open(spec, new BackendOptions(Device.cpu(), Precision.FP32, 1,
                false, false))) {
            assertEquals(Device.cpu(), b.device());
        }
    }
}
