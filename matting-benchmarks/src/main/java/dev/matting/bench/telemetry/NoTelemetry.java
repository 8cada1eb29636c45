package dev.matting.bench.telemetry;

import java.util.Optional;

/** Telemetry for machines without a watchable GPU: every figure is empty. */
final class NoTelemetry implements Telemetry {
    static final NoTelemetry INSTANCE = new NoTelemetry();

    private NoTelemetry() {
    }

    @Override
    public Recording start() {
        return TelemetrySummary::empty;
    }

    @Override
    public Optional<GpuInfo> gpu() {
        return Optional.empty();
    }
}
