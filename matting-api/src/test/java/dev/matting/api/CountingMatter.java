package dev.matting.api;

import dev.matting.common.ImageSource;
import dev.matting.scheduler.SchedulerStats;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/** A {@link Matter} that counts what a batch job submits, over a real one. */
final class CountingMatter implements Matter {
    final Matter delegate;
    final AtomicLong submitted = new AtomicLong();

    CountingMatter(Matter delegate) {
        this.delegate = delegate;
    }

    @Override
    public Matte matte(ImageSource source) {
        return delegate.matte(source);
    }

    @Override
    public Matte matte(ImageSource source, MatteOptions options) {
        return delegate.matte(source, options);
    }

    @Override
    public List<MatteResult> matteAll(List<ImageSource> sources) {
        return delegate.matteAll(sources);
    }

    @Override
    public CompletableFuture<Matte> submit(ImageSource source) {
        return submit(source, MatteOptions.defaults());
    }

    @Override
    public CompletableFuture<Matte> submit(ImageSource source, MatteOptions options) {
        submitted.incrementAndGet();
        return delegate.submit(source, options);
    }

    @Override
    public MatterInfo info() {
        return delegate.info();
    }

    @Override
    public SchedulerStats stats() {
        return delegate.stats();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
