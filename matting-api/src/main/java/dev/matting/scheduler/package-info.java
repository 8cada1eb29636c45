/**
 * The GPU side of the pipeline: {@link dev.matting.scheduler.MattingScheduler} groups preprocessed
 * {@link dev.matting.spi.ModelInput}s by shape into micro-batches sized from measured device memory, runs them on one
 * lane per {@link dev.matting.spi.BatchBackend}, and recovers from out-of-memory by splitting. Public surface: one
 * builder, one-method interfaces ({@link dev.matting.scheduler.MemorySource},
 * {@link dev.matting.scheduler.Ticker}) and immutable values; the machinery is package-private.
 */
package dev.matting.scheduler;
