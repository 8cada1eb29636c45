package dev.matting.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.common.BackendUnavailableException;
import dev.matting.common.Device;
import dev.matting.common.ModelException;
import dev.matting.common.Precision;
import dev.matting.model.ModelFormat;
import dev.matting.model.ModelSpec;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BackendSelectorTest {

    /** A backend that only describes itself; selection never opens one. */
    record Described(String name, ModelFormat format, List<Device> devices, Map<Device.Kind, Integer> priorities)
            implements MattingBackend {
        @Override
        public int priority(Device device) {
            return priorities.getOrDefault(device.kind(), 0);
        }

        @Override
        public BatchBackend open(ModelSpec spec, BackendOptions options) {
            throw new UnsupportedOperationException("selection must not open backends");
        }
    }

    private static ModelSpec spec(String files) {
        return ModelSpec.parse(new StringReader("{\"name\": \"m\", \"files\": " + files + ", \"input\": {\"dtype\": "
                + "\"uint8\", \"policy\": {\"kind\": \"longest-side\", \"size\": 64, \"multiple\": 32}}, "
                + "\"normalization\": {\"inGraph\": true, \"mean\": [0,0,0], \"std\": [1,1,1]}, \"output\": {}}"),
                Path.of("."), "test");
    }

    private static final ModelSpec BOTH = spec("{\"torchscript\": {\"fp32\": \"a\", \"fp16\": \"b\"}, \"onnx\": {\"fp32\": \"c\"}}");
    private static final MattingBackend TORCH_GPU = new Described("pytorch", ModelFormat.TORCHSCRIPT,
            List.of(Device.cpu(), Device.gpu(0), Device.gpu(1)), Map.of(Device.Kind.GPU, 20, Device.Kind.CPU, 10));
    private static final MattingBackend ORT_CPU = new Described("onnxruntime", ModelFormat.ONNX, List.of(Device.cpu()),
            Map.of(Device.Kind.CPU, 20));

    private static BackendSelector.Selection select(ModelSpec spec, String backend, List<Device> devices,
            Precision precision, List<MattingBackend> installed) {
        return BackendSelector.select(spec, backend, devices, precision, false, installed);
    }

    @Test
    void anOpenDeviceMeansTheFirstGpuAtFp16() {
        BackendSelector.Selection c = select(BOTH, null, List.of(), Precision.AUTO, List.of(ORT_CPU, TORCH_GPU));
        assertEquals("pytorch", c.backend().name());
        assertEquals(List.of(Device.gpu(0)), c.devices());
        assertEquals(Precision.FP16, c.precision());
        assertTrue(c.cpuFallback().isEmpty());
    }

    @Test
    void onTheCpuTheHigherPriorityBackendWinsAtFp32() {
        BackendSelector.Selection c = select(BOTH, null, List.of(Device.cpu()), Precision.AUTO, List.of(TORCH_GPU, ORT_CPU));
        assertEquals("onnxruntime", c.backend().name());
        assertEquals(Precision.FP32, c.precision());
    }

    @Test
    void autoPrecisionFallsBackWhenTheModelLacksFp16() {
        MattingBackend ortGpu = new Described("onnxruntime", ModelFormat.ONNX, List.of(Device.cpu(), Device.gpu(0)), Map.of());
        BackendSelector.Selection c = select(BOTH, "onnxruntime", List.of(), Precision.AUTO, List.of(ortGpu));
        assertEquals(List.of(Device.gpu(0)), c.devices());
        assertEquals(Precision.FP32, c.precision());
        ModelException e = assertThrows(ModelException.class,
                () -> select(BOTH, "onnxruntime", List.of(), Precision.FP16, List.of(ortGpu)));
        assertTrue(e.getMessage().contains("no onnx fp16 file"), e.getMessage());
    }

    @Test
    void missingBackendsAndDevicesSayWhatIsThere() {
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> select(BOTH, "tensorflow", List.of(), Precision.AUTO, List.of(TORCH_GPU, ORT_CPU)));
        assertTrue(e.getMessage().contains("tensorflow") && e.getMessage().contains("onnxruntime"), e.getMessage());
        e = assertThrows(BackendUnavailableException.class,
                () -> select(BOTH, null, List.of(Device.gpu(3)), Precision.AUTO, List.of(TORCH_GPU, ORT_CPU)));
        assertTrue(e.getMessage().contains("gpu3") && e.getMessage().contains("CUDA"), e.getMessage());
        ModelSpec onnxOnly = spec("{\"onnx\": {\"fp32\": \"c\"}}");
        assertThrows(ModelException.class, () -> select(onnxOnly, "pytorch", List.of(), Precision.AUTO, List.of(TORCH_GPU)));
    }

    @Test
    void everyLaneMustBeADeviceTheBackendSees() {
        BackendSelector.Selection two = select(BOTH, null, List.of(Device.gpu(0), Device.gpu(1)), Precision.AUTO,
                List.of(TORCH_GPU, ORT_CPU));
        assertEquals(List.of(Device.gpu(0), Device.gpu(1)), two.devices());
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> select(BOTH, null, List.of(Device.gpu(0), Device.gpu(2)), Precision.AUTO, List.of(TORCH_GPU)));
        assertTrue(e.getMessage().contains("gpu2"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> select(BOTH, null, List.of(Device.gpu(0), Device.cpu()), Precision.AUTO, List.of(TORCH_GPU)));
        assertThrows(IllegalArgumentException.class,
                () -> select(BOTH, null, List.of(Device.gpu(0), Device.gpu(0)), Precision.AUTO, List.of(TORCH_GPU)));
    }

    @Test
    void aCpuFallbackPrefersTheSameEngineAndOnlyExistsForGpus() {
        BackendSelector.Selection gpu = BackendSelector.select(BOTH, null, List.of(), Precision.AUTO, true,
                List.of(ORT_CPU, TORCH_GPU));
        BackendSelector.Choice fallback = gpu.cpuFallback().orElseThrow();
        assertEquals("pytorch", fallback.backend().name());
        assertEquals(Device.cpu(), fallback.device());
        assertEquals(Precision.FP32, fallback.precision());
        BackendSelector.Selection cpu = BackendSelector.select(BOTH, null, List.of(Device.cpu()), Precision.AUTO, true,
                List.of(ORT_CPU, TORCH_GPU));
        assertTrue(cpu.cpuFallback().isEmpty(), "a CPU lane needs no CPU fallback");
    }

    @Test
    void onlyTheNamedBackendIsProbed() {
        // Probing a backend loads its engine; asking for onnxruntime must not load PyTorch.
        BackendSelector.Selection c = select(BOTH, "onnxruntime", List.of(), Precision.AUTO, List.of(new Untouchable(), ORT_CPU));
        assertEquals("onnxruntime", c.backend().name());
    }

    /** A backend whose engine must not be probed. */
    static final class Untouchable implements MattingBackend {
        @Override
        public String name() {
            return "pytorch";
        }

        @Override
        public ModelFormat format() {
            return ModelFormat.TORCHSCRIPT;
        }

        @Override
        public int priority(Device device) {
            return 100;
        }

        @Override
        public List<Device> devices() {
            throw new AssertionError("pytorch was probed although onnxruntime was asked for");
        }

        @Override
        public BatchBackend open(ModelSpec spec, BackendOptions options) {
            throw new AssertionError("opened");
        }
    }

    @Test
    void devicesParseFromCommonSpellings() {
        assertEquals(Device.cpu(), Device.parse("CPU"));
        assertEquals(Device.gpu(0), Device.parse("gpu"));
        assertEquals(Device.gpu(1), Device.parse("cuda:1"));
        assertEquals(Device.gpu(2), Device.parse("gpu2"));
        assertThrows(IllegalArgumentException.class, () -> Device.parse("tpu"));
    }
}
