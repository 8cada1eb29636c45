package dev.matting.bench.table;

import dev.matting.api.MatterOptions;

/**
 * Builds the scheduler row's runner: every client submits to one VRAM-aware scheduler limited to
 * {@code vramBudgetBytes}. Found with {@link java.util.ServiceLoader}; the table reports the row as not run when no
 * implementation is on the class path.
 */
public interface ScheduledRunnerFactory {

    /** Opens a scheduler over {@code options}' backend and device, planning micro-batches within the budget. */
    ThroughputRunner open(MatterOptions options, long vramBudgetBytes);
}
