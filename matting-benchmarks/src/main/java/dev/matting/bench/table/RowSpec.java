package dev.matting.bench.table;

import dev.matting.api.Precision;

/**
 * One row of the comparison table: what runs (device, precision, batch, clients) and how (one Matter, naive
 * concurrent Matters, or the scheduler). {@code id} keys the reference figures.
 */
public record RowSpec(String id, String label, boolean gpu, Precision precision, int batch, int clients, Mode mode) {

    /** How the row's work is driven. */
    public enum Mode { SINGLE, NAIVE_CONCURRENT, SCHEDULED }

    /** The table of the original report, in its order. */
    public static java.util.List<RowSpec> standard(int batch, int clients) {
        return java.util.List.of(
                new RowSpec("cpu-fp32", "CPU FP32", false, Precision.FP32, 1, 1, Mode.SINGLE),
                new RowSpec("gpu-fp32", "GPU FP32", true, Precision.FP32, 1, 1, Mode.SINGLE),
                new RowSpec("gpu-fp16", "GPU FP16", true, Precision.FP16, 1, 1, Mode.SINGLE),
                new RowSpec("gpu-fp16-batch", "GPU FP16 + batch " + batch, true, Precision.FP16, batch, 1, Mode.SINGLE),
                new RowSpec("naive-concurrent", "naive " + clients + "-way concurrency (no scheduler)", true,
                        Precision.FP16, batch, clients, Mode.NAIVE_CONCURRENT),
                new RowSpec("scheduler", "scheduler, " + clients + " clients, emulated 24 GiB", true, Precision.FP16,
                        batch, clients, Mode.SCHEDULED));
    }
}
