package dev.matting.gpu;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.matting.common.GpuTelemetryException;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The answer of the original tool's {@code /api/system-status}: whether GPU telemetry is available, and per GPU its
 * utilisation and memory used / total. {@link #toJson()} gives the body a web service returns as is:
 *
 * <pre>{@code
 * {"available": true, "reason": null, "gpu_count": 1,
 *  "gpus": [{"index": 0, "name": "NVIDIA H100 80GB HBM3", "gpu_percent": 37,
 *            "memory_used_mb": 1265, "memory_total_mb": 81559, "memory_percent": 1.6}]}
 * }</pre>
 *
 * Megabytes are MiB (2^20 bytes, as {@code nvidia-smi} prints them), rounded down. A reading the device did not give
 * is {@code null}; {@code reason} is {@code null} when available and says why otherwise (then {@code gpus} is empty).
 *
 * @param available whether readings were taken
 * @param reason    why not, or empty when available
 * @param gpus      one entry per GPU, by index
 */
public record SystemStatus(boolean available, String reason, List<Gpu> gpus) {
    private static final long MIB = 1L << 20;

    /**
     * Checks that a reason is given exactly when no readings were taken, and that then no GPU is listed.
     *
     * @throws IllegalArgumentException when {@code available} and {@code reason} disagree, or an unavailable
     *                                  status lists GPUs
     */
    public SystemStatus {
        Objects.requireNonNull(reason, "reason");
        gpus = List.copyOf(gpus);
        if (available != reason.isEmpty()) {
            throw new IllegalArgumentException(available
                    ? "an available system status has no reason, got '" + reason + "'"
                    : "an unavailable system status needs a reason");
        }
        if (!available && !gpus.isEmpty()) {
            throw new IllegalArgumentException("an unavailable system status lists no GPUs");
        }
    }

    /**
     * One GPU's line of the status.
     *
     * @param index             NVML device index
     * @param name              product name
     * @param gpuPercent        GPU utilisation, when reported
     * @param memoryUsedBytes   used device memory, when reported
     * @param memoryTotalBytes  total device memory, when reported
     */
    public record Gpu(int index, String name, OptionalInt gpuPercent, OptionalLong memoryUsedBytes,
            OptionalLong memoryTotalBytes) {
        /** Checks that no component is {@code null}; a reading the device did not give is an empty optional. */
        public Gpu {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(gpuPercent, "gpuPercent");
            Objects.requireNonNull(memoryUsedBytes, "memoryUsedBytes");
            Objects.requireNonNull(memoryTotalBytes, "memoryTotalBytes");
        }

        static Gpu of(GpuSnapshot s) {
            boolean mem = s.hasMemoryInfo();
            return new Gpu(s.index(), s.name(), s.gpuUtilizationPercent(),
                    mem ? OptionalLong.of(s.memoryUsedBytes()) : OptionalLong.empty(),
                    mem ? OptionalLong.of(s.memoryTotalBytes()) : OptionalLong.empty());
        }

        /** Used memory as a percentage of total, when both are known and total is positive. */
        public OptionalDouble memoryPercent() {
            if (memoryUsedBytes.isEmpty() || memoryTotalBytes.isEmpty() || memoryTotalBytes.getAsLong() == 0) {
                return OptionalDouble.empty();
            }
            return OptionalDouble.of(100.0 * memoryUsedBytes.getAsLong() / memoryTotalBytes.getAsLong());
        }

        JsonObject toJsonObject() {
            JsonObject o = new JsonObject();
            o.addProperty("index", index);
            o.addProperty("name", name);
            o.add("gpu_percent", gpuPercent.isPresent() ? new JsonPrimitive(gpuPercent.getAsInt()) : JsonNull.INSTANCE);
            o.add("memory_used_mb", mib(memoryUsedBytes));
            o.add("memory_total_mb", mib(memoryTotalBytes));
            OptionalDouble p = memoryPercent();
            o.add("memory_percent", p.isPresent()
                    ? new JsonPrimitive(Math.round(p.getAsDouble() * 10.0) / 10.0) : JsonNull.INSTANCE);
            return o;
        }

        private static com.google.gson.JsonElement mib(OptionalLong bytes) {
            return bytes.isPresent() ? new JsonPrimitive(bytes.getAsLong() / MIB) : JsonNull.INSTANCE;
        }
    }

    /** Reads {@code monitor} now; a monitor that is unavailable, or fails to read, gives an unavailable status. */
    public static SystemStatus of(GpuMonitor monitor) {
        if (!monitor.available()) {
            return unavailable(monitor.unavailableReason());
        }
        try {
            return of(monitor.snapshot());
        } catch (GpuTelemetryException e) {
            return unavailable(e.getMessage());
        }
    }

    /** The status of these snapshots (an available status, even if the list is empty). */
    public static SystemStatus of(List<GpuSnapshot> snapshots) {
        return new SystemStatus(true, "", snapshots.stream().map(Gpu::of).toList());
    }

    /** The status of a machine whose GPUs cannot be read, for {@code reason}. */
    public static SystemStatus unavailable(String reason) {
        return new SystemStatus(false, reason.isBlank() ? "GPU telemetry unavailable" : reason, List.of());
    }

    /** This status as a Gson tree, for services that embed it in a larger answer. */
    public JsonObject toJsonObject() {
        JsonObject o = new JsonObject();
        o.addProperty("available", available);
        o.add("reason", available ? JsonNull.INSTANCE : new JsonPrimitive(reason));
        o.addProperty("gpu_count", gpus.size());
        JsonArray list = new JsonArray();
        gpus.forEach(g -> list.add(g.toJsonObject()));
        o.add("gpus", list);
        return o;
    }

    /** The JSON body of {@code /api/system-status}, on one line. */
    public String toJson() {
        return new GsonBuilder().serializeNulls().disableHtmlEscaping().create().toJson(toJsonObject());
    }
}
