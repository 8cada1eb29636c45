package dev.matting.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.model.ModelSpec;
import java.io.StringReader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ModelInputTest {

    private static ModelSpec parse(String dtype, String policy) {
        return ModelSpec.parse(new StringReader("""
                {"name": "m", "files": {"onnx": {"fp32": "m.onnx"}},
                 "input": {"dtype": "%s", "policy": %s},
                 "normalization": {"inGraph": %s, "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5]},
                 "output": {}}
                """.formatted(dtype, policy, dtype.equals("uint8"))), Path.of("/models/m"), "test.json");
    }

    @Test
    void blankInputsHaveTheLargestShapeOfThePolicyAndTheInputType() {
        ModelInput floats = ModelInput.blank(parse("float32", "{\"kind\": \"fixed-square\", \"size\": 512}"));
        assertEquals(new ModelInput.Shape(512, 512), floats.shape());
        assertFalse(floats.isPixels());
        ModelInput pixels = ModelInput.blank(parse("uint8", "{\"kind\": \"longest-side\", \"size\": 400, \"multiple\": 32}"));
        assertEquals(new ModelInput.Shape(416, 416), pixels.shape());
        assertTrue(pixels.isPixels());
    }
}
