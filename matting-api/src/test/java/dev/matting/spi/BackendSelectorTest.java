package dev.matting.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.api.MatterOptions;
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

    @Test
    void anOpenDeviceMeansTheFirstGpuAtFp16() {
        BackendSelector.Choice c = BackendSelector.choose(BOTH, MatterOptions.defaults(), List.of(ORT_CPU, TORCH_GPU));
        assertEquals("pytorch", c.backend().name());
        assertEquals(Device.gpu(0), c.device());
        assertEquals(Precision.FP16, c.precision());
    }

    @Test
    void onTheCpuTheHigherPriorityBackendWinsAtFp32() {
        MatterOptions cpu = MatterOptions.builder().device(Device.cpu()).build();
        BackendSelector.Choice c = BackendSelector.choose(BOTH, cpu, List.of(TORCH_GPU, ORT_CPU));
        assertEquals("onnxruntime", c.backend().name());
        assertEquals(Precision.FP32, c.precision());
    }

    @Test
    void autoPrecisionFallsBackWhenTheModelLacksFp16() {
        MatterOptions onnxGpu = MatterOptions.builder().backend("onnxruntime").build();
        MattingBackend ortGpu = new Described("onnxruntime", ModelFormat.ONNX, List.of(Device.cpu(), Device.gpu(0)), Map.of());
        BackendSelector.Choice c = BackendSelector.choose(BOTH, onnxGpu, List.of(ortGpu));
        assertEquals(Device.gpu(0), c.device());
        assertEquals(Precision.FP32, c.precision());
        MatterOptions explicit = onnxGpu.toBuilder().precision(Precision.FP16).build();
        ModelException e = assertThrows(ModelException.class, () -> BackendSelector.choose(BOTH, explicit, List.of(ortGpu)));
        assertTrue(e.getMessage().contains("no onnx fp16 file"), e.getMessage());
    }

    @Test
    void missingBackendsAndDevicesSayWhatIsThere() {
        MatterOptions tf = MatterOptions.builder().backend("tensorflow").build();
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> BackendSelector.choose(BOTH, tf, List.of(TORCH_GPU, ORT_CPU)));
        assertTrue(e.getMessage().contains("tensorflow") && e.getMessage().contains("onnxruntime"), e.getMessage());
        MatterOptions gpu3 = MatterOptions.builder().device(Device.gpu(3)).build();
        e = assertThrows(BackendUnavailableException.class, () -> BackendSelector.choose(BOTH, gpu3, List.of(TORCH_GPU, ORT_CPU)));
        assertTrue(e.getMessage().contains("gpu3") && e.getMessage().contains("CUDA"), e.getMessage());
        ModelSpec onnxOnly = spec("{\"onnx\": {\"fp32\": \"c\"}}");
        MatterOptions torch = MatterOptions.builder().backend("pytorch").build();
        assertThrows(ModelException.class, () -> BackendSelector.choose(onnxOnly, torch, List.of(TORCH_GPU)));
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
