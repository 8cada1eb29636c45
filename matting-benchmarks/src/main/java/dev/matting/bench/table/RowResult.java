package dev.matting.bench.table;

/**
 * What one row measured. Figures are null when not measured (row not run, no telemetry). {@code status} is
 * {@code stable}, {@code OOM}, {@code over budget (emulated OOM)}, {@code failed: ...} or {@code not run: ...}.
 */
public record RowResult(String id, String label, String backend, String device, String precision, int batch,
        int clients, int images, Double msPerImage, Double imagesPerSecond, Double secondsPer10Images,
        Long peakGpuMemoryBytes, Double meanGpuUtilisationPercent, String status, String engine) {

    public static RowResult notRun(RowSpec spec, String backend, String why) {
        return new RowResult(spec.id(), spec.label(), backend, spec.gpu() ? "gpu" : "cpu", spec.precision().key(),
                spec.batch(), spec.clients(), 0, null, null, null, null, null, "not run: " + why, "");
    }

    public boolean measured() {
        return msPerImage != null;
    }
}
