package dev.matting.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SystemStatusTest {
    private static final long MIB = 1L << 20;

    @Test
    void availableStatusListsUtilisationAndMemoryPerGpu() {
        long total0 = 81_559 * MIB;
        long used0 = 1_265 * MIB + 123;
        GpuSnapshot g0 = GpuSnapshot.builder(0).name("NVIDIA H100 80GB HBM3").gpuUtilization(37)
                .memoryUsed(used0, total0).build();
        GpuSnapshot g1 = GpuSnapshot.builder(1).name("bare").build();
        GpuMonitor monitor = new ScriptedGpuMonitor(List.of(List.of(g0, g1)));

        JsonObject json = JsonParser.parseString(monitor.systemStatus().toJson()).getAsJsonObject();

        assertEquals(Set.of("available", "reason", "gpu_count", "gpus"), json.keySet());
        assertTrue(json.get("available").getAsBoolean());
        assertTrue(json.get("reason").isJsonNull());
        assertEquals(2, json.get("gpu_count").getAsInt());
        JsonArray gpus = json.getAsJsonArray("gpus");
        JsonObject j0 = gpus.get(0).getAsJsonObject();
        assertEquals(Set.of("index", "name", "gpu_percent", "memory_used_mb", "memory_total_mb", "memory_percent"),
                j0.keySet());
        assertEquals(0, j0.get("index").getAsInt());
        assertEquals(g0.name(), j0.get("name").getAsString());
        assertEquals(37, j0.get("gpu_percent").getAsInt());
        assertEquals(used0 / MIB, j0.get("memory_used_mb").getAsLong());
        assertEquals(total0 / MIB, j0.get("memory_total_mb").getAsLong());
        assertEquals(Math.round(1000.0 * used0 / total0) / 10.0, j0.get("memory_percent").getAsDouble(), 1e-9);

        JsonObject j1 = gpus.get(1).getAsJsonObject();
        assertEquals(j0.keySet(), j1.keySet(), "every GPU entry has the same keys; unknown readings are null");
        for (String key : List.of("gpu_percent", "memory_used_mb", "memory_total_mb", "memory_percent")) {
            assertTrue(j1.get(key).isJsonNull(), key);
        }
    }

    @Test
    void unavailableStatusGivesTheReasonAndNoGpus() {
        SystemStatus status = GpuMonitor.unavailable("NVML library not found").systemStatus();
        assertFalse(status.available());
        JsonObject json = JsonParser.parseString(status.toJson()).getAsJsonObject();
        assertEquals(Set.of("available", "reason", "gpu_count", "gpus"), json.keySet());
        assertFalse(json.get("available").getAsBoolean());
        assertEquals("NVML library not found", json.get("reason").getAsString());
        assertEquals(0, json.get("gpu_count").getAsInt());
        assertEquals(0, json.getAsJsonArray("gpus").size());
    }

    @Test
    void aMonitorThatFailsToReadGivesAnUnavailableStatus() {
        ScriptedGpuMonitor monitor = new ScriptedGpuMonitor(List.of(List.of()));
        monitor.close();
        SystemStatus status = SystemStatus.of(monitor);
        assertFalse(status.available());
        assertTrue(status.reason().contains("closed"), status.reason());
    }

    @Test
    void availabilityAndReasonMustAgree() {
        assertThrows(IllegalArgumentException.class, () -> new SystemStatus(true, "why", List.of()));
        assertThrows(IllegalArgumentException.class, () -> new SystemStatus(false, "", List.of()));
    }
}
