package dev.matting.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.common.Device;
import dev.matting.common.InferenceException;
import dev.matting.common.Precision;
import dev.matting.model.ModelFormat;
import dev.matting.model.ModelSpec;
import dev.matting.spi.BackendOptions;
import dev.matting.spi.BatchBackend;
import dev.matting.spi.MattingBackend;
import dev.matting.spi.ModelInput;
import dev.matting.spi.ModelOutput;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CombosTest {
    static final ModelSpec SPEC = ModelSpec.parse(new StringReader("""
            {"name": "fake", "files": {"torchscript": {"fp32": "m.pt", "fp16": "m16.pt"}, "onnx": {"fp32": "m.onnx"}},
             "input": {"dtype": "uint8", "policy": {"kind": "longest-side", "size": 64, "multiple": 32}},
             "normalization": {"inGraph": true, "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5]},
             "output": {}}
            """), Path.of("."), "test");

    /** A backend that runs on the given devices but has no FP16 kernels (as some engine builds lack them). */
    record FakeBackend(String name, ModelFormat format, List<Device> devices) implements MattingBackend {
        @Override
        public int priority(Device device) {
            return 0;
        }

        @Override
        public BatchBackend open(ModelSpec spec, BackendOptions o) {
            return new BatchBackend() {
                @Override
                public List<ModelOutput> run(List<ModelInput> batch) {
                    if (o.precision() == Precision.FP16) {
                        throw new InferenceException("conv2d not implemented for 'Half'");
                    }
                    return batch.stream().map(in -> ModelOutput.ofPlane(new float[in.height() * in.width()])).toList();
                }

                @Override
                public Device device() {
                    return o.device();
                }

                @Override
                public Precision precision() {
                    return o.precision();
                }

                @Override
                public String engine() {
                    return "Fake 1.0";
                }

                @Override
                public void close() {
                }
            };
        }
    }

    @Test
    void everyCombinationIsListedAndTheUnrunnableOnesSayWhy() {
        List<MattingBackend> installed = List.of(
                new FakeBackend("pytorch", ModelFormat.TORCHSCRIPT, List.of(Device.cpu(), Device.gpu(0))),
                new FakeBackend("onnxruntime", ModelFormat.ONNX, List.of(Device.cpu(), Device.gpu(0))));
        Map<String, Combos.Candidate> byName = Combos.discover(SPEC, true, installed).stream()
                .collect(Collectors.toMap(c -> c.combo().toString(), Function.identity()));
        assertEquals(8, byName.size());
        assertTrue(byName.get("pytorch/cpu/fp32").runnable());
        assertEquals("Fake 1.0", byName.get("pytorch/cpu/fp32").engine());
        assertTrue(byName.get("pytorch/gpu/fp32").runnable());
        assertTrue(byName.get("pytorch/gpu/fp16").skipReason().orElseThrow().contains("Half"), "probe failure is the reason");
        assertTrue(byName.get("pytorch/cpu/fp16").skipReason().orElseThrow().contains("measured on GPUs"));
        assertTrue(byName.get("onnxruntime/gpu/fp16").skipReason().orElseThrow().contains("no onnx fp16 file"));
        List<MattingBackend> cpuOnly = List.of(new FakeBackend("onnxruntime", ModelFormat.ONNX, List.of(Device.cpu())));
        assertTrue(Combos.discover(SPEC, true, cpuOnly).stream().filter(c -> c.combo().device().isGpu())
                .allMatch(c -> c.skipReason().orElseThrow().contains("no CUDA device")));
    }

    @Test
    void withoutProbingOnlyDevicesAndFilesDecide() {
        List<MattingBackend> installed = List.of(new FakeBackend("pytorch", ModelFormat.TORCHSCRIPT, List.of(Device.cpu())));
        List<Combos.Candidate> all = Combos.discover(SPEC, false, installed);
        assertEquals(1, all.stream().filter(Combos.Candidate::runnable).count(), "CPU FP32 only: " + all);
    }

    @Test
    void inputsHaveThePaddedShapeAndTheModelsElementType() {
        ModelInput in = InputFactory.input(SPEC, Resolution.parse("100x50"), 3);
        assertEquals(128, in.width());
        assertEquals(64, in.height());
        assertTrue(in.isPixels());
        // padding is black: the last column of the first channel
        assertEquals(0, in.pixels()[127]);
    }
}
