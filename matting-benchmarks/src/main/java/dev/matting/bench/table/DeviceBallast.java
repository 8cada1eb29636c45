package dev.matting.bench.table;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.matting.common.BackendUnavailableException;
import dev.matting.common.Device;
import dev.matting.common.DeviceOutOfMemoryException;
import dev.matting.djl.PyTorchBackend;
import dev.matting.djl.core.DjlBatchBackend;
import dev.matting.djl.core.DjlMattingBackend;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Device memory really taken and held until {@link #close()}: one zero-filled tensor of the requested size on a GPU,
 * allocated through DJL's PyTorch engine. Benchmarks use it to make a large card behave like a smaller one (an 80 GiB
 * H100 as the 24 GiB A10G of the original report): the driver, NVML and every engine in the process then see only
 * what is left. Thread-safe; {@link #close()} is idempotent.
 */
public final class DeviceBallast implements AutoCloseable {
    private final Device device;
    private final long bytes;
    private NDManager manager;
    private NDArray array;

    private DeviceBallast(Device device, long bytes, NDManager manager, NDArray array) {
        this.device = device;
        this.bytes = bytes;
        this.manager = manager;
        this.array = array;
    }

    /**
     * Allocates {@code bytes} on {@code gpu} and keeps them until closed.
     *
     * @throws BackendUnavailableException when {@code gpu} is the CPU or the PyTorch engine cannot use that GPU here
     * @throws DeviceOutOfMemoryException  when the GPU does not have {@code bytes} free
     * @throws IllegalArgumentException    when {@code bytes < 1}
     */
    public static DeviceBallast occupy(Device gpu, long bytes) {
        Objects.requireNonNull(gpu, "gpu");
        if (!gpu.isGpu()) {
            throw new BackendUnavailableException("a device ballast occupies GPU memory, but " + gpu + " was given;"
                    + " emulating a smaller card needs a CUDA device");
        }
        if (bytes < 1) {
            throw new IllegalArgumentException("ballast size must be >= 1 byte, got " + bytes);
        }
        List<Device> devices = new PyTorchBackend().devices();
        if (!devices.contains(gpu)) {
            throw new BackendUnavailableException("cannot place a ballast on " + gpu + ": the PyTorch engine sees "
                    + devices + " (it needs its CUDA natives and a visible NVIDIA driver)");
        }
        NDManager manager = Engine.getEngine(PyTorchBackend.ENGINE).newBaseManager(DjlMattingBackend.toDjl(gpu));
        try {
            // zeros, not an uninitialised tensor: every page is written, so the memory is resident, not just reserved
            NDArray array = manager.zeros(new Shape(bytes), DataType.UINT8);
            return new DeviceBallast(gpu, bytes, manager, array);
        } catch (RuntimeException | OutOfMemoryError e) {
            manager.close();
            if (DjlBatchBackend.mapFailure(e, "ballast", gpu) instanceof DeviceOutOfMemoryException) {
                throw new DeviceOutOfMemoryException(String.format(Locale.ROOT, "%s cannot hold a %.2f GiB ballast: %s",
                        gpu, bytes / (double) (1L << 30), e.getMessage()), e);
            }
            throw new BackendUnavailableException("cannot place a ballast of " + bytes + " bytes on " + gpu + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Gives the PyTorch caching allocator's free blocks back to the driver, so a free-memory reading taken next (to
     * size a ballast) is not short by memory that closed models left cached. A no-op where PyTorch sees no GPU.
     */
    public static void releaseCachedMemory(Device gpu) {
        if (gpu.isGpu() && new PyTorchBackend().devices().contains(gpu)) {
            ai.djl.pytorch.jni.JniUtils.emptyCudaCache();
        }
    }

    /** The GPU the ballast sits on. */
    public Device device() {
        return device;
    }

    /** Bytes held. */
    public long bytes() {
        return bytes;
    }

    /** Frees the tensor and hands the engine's cached blocks back to the driver, so NVML sees the memory free again. */
    @Override
    public synchronized void close() {
        if (manager == null) {
            return;
        }
        array.close();
        manager.close();
        array = null;
        manager = null;
        ai.djl.pytorch.jni.JniUtils.emptyCudaCache();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "ballast of %.2f GiB on %s", bytes / (double) (1L << 30), device);
    }
}
