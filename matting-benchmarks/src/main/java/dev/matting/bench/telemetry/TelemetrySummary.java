package dev.matting.bench.telemetry;

import java.util.OptionalDouble;
import java.util.OptionalLong;

/** Peak device memory and mean utilisation over one recording; empty when the source could not measure them. */
public record TelemetrySummary(OptionalLong peakMemoryBytes, OptionalDouble meanUtilisationPercent, int samples) {

    public static TelemetrySummary empty() {
        return new TelemetrySummary(OptionalLong.empty(), OptionalDouble.empty(), 0);
    }
}
