package dev.matting.bench.table;

import dev.matting.common.Precision;

/**
 * One row of the comparison table: what runs (device, precision, batch, clients) and how (one Matter, naive
 * concurrent model copies without a scheduler, or one scheduled Matter). {@code id} keys the reference figures;
 * {@code batch} is the fixed batch, or for the scheduler row the largest micro-batch it may form.
 */
public record RowSpec(String id, String label, boolean gpu, Precision precision, int batch, int clients, Mode mode) {

    /** How the row's work is driven. */
    public enum Mode { SINGLE, NAIVE_CONCURRENT, SCHEDULED }

    /** Largest micro-batch the scheduler row may form (the SDK's default); memory decides the actual size. */
    public static final int SCHEDULER_MAX_BATCH = 8;

    /** The table of the original report, in its order, with a 24 GiB emulated card. */
    public static java.util.List<RowSpec> standard(int batch, int clients) {
        return standard(batch, clients, 24);
    }

    /** The table of the original report, in its order; the concurrency rows run on an emulated card of {@code cardGib}. */
    public static java.util.List<RowSpec> standard(int batch, int clients, long cardGib) {
        return java.util.List.of(
                new RowSpec("cpu-fp32", "CPU FP32", false, Precision.FP32, 1, 1, Mode.SINGLE),
                new RowSpec("gpu-fp32", "GPU FP32", true, Precision.FP32, 1, 1, Mode.SINGLE),
                new RowSpec("gpu-fp16", "GPU FP16", true, Precision.FP16, 1, 1, Mode.SINGLE),
                new RowSpec("gpu-fp16-batch", "GPU FP16 + batch " + batch, true, Precision.FP16, batch, 1, Mode.SINGLE),
                new RowSpec("naive-concurrent", "naive " + clients + "-way concurrency (no scheduler), emulated "
                        + cardGib + " GiB", true, Precision.FP16, batch, clients, Mode.NAIVE_CONCURRENT),
                new RowSpec("scheduler", "scheduler, " + clients + " clients, emulated " + cardGib + " GiB", true,
                        Precision.FP16, SCHEDULER_MAX_BATCH, clients, Mode.SCHEDULED));
    }
}
