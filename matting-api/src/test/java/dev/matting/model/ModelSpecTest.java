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
        ModelException e = assertThrows(ModelException.class, () -> parse(VALID.replace("fixed-square", "squash")));
        assertTrue(e.getMessage().contains("test.json") && e.getMessage().contains("squash"), e.getMessage());
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

    @Test
    void sigmoidMinMaxAndFlatOutputs() {
        float[] v = {-2f, 0f, 2f};
        new OutputAdapter(0, 0, OutputAdapter.Activation.SIGMOID_MINMAX).apply(v);
        assertEquals(0f, v[0]);
        assertEquals(0.5f, v[1], 1e-6);
        assertEquals(1f, v[2]);
        float[] flat = {0.3f, 0.3f};
        new OutputAdapter(0, 0, OutputAdapter.Activation.MINMAX).apply(flat);
        assertEquals(0f, flat[0], "a flat output has no range: 0, not NaN");
    }

    @Test
    void quantizeRoundsOrFloorsAndClamps() {
        assertEquals(128, OutputAdapter.Quantize.ROUND.apply(0.5f));
        assertEquals(127, OutputAdapter.Quantize.FLOOR.apply(0.5f));
        assertEquals(254, OutputAdapter.Quantize.FLOOR.apply(0.999f));
        assertEquals(255, OutputAdapter.Quantize.ROUND.apply(0.999f));
        for (OutputAdapter.Quantize q : OutputAdapter.Quantize.values()) {
            assertEquals(0, q.apply(Float.NaN));
            assertEquals(0, q.apply(-1f));
            assertEquals(255, q.apply(2f));
            assertEquals(255, q.apply(1f));
            assertEquals(0, q.apply(0f));
        }
    }

    @Test
    void readsTheU2netpDescriptorAsRembgRunsIt() {
        ModelSpec spec = ModelSpec.load(Path.of("../models/u2netp"));
        assertEquals("u2netp", spec.name());
        assertEquals("Apache-2.0", spec.license().orElseThrow());
        assertEquals("input.1", spec.inputName());
        assertEquals(InputType.FLOAT32, spec.inputType());
        assertEquals(new InputPolicy.Stretch(320, 320), spec.policy());
        assertEquals(ResizeFilter.LANCZOS, spec.inputResize());
        assertTrue(spec.normalization().imageMax());
        assertEquals(0.485, spec.normalization().mean()[0]);
        assertEquals(0.225, spec.normalization().std()[2]);
        assertEquals(new OutputAdapter(0, 0, OutputAdapter.Activation.MINMAX, OutputAdapter.Quantize.FLOOR,
                ResizeFilter.LANCZOS), spec.output());
        assertTrue(Files.isRegularFile(spec.requireFile(ModelFormat.ONNX, Precision.FP32)));
        assertTrue(Files.isRegularFile(spec.requireFile(ModelFormat.TORCHSCRIPT, Precision.FP32)));
        assertTrue(Files.isRegularFile(spec.requireFile(ModelFormat.TORCHSCRIPT, Precision.FP16)));
    }

    @Test
    void descriptorsWithoutFiltersKeepTheSdkResampling() {
        ModelSpec spec = parse(VALID);
        assertEquals(ResizeFilter.SDK_AREA, spec.inputResize());
        assertEquals(ResizeFilter.SDK_AREA, spec.output().resize());
        assertEquals(OutputAdapter.Quantize.ROUND, spec.output().quantize());
        assertFalse(spec.normalization().imageMax());
    }

    private static final String REMBG = """
            {"name": "isnet", "license": "Apache-2.0", "url": "https://github.com/xuebinqin/DIS",
             "files": {"onnx": {"fp32": "isnet.onnx"}},
             "input": {"name": "input_image", "dtype": "float32", "layout": "NCHW", "channels": "RGB",
                       "policy": {"kind": "stretch", "width": 1024, "height": 1024}, "resize": "lanczos"},
             "normalization": {"scale": "image-max", "mean": [0.5, 0.5, 0.5], "std": [1.0, 1.0, 1.0]},
             "output": {"index": 0, "channel": 0, "activation": "minmax", "quantize": "floor", "resize": "lanczos"}}
            """;

    @Test
    void readsEveryNewPolicyAndFilter() {
        ModelSpec isnet = parse(REMBG);
        assertEquals(new InputPolicy.Stretch(1024, 1024), isnet.policy());
        assertEquals("https://github.com/xuebinqin/DIS", isnet.homepage().orElseThrow());
        ModelSpec modnet = parse(REMBG.replace("{\"kind\": \"stretch\", \"width\": 1024, \"height\": 1024}",
                "{\"kind\": \"short-side\", \"size\": 512, \"multiple\": 32}")
                .replace("\"resize\": \"lanczos\"},", "\"resize\": \"area\"},")
                .replace("\"scale\": \"image-max\", \"mean\": [0.5, 0.5, 0.5], \"std\": [1.0, 1.0, 1.0]",
                        "\"scale\": 1, \"mean\": [127.5, 127.5, 127.5], \"std\": [127.5, 127.5, 127.5]")
                .replace("\"resize\": \"lanczos\"}}", "\"resize\": \"area\"}}"));
        assertEquals(new InputPolicy.ShortSide(512, 32), modnet.policy());
        assertEquals(ResizeFilter.AREA, modnet.inputResize());
        assertEquals(ResizeFilter.AREA, modnet.output().resize());
        for (String f : new String[] {"bicubic", "bilinear", "box", "sdk-area"}) {
            assertEquals(ResizeFilter.fromKey(f), parse(REMBG.replace("\"resize\": \"lanczos\"}}",
                    "\"resize\": \"" + f + "\"}}")).output().resize());
        }
        assertEquals(OutputAdapter.Activation.SIGMOID_MINMAX,
                parse(REMBG.replace("\"minmax\"", "\"sigmoid-minmax\"")).output().activation());
    }

    /** Each broken descriptor fails with a message that names the file, the field, and what was wrong. */
    @Test
    void validationNamesTheFileAndTheField() {
        String[][] broken = {
            {"\"width\": 1024", "\"width\": 0", "test.json: input.policy.width must be 1..16384, got 0"},
            {"\"width\": 1024", "\"width\": 100000", "input.policy.width must be 1..16384, got 100000"},
            {"\"height\": 1024", "\"height\": 10.5", "input.policy.height must be a whole number, got 10.5"},
            {"\"height\": 1024", "\"height\": \"1024\"", "input.policy.height must be a whole number"},
            {"\"height\": 1024}", "\"height\": 1024, \"size\": 3}", "input.policy.size is not a field of input.policy"},
            {"\"kind\": \"stretch\"", "\"kind\": \"squash\"", "input.policy.kind 'squash' is not a policy"},
            {"\"name\": \"input_image\"", "\"name\": \"\"", "input.name must not be empty"},
            {"\"resize\": \"lanczos\"},", "\"resize\": \"lanczoz\"},", "input.resize 'lanczoz' is not a filter"},
            {"\"quantize\": \"floor\"", "\"quantize\": \"ceil\"", "output.quantize 'ceil' is not one of round, floor"},
            {"\"activation\": \"minmax\"", "\"activation\": \"tanh\"", "output.activation 'tanh' is not one of"},
            {"\"index\": 0", "\"index\": -1", "output.index must be 0..1023, got -1"},
            {"\"channel\": 0", "\"channel\": 5000", "output.channel must be 0..1023, got 5000"},
            {"\"mean\": [0.5, 0.5, 0.5]", "\"mean\": [0.5, 0.5]", "normalization.mean must be an array of 3 numbers"},
            {"\"std\": [1.0, 1.0, 1.0]", "\"std\": [1.0, 0, 1.0]", "normalization.std[1] must be > 0, got 0"},
            {"\"std\": [1.0, 1.0, 1.0]", "\"std\": [1.0, \"x\", 1.0]", "normalization.std[1] must be a finite number"},
            {"\"image-max\"", "\"max\"", "normalization.scale must be a number or \"image-max\""},
            {"\"image-max\"", "-2", "normalization.scale must be > 0, got -2"},
            {"\"dtype\": \"float32\"", "\"dtype\": \"uint8\"", "normalization.inGraph must be true for a uint8 input"},
            {"\"dtype\": \"float32\"", "\"dtype\": \"float64\"", "input.dtype 'float64' is not one of uint8, float32"},
            {"\"layout\": \"NCHW\"", "\"layout\": \"NHWC\"", "input.layout must be NCHW"},
            {"\"license\"", "\"licence\"", "licence is not a model.json field"},
            {"\"fp32\": \"isnet.onnx\"", "\"int8\": \"isnet.onnx\"", "files.onnx.int8 is not a precision"},
            {"\"onnx\": {", "\"tflite\": {", "files.tflite is not a model format"},
            {"\"index\": 0, ", "\"idx\": 0, ", "output.idx is not a field of output"},
        };
        for (String[] b : broken) {
            assertTrue(REMBG.contains(b[0]), "fixture lacks " + b[0]);
            ModelException e = assertThrows(ModelException.class, () -> parse(REMBG.replace(b[0], b[1])), b[1]);
            assertTrue(e.getMessage().startsWith("test.json: ") && e.getMessage().contains(b[2]),
                    "expected '" + b[2] + "' in: " + e.getMessage());
        }
        // policy sizes that would overflow later are refused with the field
        ModelException e = assertThrows(ModelException.class, () -> parse(VALID.replace("\"kind\": \"fixed-square\", \"size\": 512",
                "\"kind\": \"longest-side\", \"size\": 16384, \"multiple\": 16383")));
        assertTrue(e.getMessage().contains("input.policy.multiple pads size 16384 to 32766, more than 16384"), e.getMessage());
        e = assertThrows(ModelException.class, () -> parse(VALID.replace("\"size\": 512", "\"size\": 100000")));
        assertTrue(e.getMessage().contains("input.policy.size must be 1..16384, got 100000"), e.getMessage());
        e = assertThrows(ModelException.class, () -> parse(REMBG.replace("{\"kind\": \"stretch\", \"width\": 1024, \"height\": 1024}",
                "{\"kind\": \"short-side\", \"size\": 512, \"multiple\": 1024}")));
        assertTrue(e.getMessage().contains("input.policy.multiple must be 1..512, got 1024"), e.getMessage());
        e = assertThrows(ModelException.class, () -> parse(REMBG.replace("\"resize\": \"lanczos\"},",
                "\"resize\": \"area\"},")));
        assertTrue(e.getMessage().contains("normalization.scale \"image-max\" needs an 8-bit input.resize"), e.getMessage());
        // extensions are allowed at the top level
        assertEquals("isnet", parse(REMBG.replace("\"license\"", "\"x-catalogue\": {\"size\": 1}, \"license\"")).name());
    }
}
