package dev.matting.gpu;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import dev.matting.common.GpuTelemetryException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.IntSupplier;

/**
 * {@link GpuMonitor} over NVML. NVML is initialised once in {@link #open} and shut down in {@link #close}; device
 * handles, names and UUIDs do not change while it is initialised, so they are read once.
 */
final class NvmlGpuMonitor implements GpuMonitor {
    /** System property naming an NVML library file to try before the usual names. */
    static final String LIBRARY_PROPERTY = "dev.matting.nvml.library";

    private final NvmlLibrary nvml;
    private final List<Device> devices;
    private final String driverVersion;
    private final Clock clock;
    private boolean closed; // guarded by this
    private boolean memoryV2 = true; // guarded by this; false once the driver turned the v2 memory query down

    /** One device NVML gave a handle for; its index is NVML's, which may skip devices we may not read. */
    private record Device(int index, Pointer handle, String name, Optional<String> uuid) {
    }

    private NvmlGpuMonitor(NvmlLibrary nvml, List<Device> devices, String driverVersion, Clock clock) {
        this.nvml = nvml;
        this.devices = List.copyOf(devices);
        this.driverVersion = driverVersion;
        this.clock = clock;
    }

    static GpuMonitor open() {
        return open(candidateLibraryNames(), Clock.systemUTC());
    }

    /** Loads the first of {@code libraryNames} that loads and initialises it; never throws. */
    static GpuMonitor open(List<String> libraryNames, Clock clock) {
        NvmlLibrary lib;
        try {
            lib = load(libraryNames);
        } catch (LinkageError | RuntimeException e) {
            if (e instanceof NoClassDefFoundError) {
                return GpuMonitor.unavailable("NVML cannot be loaded: JNA is not on the class path (missing "
                        + e.getMessage() + ")");
            }
            return GpuMonitor.unavailable("NVML library not found (is the NVIDIA driver installed?): "
                    + e.getMessage());
        }
        return open(lib, clock);
    }

    /** Initialises an already loaded library; never throws. Package-private so tests can hand in a fake library. */
    static GpuMonitor open(NvmlLibrary lib, Clock clock) {
        int rc;
        try {
            rc = lib.nvmlInit_v2();
        } catch (LinkageError | RuntimeException e) {
            return GpuMonitor.unavailable("nvmlInit_v2 failed: " + firstLine(e));
        }
        if (rc != NvmlError.SUCCESS.code()) {
            return GpuMonitor.unavailable("nvmlInit_v2 failed: " + describe(lib, rc));
        }
        try {
            return enumerate(lib, clock);
        } catch (LinkageError | RuntimeException e) {
            shutdownQuietly(lib);
            return GpuMonitor.unavailable("NVML device enumeration failed: " + firstLine(e));
        }
    }

    private static GpuMonitor enumerate(NvmlLibrary lib, Clock clock) {
        IntByReference count = new IntByReference();
        int rc = lib.nvmlDeviceGetCount_v2(count);
        if (rc != NvmlError.SUCCESS.code()) {
            shutdownQuietly(lib);
            return GpuMonitor.unavailable("nvmlDeviceGetCount_v2 failed: " + describe(lib, rc));
        }
        List<Device> devices = new ArrayList<>();
        String firstFailure = null;
        for (int i = 0; i < count.getValue(); i++) {
            PointerByReference handle = new PointerByReference();
            rc = lib.nvmlDeviceGetHandleByIndex_v2(i, handle);
            if (rc != NvmlError.SUCCESS.code()) {
                // A GPU hidden from us by cgroups answers NO_PERMISSION; the others remain readable.
                if (firstFailure == null) {
                    firstFailure = "nvmlDeviceGetHandleByIndex_v2(" + i + ") failed: " + describe(lib, rc);
                }
                continue;
            }
            Pointer h = handle.getValue();
            byte[] name = new byte[NvmlLibrary.NAME_BUFFER_SIZE];
            String deviceName = call(() -> lib.nvmlDeviceGetName(h, name, name.length)) == 0
                    ? cString(name) : "GPU " + i;
            byte[] uuid = new byte[NvmlLibrary.NAME_BUFFER_SIZE];
            Optional<String> deviceUuid = call(() -> lib.nvmlDeviceGetUUID(h, uuid, uuid.length)) == 0
                    ? Optional.of(cString(uuid)).filter(s -> !s.isEmpty()) : Optional.empty();
            devices.add(new Device(i, h, deviceName, deviceUuid));
        }
        if (devices.isEmpty()) {
            shutdownQuietly(lib);
            return GpuMonitor.unavailable(firstFailure != null ? firstFailure : "NVML found no GPU");
        }
        byte[] version = new byte[NvmlLibrary.VERSION_BUFFER_SIZE];
        String driver = call(() -> lib.nvmlSystemGetDriverVersion(version, version.length)) == 0
                ? cString(version) : "";
        return new NvmlGpuMonitor(lib, devices, driver, clock);
    }

    @Override
    public synchronized List<GpuSnapshot> snapshot() {
        ensureOpen();
        List<GpuSnapshot> out = new ArrayList<>(devices.size());
        for (Device d : devices) {
            out.add(read(d));
        }
        return List.copyOf(out);
    }

    @Override
    public synchronized Optional<GpuSnapshot> snapshot(int index) {
        ensureOpen();
        for (Device d : devices) {
            if (d.index() == index) {
                return Optional.of(read(d));
            }
        }
        return Optional.empty();
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            shutdownQuietly(nvml);
        }
    }

    @Override
    public String toString() {
        return "GpuMonitor[nvml, driver " + driverVersion + ", " + devices.size() + " GPU(s)]";
    }

    private void ensureOpen() {
        if (closed) {
            throw new GpuTelemetryException("NVML GPU monitor is closed");
        }
    }

    /** Reads one device; a query the device refuses leaves its field absent rather than failing the snapshot. */
    private GpuSnapshot read(Device d) {
        Pointer h = d.handle();
        GpuSnapshot.Builder b = GpuSnapshot.builder(d.index()).name(d.name()).driverVersion(driverVersion)
                .timestamp(clock.instant());
        d.uuid().ifPresent(b::uuid);
        long[] memory = readMemory(h);
        // Unsigned 64-bit values above Long.MAX_VALUE would be garbage from a broken driver; treat them as unknown.
        if (memory != null && memory[0] >= 0 && memory[1] >= 0 && memory[2] >= 0) {
            b.memory(memory[0], memory[1], memory[2]);
        }
        int[] util = new int[2];
        if (call(() -> nvml.nvmlDeviceGetUtilizationRates(h, util)) == 0) {
            if (isPercent(util[0])) {
                b.gpuUtilization(util[0]);
            }
            if (isPercent(util[1])) {
                b.memoryUtilization(util[1]);
            }
        }
        IntByReference value = new IntByReference();
        if (call(() -> nvml.nvmlDeviceGetTemperature(h, NvmlLibrary.TEMPERATURE_GPU, value)) == 0) {
            b.temperatureCelsius(value.getValue());
        }
        if (call(() -> nvml.nvmlDeviceGetPowerUsage(h, value)) == 0) {
            b.powerWatts(milliwatts(value.getValue()));
        }
        if (call(() -> nvml.nvmlDeviceGetEnforcedPowerLimit(h, value)) == 0) {
            b.powerLimitWatts(milliwatts(value.getValue()));
        }
        return b.build();
    }

    /**
     * Total, free, used; null when the device does not say. The v2 query is preferred because its "used" leaves out
     * the few hundred MiB the driver reserves (v1 counts them as used on an idle GPU), which is what nvidia-smi shows
     * and what a benchmark's peak memory should be compared with. Free memory is the same in both.
     */
    private long[] readMemory(Pointer h) {
        if (memoryV2) {
            long[] v2 = new long[5];
            v2[0] = NvmlLibrary.MEMORY_V2_VERSION;
            int rc = call(() -> nvml.nvmlDeviceGetMemoryInfo_v2(h, v2));
            if (rc == NvmlError.SUCCESS.code()) {
                return new long[] {v2[1], v2[3], v2[4]};
            }
            if (rc == NvmlError.FUNCTION_NOT_FOUND.code() || rc == NvmlError.ARGUMENT_VERSION_MISMATCH.code()) {
                memoryV2 = false; // an older driver: it will not learn v2 while we run
            }
        }
        long[] v1 = new long[3];
        return call(() -> nvml.nvmlDeviceGetMemoryInfo(h, v1)) == 0 ? v1 : null;
    }

    private static boolean isPercent(int p) {
        return p >= 0 && p <= 100;
    }

    private static double milliwatts(int mw) {
        return Integer.toUnsignedLong(mw) / 1000.0;
    }

    /** Runs one NVML query; a function this driver lacks counts as FUNCTION_NOT_FOUND, not as a crash. */
    private static int call(IntSupplier query) {
        try {
            return query.getAsInt();
        } catch (UnsatisfiedLinkError e) {
            return NvmlError.FUNCTION_NOT_FOUND.code();
        }
    }

    static String describe(NvmlLibrary lib, int rc) {
        if (NvmlError.of(rc) != NvmlError.UNKNOWN || rc == NvmlError.UNKNOWN.code()) {
            return NvmlError.describe(rc);
        }
        try {
            String text = lib.nvmlErrorString(rc);
            if (text != null && !text.isBlank()) {
                return "NVML error " + rc + ": " + text;
            }
        } catch (LinkageError | RuntimeException ignored) {
            // The table's fallback text below still names the code.
        }
        return NvmlError.describe(rc);
    }

    private static void shutdownQuietly(NvmlLibrary lib) {
        try {
            lib.nvmlShutdown();
        } catch (LinkageError | RuntimeException ignored) {
            // Nothing left to release if the library cannot even shut down.
        }
    }

    static String cString(byte[] buffer) {
        int n = 0;
        while (n < buffer.length && buffer[n] != 0) {
            n++;
        }
        return new String(buffer, 0, n, StandardCharsets.UTF_8).trim();
    }

    static List<String> candidateLibraryNames() {
        List<String> names = new ArrayList<>();
        String override = System.getProperty(LIBRARY_PROPERTY);
        if (override != null && !override.isBlank()) {
            names.add(override.trim());
        }
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.startsWith("windows")) {
            names.add("nvml");
            String programFiles = System.getenv("ProgramFiles");
            if (programFiles != null) {
                names.add(programFiles + "\\NVIDIA Corporation\\NVSMI\\nvml.dll");
            }
        } else {
            // The versioned name first: an unversioned libnvidia-ml.so on the path is often the CUDA toolkit's link
            // stub, which loads but fails every call.
            names.add("libnvidia-ml.so.1");
            names.add("nvidia-ml");
        }
        return names;
    }

    /** Loads the first name that loads; the error of a total failure says, per name, what the loader answered. */
    private static NvmlLibrary load(List<String> names) {
        List<String> failures = new ArrayList<>();
        for (String name : names) {
            try {
                return Native.load(name, NvmlLibrary.class);
            } catch (UnsatisfiedLinkError e) {
                failures.add(loaderMessage(name, e));
            }
        }
        throw new UnsatisfiedLinkError(failures.isEmpty() ? "no NVML library name to try" : String.join("; ", failures));
    }

    /** JNA's message is "Unable to load library 'x':" and then one line per place tried; the first of those is dlopen's. */
    private static String loaderMessage(String name, UnsatisfiedLinkError e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        String[] lines = m.split("\\R");
        String detail = lines.length > 1 ? lines[1].trim() : m.trim();
        return detail.contains(name) || detail.isEmpty() ? (detail.isEmpty() ? name : detail) : name + ": " + detail;
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return e.getClass().getSimpleName();
        }
        int nl = m.indexOf('\n');
        return (nl < 0 ? m : m.substring(0, nl)).trim();
    }
}
