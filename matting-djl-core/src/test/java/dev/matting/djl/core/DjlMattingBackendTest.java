package dev.matting.djl.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.matting.common.BackendUnavailableException;
import dev.matting.common.Device;
import dev.matting.common.DeviceOutOfMemoryException;
import dev.matting.common.InferenceException;
import dev.matting.common.Precision;
import dev.matting.model.InputType;
import dev.matting.model.ModelFormat;
import dev.matting.model.ModelSpec;
import dev.matting.model.OutputAdapter;
import dev.matting.spi.BackendOptions;
import dev.matting.spi.BackendSelector;
import dev.matting.spi.MattingBackend;
import dev.matting.spi.ModelInput;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The shared DJL glue without a model: engine discovery, tensor packing and unpacking, error mapping. Tensors come
 * from the ONNX Runtime engine, the lighter of the two; the glue itself names no engine.
 */
class DjlMattingBackendTest {

    /** A backend over an engine nobody installed, as PyTorchBackend is for an ONNX-only user. */
    static final class AbsentEngineBackend extends DjlMattingBackend {
        AbsentEngineBackend() {
            super("absent", ModelFormat.TORCHSCRIPT, "NoSuchEngine");
        }

        @Override
        public int priority(Device device) {
            return 0;
        }

        @Override
        protected Map<String, String> engineOptions(BackendOptions options) {
            return Map.of();
        }
    }

    @Test
    void anAbsentEngineOffersNoDeviceAndOpensNothing() {
        AbsentEngineBackend b = new AbsentEngineBackend();
        assertEquals(List.of(), b.devices());
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> b.open(ModelSpec.load(java.nio.file.Path.of("../models/unet-tiny")), new BackendOptions(Device.cpu(), Precision.FP32, 0, false, false)));
        assertTrue(e.getMessage().contains("NoSuchEngine"), e.getMessage());
    }

    @Test
    void devicesMapOntoDjlDevices() {
        assertEquals(ai.djl.Device.cpu(), DjlMattingBackend.toDjl(Device.cpu()));
        assertEquals(ai.djl.Device.gpu(3), DjlMattingBackend.toDjl(Device.gpu(3)));
    }

    @Test
    void outOfMemoryMessagesBecomeDeviceOutOfMemory() {
        String cuda = "CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 79.10 GiB total capacity)";
        InferenceException e = DjlBatchBackend.mapFailure(new EngineException("forward failed", new RuntimeException(cuda)),
                "batch 64x3x4096x4096", Device.gpu(0));
        assertInstanceOf(DeviceOutOfMemoryException.class, e);
        assertTrue(e.getMessage().contains("64x3x4096x4096") && e.getMessage().contains("gpu0"), e.getMessage());
        assertInstanceOf(DeviceOutOfMemoryException.class, DjlBatchBackend.mapFailure(new EngineException(
                "[E:onnxruntime:, BFCArena::AllocateRawInternal] Failed to allocate memory for requested buffer"), "b", Device.gpu(0)));
        InferenceException other = DjlBatchBackend.mapFailure(new EngineException("Sizes of tensors must match\n"
                + "  at frame 1\n  at frame 2"), "batch 2x3x20x20", Device.cpu());
        assertEquals(InferenceException.class, other.getClass());
        assertTrue(other.getMessage().contains("2x3x20x20") && other.getMessage().contains("Sizes of tensors must match"),
                other.getMessage());
    }

    @Test
    void packLaysOutTheBatchAndUnpackSelectsTheChannel() {
        try (NDManager manager = Engine.getEngine("OnnxRuntime").newBaseManager()) {
            byte[] a = new byte[3 * 2 * 2];
            byte[] b = new byte[3 * 2 * 2];
            for (int i = 0; i < a.length; i++) {
                a[i] = (byte) i;
                b[i] = (byte) (200 + i);
            }
            ByteBuffer staging = ByteBuffer.allocateDirect(24).order(ByteOrder.nativeOrder());
            NDArray packed = DjlBatchBackend.pack(manager, List.of(ModelInput.ofPixels(2, 2, a), ModelInput.ofPixels(2, 2, b)),
                    InputType.UINT8, staging);
            assertEquals(new Shape(2, 3, 2, 2), packed.getShape());
            byte[] flat = packed.toByteArray();
            assertEquals(11, flat[11]);
            assertEquals((byte) 200, flat[12]);

            // two images x two channels of 2x2: values encode image, channel and pixel
            float[] data = new float[16];
            for (int i = 0; i < data.length; i++) {
                data[i] = i;
            }
            NDList out = new NDList(manager.create(new float[] {9}), manager.create(data, new Shape(2, 2, 2, 2)));
            List<float[]> planes = DjlBatchBackend.unpack(out, new OutputAdapter(1, 1, OutputAdapter.Activation.NONE), 2, 2, 2, "t");
            assertArrayEquals(new float[] {4, 5, 6, 7}, planes.get(0));
            assertArrayEquals(new float[] {12, 13, 14, 15}, planes.get(1));
            InferenceException wrongShape = assertThrows(InferenceException.class, () -> DjlBatchBackend.unpack(out,
                    new OutputAdapter(1, 0, OutputAdapter.Activation.NONE), 2, 4, 4, "batch 2x3x4x4"));
            assertTrue(wrongShape.getMessage().contains("(2, 2, 2, 2)"), wrongShape.getMessage());
            assertThrows(InferenceException.class, () -> DjlBatchBackend.unpack(out,
                    new OutputAdapter(2, 0, OutputAdapter.Activation.NONE), 2, 2, 2, "t"));
            assertThrows(InferenceException.class, () -> DjlBatchBackend.unpack(out,
                    new OutputAdapter(1, 2, OutputAdapter.Activation.NONE), 2, 2, 2, "t"));
        }
    }
}
