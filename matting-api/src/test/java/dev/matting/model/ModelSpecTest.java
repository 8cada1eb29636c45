package dev.matting.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.common.ModelException;
import dev.matting.common.Precision;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelSpecTest {
    private static final String VALID = """
            {"name": "m", "files": {"onnx": {"fp32": "m.onnx"}, "torchscript": {"fp32": "m.pt", "fp16": "m16.pt"}},
             "input": {"dtype": "float32", "policy": {"kind": "fixed-square", "size": 512}},
             "normalization": {"scale": 0.00392156862745098, "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5]},
             "output": {"index": 1, "activation": "sigmoid"}}
            """;

    private static ModelSpec parse(String json) {
        return ModelSpec.parse(new StringReader(json), Path.of("/models/m"), "test.json");
    }

    @Test
    void readsEveryField() {
        ModelSpec spec = parse(VALID);
        assertEquals("m", spec.name());
        assertEquals(new InputPolicy.FixedSquare(512), spec.policy());
        assertEquals(InputType.FLOAT32, spec.inputType());
        assertTrue(spec.supports(ModelFormat.TORCHSCRIPT, Precision.FP16));
        assertFalse(spec.supports(ModelFormat.ONNX, Precision.FP16));
        assertEquals(Path.of("/models/m/m.onnx"), spec.file(ModelFormat.ONNX, Precision.FP32).orElseThrow());
        assertEquals(new OutputAdapter(1, 0, OutputAdapter.Activation.SIGMOID), spec.output());
        assertFalse(spec.normalization().inGraph());
    }

    @Test
    void readsTheCommittedTinyModelDescriptor() {
        ModelSpec spec = ModelSpec.load(Path.of("../models/unet-tiny"));
        assertEquals("unet-tiny", spec.name());
        assertEquals(InputType.UINT8, spec.inputType());
        assertEquals(new InputPolicy.LongestSide(384, 32), spec.policy());
        for (ModelFormat f : ModelFormat.values()) {
            for (Precision p : new Precision[] {Precision.FP32, Precision.FP16}) {
                assertTrue(Files.isRegularFile(spec.requireFile(f, p)), f + " " + p);
            }
        }
    }

    @Test
    void errorsNameTheFileAndTheField() {
        ModelException e = assertThrows(ModelException.class, () -> parse(VALID.replace("fixed-square", "stretch")));
        assertTrue(e.getMessage().contains("test.json") && e.getMessage().contains("stretch"), e.getMessage());
        e = assertThrows(ModelException.class, () -> parse(VALID.replace("\"fp16\"", "\"int8\"")));
        assertTrue(e.getMessage().contains("int8"), e.getMessage());
        e = assertThrows(ModelException.class, () -> parse("{\"name\": \"m\""));
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
        e = assertThrows(ModelException.class, () -> parse(VALID.replace("\"float32\"", "\"uint8\"")));
        assertTrue(e.getMessage().contains("inGraph"), e.getMessage());
        e = assertThrows(ModelException.class, () -> parse(VALID.replace("[0.5, 0.5, 0.5]}", "[0.5, 0, 0.5]}")));
        assertTrue(e.getMessage().contains("std"), e.getMessage());
    }

    @Test
    void missingFilesAreReportedWithWhatIsListed(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("model.json"), VALID);
        ModelSpec spec = ModelSpec.load(dir);
        ModelException e = assertThrows(ModelException.class, () -> spec.requireFile(ModelFormat.ONNX, Precision.FP32));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        e = assertThrows(ModelException.class, () -> spec.requireFile(ModelFormat.ONNX, Precision.FP16));
        assertTrue(e.getMessage().contains("no onnx fp16 file"), e.getMessage());
        e = assertThrows(ModelException.class, () -> ModelSpec.load(dir.resolve("nowhere")));
        assertTrue(e.getMessage().contains("no model descriptor"), e.getMessage());
    }

    @Test
    void outputActivationsMapToUnitRange() {
        float[] v = {-3f, 0f, 3f};
        new OutputAdapter(0, 0, OutputAdapter.Activation.MINMAX).apply(v);
        assertEquals(0f, v[0]);
        assertEquals(0.5f, v[1]);
        assertEquals(1f, v[2]);
        float[] s = {0f, 100f};
        new OutputAdapter(0, 0, OutputAdapter.Activation.SIGMOID).apply(s);
        assertEquals(0.5f, s[0], 1e-6);
        assertEquals(1f, s[1], 1e-6);
        float[] n = {-0.5f, 1.5f};
        new OutputAdapter(0, 0, OutputAdapter.Activation.NONE).apply(n);
        assertEquals(0f, n[0]);
        assertEquals(1f, n[1]);
    }
}
