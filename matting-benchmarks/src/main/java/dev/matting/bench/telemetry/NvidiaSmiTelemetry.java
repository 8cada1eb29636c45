package dev.matting.bench.telemetry;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * Samples one GPU every 100 ms through {@code nvidia-smi --query-gpu ... -lms 100}. Memory is the device-wide used
 * memory (every process, the CUDA context included), which is what decides an out-of-memory on a shared card.
 */
public final class NvidiaSmiTelemetry implements Telemetry {
    private final int index;
    private final GpuInfo info;

    private NvidiaSmiTelemetry(int index, GpuInfo info) {
        this.index = index;
        this.info = info;
    }

    /** The telemetry for GPU {@code index}, or empty when {@code nvidia-smi} is missing or sees no such GPU. */
    public static Optional<NvidiaSmiTelemetry> probe(int index) {
        try {
            List<String> lines = run(List.of("nvidia-smi", "-i", Integer.toString(index),
                    "--query-gpu=name,driver_version,memory.total", "--format=csv,noheader,nounits"));
            if (lines.isEmpty()) {
                return Optional.empty();
            }
            String[] f = lines.get(0).split(",\\s*");
            if (f.length < 3) {
                return Optional.empty();
            }
            return Optional.of(new NvidiaSmiTelemetry(index,
                    new GpuInfo(f[0].trim(), f[1].trim(), Long.parseLong(f[2].trim()) << 20)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static List<String> run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroy();
                return List.of();
            }
            if (p.exitValue() != 0) {
                return List.of();
            }
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                return r.lines().filter(l -> !l.isBlank()).toList();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroy();
            return List.of();
        }
    }

    @Override
    public Optional<GpuInfo> gpu() {
        return Optional.of(info);
    }

    @Override
    public Recording start() {
        Process p;
        try {
            p = new ProcessBuilder("nvidia-smi", "-i", Integer.toString(index), "--query-gpu=memory.used,utilization.gpu",
                    "--format=csv,noheader,nounits", "-lms", "100").redirectErrorStream(true).start();
        } catch (IOException e) {
            return TelemetrySummary::empty;
        }
        AtomicLong peakMiB = new AtomicLong(-1);
        DoubleAdder utilSum = new DoubleAdder();
        LongAdder samples = new LongAdder();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    String[] f = line.split(",\\s*");
                    if (f.length < 2) {
                        continue;
                    }
                    try {
                        long mem = Long.parseLong(f[0].trim());
                        double util = Double.parseDouble(f[1].trim());
                        peakMiB.accumulateAndGet(mem, Math::max);
                        utilSum.add(util);
                        samples.increment();
                    } catch (NumberFormatException ignored) {
                        // "[N/A]" on some boards: that sample simply does not count
                    }
                }
            } catch (IOException ignored) {
                // the process was stopped: the samples read so far are the result
            }
        }, "telemetry-nvidia-smi");
        reader.setDaemon(true);
        reader.start();
        return () -> {
            p.destroy();
            try {
                reader.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            int n = samples.intValue();
            if (n == 0) {
                return TelemetrySummary.empty();
            }
            return new TelemetrySummary(OptionalLong.of(peakMiB.get() << 20), OptionalDouble.of(utilSum.sum() / n), n);
        };
    }
}
