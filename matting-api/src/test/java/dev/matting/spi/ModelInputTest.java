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

    @Test
    void blankInputsForStretchAndShortSide() {
        ModelInput stretched = ModelInput.blank(parse("float32", "{\"kind\": \"stretch\", \"width\": 320, \"height\": 288}"));
        assertEquals(new ModelInput.Shape(288, 320), stretched.shape());
        assertEquals(3 * 288 * 320, stretched.values().length);
        // short-side: the shape of a 1024x768 photo, 672x512 for MODNet's 512 / 32
        ModelInput modnet = ModelInput.blank(parse("float32", "{\"kind\": \"short-side\", \"size\": 512, \"multiple\": 32}"));
        assertEquals(new ModelInput.Shape(512, 672), modnet.shape());
    }
}
