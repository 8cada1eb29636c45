package dev.matting.gpu;

import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The slice of NVML ({@code libnvidia-ml.so.1} / {@code nvml.dll}) that telemetry needs, as a JNA interface mapping.
 *
 * <p>Every function returns an {@code nvmlReturn_t} (0 is success, see {@link NvmlError}). C structs that are only
 * runs of one integer type are passed as Java arrays, which JNA hands over as pointers to their first element:
 * {@code nvmlMemory_t} is {@code long[3]} (total, free, used), {@code nvmlMemory_v2_t} is {@code long[5]} and
 * {@code nvmlUtilization_t} is {@code int[2]} (gpu, memory). Device handles are opaque pointers. Being an interface, tests can implement it in plain Java.
 */
interface NvmlLibrary extends Library {
    /** {@code NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE}. */
    int VERSION_BUFFER_SIZE = 80;
    /** {@code NVML_DEVICE_NAME_V2_BUFFER_SIZE} and {@code NVML_DEVICE_UUID_V2_BUFFER_SIZE}. */
    int NAME_BUFFER_SIZE = 96;
    /** {@code nvmlMemory_v2}: {@code NVML_STRUCT_VERSION(Memory, 2)}, i.e. the struct size (40) | 2 << 24. */
    long MEMORY_V2_VERSION = 40 | (2 << 24);
    /** {@code NVML_TEMPERATURE_GPU}: the on-die sensor. */
    int TEMPERATURE_GPU = 0;

    int nvmlInit_v2();

    int nvmlShutdown();

    String nvmlErrorString(int result);

    int nvmlSystemGetDriverVersion(byte[] version, int length);

    int nvmlDeviceGetCount_v2(IntByReference deviceCount);

    int nvmlDeviceGetHandleByIndex_v2(int index, PointerByReference device);

    int nvmlDeviceGetName(Pointer device, byte[] name, int length);

    int nvmlDeviceGetUUID(Pointer device, byte[] uuid, int length);

    int nvmlDeviceGetMemoryInfo(Pointer device, long[] memory);

    /**
     * {@code nvmlMemory_v2_t} as {@code long[5]}: version (a 32-bit field, padded to 8 bytes; set it to
     * {@link #MEMORY_V2_VERSION} in element 0, which is its low half on the little-endian hosts NVIDIA ships for),
     * total, reserved, free, used. Drivers from R510 on; "used" here leaves out driver-reserved memory, as
     * {@code nvidia-smi} does.
     */
    int nvmlDeviceGetMemoryInfo_v2(Pointer device, long[] memory);

    int nvmlDeviceGetUtilizationRates(Pointer device, int[] utilization);

    int nvmlDeviceGetTemperature(Pointer device, int sensorType, IntByReference temperature);

    int nvmlDeviceGetPowerUsage(Pointer device, IntByReference milliwatts);

    int nvmlDeviceGetEnforcedPowerLimit(Pointer device, IntByReference milliwatts);
}
