package dev.matting.bench.telemetry;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.matting.gpu.GpuMonitor;
import dev.matting.gpu.GpuSnapshot;
import dev.matting.gpu.SystemStatus;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Prints what NVML reports for every GPU, as a table or as JSON:
 * {@code java -cp matting-api.jar:jna.jar:gson.jar dev.matting.gpu.GpuStatusMain [--json] [--sample MILLIS]}.
 * With {@code --sample} it also samples for that long at {@link GpuSampler#DEFAULT_PERIOD} and prints the summary.
 * Exits 0 when GPUs were read, 3 when telemetry is unavailable, 2 on bad arguments.
 */
public final class GpuStatusMain {
    private static final long MIB = 1L << 20;

    private GpuStatusMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        boolean json = false;
        long sampleMillis = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--json" -> json = true;
                case "--sample" -> {
                    if (i + 1 >= args.length) {
                        err.println("--sample needs a duration in milliseconds");
                        return 2;
                    }
                    try {
                        sampleMillis = Long.parseLong(args[++i]);
                    } catch (NumberFormatException e) {
                        sampleMillis = -1;
                    }
                    if (sampleMillis <= 0) {
                        err.println("--sample needs a positive number of milliseconds, got '" + args[i] + "'");
                        return 2;
                    }
                }
                case "-h", "--help" -> {
                    out.println("usage: GpuStatusMain [--json] [--sample MILLIS]");
                    return 0;
                }
                default -> {
                    err.println("unknown argument '" + args[i] + "' (expected --json, --sample MILLIS, --help)");
                    return 2;
                }
            }
        }
        try (GpuMonitor monitor = GpuMonitor.nvml()) {
            List<GpuSnapshot> snapshots = monitor.snapshot();
            GpuUsageSummary usage = null;
            if (sampleMillis > 0) {
                GpuSampler sampler = GpuSampler.start(monitor);
                sleep(Duration.ofMillis(sampleMillis));
                usage = sampler.stop();
            }
            if (json) {
                out.println(new GsonBuilder().serializeNulls().disableHtmlEscaping().setPrettyPrinting().create()
                        .toJson(toJson(monitor, snapshots, usage)));
            } else {
                printTable(monitor, snapshots, usage, out);
            }
            return monitor.available() ? 0 : 3;
        }
    }

    static JsonObject toJson(GpuMonitor monitor, List<GpuSnapshot> snapshots, GpuUsageSummary usage) {
        JsonObject o = new JsonObject();
        o.add("system_status", monitor.available()
                ? SystemStatus.of(snapshots).toJsonObject()
                : SystemStatus.unavailable(monitor.unavailableReason()).toJsonObject());
        JsonArray list = new JsonArray();
        for (GpuSnapshot s : snapshots) {
            JsonObject g = new JsonObject();
            g.addProperty("index", s.index());
            g.addProperty("name", s.name());
            g.add("uuid", s.uuid().<JsonElement>map(JsonPrimitive::new).orElse(JsonNull.INSTANCE));
            g.add("memory_total_bytes", known(s.memoryTotalBytes()));
            g.add("memory_free_bytes", known(s.memoryFreeBytes()));
            g.add("memory_used_bytes", known(s.memoryUsedBytes()));
            g.add("gpu_utilization_percent", num(s.gpuUtilizationPercent()));
            g.add("memory_utilization_percent", num(s.memoryUtilizationPercent()));
            g.add("temperature_c", num(s.temperatureCelsius()));
            g.add("power_w", num(s.powerWatts()));
            g.add("power_limit_w", num(s.powerLimitWatts()));
            g.addProperty("driver_version", s.driverVersion());
            g.addProperty("timestamp", s.timestamp().toString());
            list.add(g);
        }
        o.add("snapshots", list);
        if (usage != null) {
            JsonObject u = new JsonObject();
            u.addProperty("elapsed_ms", usage.elapsed().toMillis());
            u.addProperty("samples", usage.samples());
            u.addProperty("failed_samples", usage.failedSamples());
            JsonArray gpus = new JsonArray();
            for (GpuUsageSummary.GpuUsage g : usage.gpus()) {
                JsonObject e = new JsonObject();
                e.addProperty("index", g.index());
                e.addProperty("samples", g.samples());
                e.add("mean_gpu_utilization_percent", num(g.meanGpuUtilizationPercent()));
                e.add("peak_gpu_utilization_percent", num(g.peakGpuUtilizationPercent()));
                e.add("baseline_memory_used_bytes", num(g.baselineMemoryUsedBytes()));
                e.add("peak_memory_used_bytes", num(g.peakMemoryUsedBytes()));
                e.add("mean_power_w", num(g.meanPowerWatts()));
                gpus.add(e);
            }
            u.add("gpus", gpus);
            o.add("sampling", u);
        }
        return o;
    }

    private static void printTable(GpuMonitor monitor, List<GpuSnapshot> snapshots, GpuUsageSummary usage,
            PrintStream out) {
        if (!monitor.available()) {
            out.println("GPU telemetry unavailable: " + monitor.unavailableReason());
            return;
        }
        String driver = snapshots.isEmpty() ? "" : snapshots.get(0).driverVersion();
        out.println("NVML: driver " + (driver.isEmpty() ? "?" : driver) + ", " + snapshots.size() + " GPU(s)");
        String fmt = "%-3s  %-26s  %5s  %5s  %21s  %5s  %17s  %s%n";
        out.printf(Locale.ROOT, fmt, "idx", "name", "util", "mem%", "memory used/total MiB", "temp", "power/limit W",
                "uuid");
        for (GpuSnapshot s : snapshots) {
            String memory = s.hasMemoryInfo()
                    ? (s.memoryUsedBytes() / MIB) + " / " + (s.memoryTotalBytes() / MIB) : "?";
            String power = text(s.powerWatts()) + " / " + text(s.powerLimitWatts());
            out.printf(Locale.ROOT, fmt, s.index(), s.name(), pct(s.gpuUtilizationPercent()),
                    pct(s.memoryUtilizationPercent()), memory,
                    s.temperatureCelsius().isPresent() ? s.temperatureCelsius().getAsInt() + "C" : "?", power,
                    s.uuid().orElse("?"));
        }
        if (usage != null) {
            out.printf(Locale.ROOT, "sampled %d ms: %d readings, %d failed%n", usage.elapsed().toMillis(),
                    usage.samples(), usage.failedSamples());
            for (GpuUsageSummary.GpuUsage g : usage.gpus()) {
                out.printf(Locale.ROOT, "  gpu%d: mean util %s%%, peak util %s%%, memory used %s -> peak %s MiB,"
                                + " mean power %s W%n", g.index(), text(g.meanGpuUtilizationPercent()),
                        g.peakGpuUtilizationPercent().isPresent() ? g.peakGpuUtilizationPercent().getAsInt() : "?",
                        mib(g.baselineMemoryUsedBytes()), mib(g.peakMemoryUsedBytes()), text(g.meanPowerWatts()));
            }
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static JsonElement known(long v) {
        return v == GpuSnapshot.UNKNOWN ? JsonNull.INSTANCE : new JsonPrimitive(v);
    }

    private static JsonElement num(OptionalInt v) {
        return v.isPresent() ? new JsonPrimitive(v.getAsInt()) : JsonNull.INSTANCE;
    }

    private static JsonElement num(OptionalLong v) {
        return v.isPresent() ? new JsonPrimitive(v.getAsLong()) : JsonNull.INSTANCE;
    }

    private static JsonElement num(OptionalDouble v) {
        return v.isPresent() ? new JsonPrimitive(v.getAsDouble()) : JsonNull.INSTANCE;
    }

    private static String pct(OptionalInt v) {
        return v.isPresent() ? v.getAsInt() + "%" : "?";
    }

    private static String text(OptionalDouble v) {
        return v.isPresent() ? String.format(Locale.ROOT, "%.1f", v.getAsDouble()) : "?";
    }

    private static String mib(OptionalLong v) {
        return v.isPresent() ? String.valueOf(v.getAsLong() / MIB) : "?";
    }
}
