package dev.matting.bench.table;

import java.util.Map;
import java.util.Optional;

/**
 * The figures of the original report the table is compared against: an RTX A6000 measurement and an A10G (24 GB)
 * measurement of the Python U-Net service. Kept verbatim; rows without a figure have none.
 */
public final class ReferenceFigures {
    private ReferenceFigures() {
    }

    /** RTX A6000: time per image and peak memory. */
    public record A6000(double msPerImage, double memoryGb) {
    }

    /** A10G 24 GB: time per image, time for 10 images, GPU utilisation, and stability as reported. */
    public record A10G(Double secondsPerImage, Double secondsPer10, String utilisation, String stability) {
    }

    private static final Map<String, A6000> A6000_ROWS = Map.of(
            "cpu-fp32", new A6000(8200, 2.1),
            "gpu-fp32", new A6000(2100, 3.8),
            "gpu-fp16", new A6000(1350, 3.2)); // FP16 via autocast

    private static final Map<String, A10G> A10G_ROWS = Map.of(
            "cpu-fp32", new A10G(8.1, 81.0, "<5%", "stable"),
            "gpu-fp32", new A10G(2.3, 23.0, "~40%", "stable"),
            "gpu-fp16-batch", new A10G(1.6, 12.4, "~68%", "stable"), // FP16 + batch 2
            "naive-concurrent", new A10G(null, null, "", "OOM, unstable")); // 5 concurrent tasks

    public static Optional<A6000> a6000(String rowId) {
        return Optional.ofNullable(A6000_ROWS.get(rowId));
    }

    public static Optional<A10G> a10g(String rowId) {
        return Optional.ofNullable(A10G_ROWS.get(rowId));
    }
}
