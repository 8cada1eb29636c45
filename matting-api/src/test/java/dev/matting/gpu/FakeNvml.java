package dev.matting.gpu;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A plain-Java {@link NvmlLibrary} whose devices and return codes a test sets, to drive NvmlGpuMonitor without a GPU. */
final class FakeNvml implements NvmlLibrary {
    /** What one fake device answers; a field left null answers NOT_SUPPORTED. */
    static final class FakeDevice {
        String name = "Fake GPU";
        String uuid = "GPU-00000000-0000-0000-0000-000000000000";
        /** Total, free, used as the v2 query gives them; the v1 query adds {@link #reserved} to used. */
        long[] memory;
        long reserved;
        boolean memoryV2Missing;
        int memoryV2Calls;
        int[] utilization;
        Integer temperature;
        Integer powerMilliwatts;
        Integer powerLimitMilliwatts;
        int handleResult = NvmlError.SUCCESS.code();
        boolean powerFunctionMissing;
    }

    final List<FakeDevice> devices = new ArrayList<>();
    final Map<String, Integer> results = new HashMap<>();
    String driverVersion = "999.1.2";
    int initCalls;
    int shutdownCalls;

    private int result(String function) {
        return results.getOrDefault(function, NvmlError.SUCCESS.code());
    }

    private FakeDevice device(Pointer handle) {
        return devices.get((int) Pointer.nativeValue(handle) - 1);
    }

    private static int write(String text, byte[] buffer, int length) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length + 1 > length) {
            return NvmlError.INSUFFICIENT_SIZE.code();
        }
        System.arraycopy(bytes, 0, buffer, 0, bytes.length);
        buffer[bytes.length] = 0;
        return NvmlError.SUCCESS.code();
    }

    private static int notSupported() {
        return NvmlError.NOT_SUPPORTED.code();
    }

    @Override
    public int nvmlInit_v2() {
        initCalls++;
        return result("nvmlInit_v2");
    }

    @Override
    public int nvmlShutdown() {
        shutdownCalls++;
        return NvmlError.SUCCESS.code();
    }

    @Override
    public String nvmlErrorString(int result) {
        return "fake driver text for " + result;
    }

    @Override
    public int nvmlSystemGetDriverVersion(byte[] version, int length) {
        return write(driverVersion, version, length);
    }

    @Override
    public int nvmlDeviceGetCount_v2(IntByReference deviceCount) {
        deviceCount.setValue(devices.size());
        return result("nvmlDeviceGetCount_v2");
    }

    @Override
    public int nvmlDeviceGetHandleByIndex_v2(int index, PointerByReference device) {
        FakeDevice d = devices.get(index);
        if (d.handleResult != NvmlError.SUCCESS.code()) {
            return d.handleResult;
        }
        device.setValue(new Pointer(index + 1L));
        return NvmlError.SUCCESS.code();
    }

    @Override
    public int nvmlDeviceGetName(Pointer device, byte[] name, int length) {
        return write(device(device).name, name, length);
    }

    @Override
    public int nvmlDeviceGetUUID(Pointer device, byte[] uuid, int length) {
        return write(device(device).uuid, uuid, length);
    }

    @Override
    public int nvmlDeviceGetMemoryInfo(Pointer device, long[] memory) {
        long[] m = device(device).memory;
        if (m == null) {
            return notSupported();
        }
        memory[0] = m[0];
        memory[1] = m[1];
        memory[2] = m[2] + device(device).reserved;
        return NvmlError.SUCCESS.code();
    }

    @Override
    public int nvmlDeviceGetMemoryInfo_v2(Pointer device, long[] memory) {
        FakeDevice d = device(device);
        d.memoryV2Calls++;
        if (d.memoryV2Missing) {
            throw new UnsatisfiedLinkError("Error looking up function 'nvmlDeviceGetMemoryInfo_v2'");
        }
        if (memory.length != 5 || memory[0] != MEMORY_V2_VERSION) {
            return NvmlError.ARGUMENT_VERSION_MISMATCH.code();
        }
        if (d.memory == null) {
            return notSupported();
        }
        memory[1] = d.memory[0];
        memory[2] = d.reserved;
        memory[3] = d.memory[1];
        memory[4] = d.memory[2];
        return NvmlError.SUCCESS.code();
    }

    @Override
    public int nvmlDeviceGetUtilizationRates(Pointer device, int[] utilization) {
        int[] u = device(device).utilization;
        if (u == null) {
            return notSupported();
        }
        System.arraycopy(u, 0, utilization, 0, 2);
        return NvmlError.SUCCESS.code();
    }

    @Override
    public int nvmlDeviceGetTemperature(Pointer device, int sensorType, IntByReference temperature) {
        Integer t = sensorType == TEMPERATURE_GPU ? device(device).temperature : null;
        if (t == null) {
            return notSupported();
        }
        temperature.setValue(t);
        return NvmlError.SUCCESS.code();
    }

    @Override
    public int nvmlDeviceGetPowerUsage(Pointer device, IntByReference milliwatts) {
        FakeDevice d = device(device);
        if (d.powerFunctionMissing) {
            throw new UnsatisfiedLinkError("Error looking up function 'nvmlDeviceGetPowerUsage'");
        }
        if (d.powerMilliwatts == null) {
            return notSupported();
        }
        milliwatts.setValue(d.powerMilliwatts);
        return NvmlError.SUCCESS.code();
    }

    @Override
    public int nvmlDeviceGetEnforcedPowerLimit(Pointer device, IntByReference milliwatts) {
        Integer p = device(device).powerLimitMilliwatts;
        if (p == null) {
            return notSupported();
        }
        milliwatts.setValue(p);
        return NvmlError.SUCCESS.code();
    }
}
