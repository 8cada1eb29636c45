package dev.matting.api;

import dev.matting.common.ImageSource;
import dev.matting.common.MattingException;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The machinery behind {@link BatchJob}: one feeder thread pulls inputs and submits them while a semaphore has a
 * slot, each completion is handed to the delivery threads, and a slot comes back only after its result was written
 * and delivered — so at most {@code maxInFlight} inputs (decoded images, alphas, encoded outputs) exist at once,
 * whatever the number of inputs.
 */
final class BatchEngine implements BatchRun {
    private static final long POLL_MS = 50;

    private final Job job;
    private final Semaphore slots;
    private final ExecutorService delivery;
    private final Map<Long, CompletableFuture<Matte>> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong succeeded = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong cancelledItems = new AtomicLong();
    private final AtomicBoolean finished = new AtomicBoolean();
    private final CountDownLatch done = new CountDownLatch(1);
    private final Object progressLock = new Object();
    private final Map<Long, Runnable> reorder = new HashMap<>();
    private long nextToDeliver;
    private final long startNanos = System.nanoTime();
    private volatile long endNanos;
    private volatile boolean cancelled;
    private volatile boolean feedingDone;
    private volatile OptionalLong total;
    private final JsonLinesReport report;
    private FolderWatcher watcher;

    private BatchEngine(Job job, JsonLinesReport report) {
        this.job = job;
        this.report = report;
        this.slots = new Semaphore(job.maxInFlight);
        this.total = job.total;
        int threads = job.order == ResultOrder.INPUT ? 1 : job.sinkThreads;
        AtomicInteger n = new AtomicInteger();
        this.delivery = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "matting-batch-" + n.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
    }

    /** A built job: an immutable copy of the builder's settings, run once. */
    static final class Job implements BatchJob {
        final Matter matter;
        final Iterable<? extends ImageSource> iterable;
        final Stream<? extends ImageSource> stream;
        final FolderLayout layout;
        final OptionalLong total;
        final boolean watch;
        final Duration quietPeriod;
        final java.nio.file.Path report;
        final MatteOptions options;
        final int maxInFlight;
        final ResultOrder order;
        final ProgressListener listener;
        final ResultSink sink;
        final int sinkThreads;
        private final AtomicBoolean started = new AtomicBoolean();

        Job(BatchJob.Builder b, FolderLayout layout) {
            this.matter = b.matter;
            this.iterable = b.iterable;
            this.stream = b.stream;
            this.layout = layout;
            this.total = b.knownTotal();
            this.watch = b.watch;
            this.quietPeriod = b.quietPeriod;
            this.report = b.report;
            this.options = b.options;
            this.maxInFlight = b.effectiveMaxInFlight();
            this.order = b.order;
            this.listener = b.listener;
            this.sink = b.sink;
            this.sinkThreads = b.sinkThreads;
        }

        @Override
        public BatchRun start() {
            if (!started.compareAndSet(false, true)) {
                throw new IllegalStateException("this batch job was already started; build another");
            }
            // Problems a person must fix before anything runs surface here, from start(), not as failed items.
            JsonLinesReport opened = report == null ? null : JsonLinesReport.open(report);
            if (layout != null) {
                layout.removeStaleTemporaryFiles();
            }
            BatchEngine engine = new BatchEngine(this, opened);
            Thread feeder = new Thread(engine::feed, "matting-batch-feed");
            feeder.setDaemon(true);
            feeder.start();
            return engine;
        }
    }

    // ---- feeding ------------------------------------------------------------------------------------------------

    private void feed() {
        long index = 0;
        Iterator<Planned> plan = null;
        try {
            plan = plan();
            while (!cancelled && plan.hasNext()) {
                Planned p = plan.next();
                if (!acquireSlot()) {
                    break;
                }
                pending.incrementAndGet();
                long i = index++;
                if (p.failure() != null) {
                    completed(i, BatchItem.failed(i, p.source(), p.failure(), p.output(), Duration.ZERO), p);
                } else if (p.skipReason() != null) {
                    completed(i, BatchItem.skipped(i, p.source(), p.skipReason(), p.output()), p);
                } else {
                    submit(i, p);
                }
            }
        } catch (RuntimeException | Error e) {
            // A source iterator that threw: the inputs so far keep their results; the failure is one more failed item
            // that names the cause, and feeding stops. (A folder job reports an unreadable folder as its own item.)
            MattingException m = e instanceof MattingException me ? me
                    : new MattingException("reading the inputs failed: " + e, e);
            pending.incrementAndGet();
            long i = index++;
            slots.acquireUninterruptibly();
            completed(i, BatchItem.failed(i, ImageSource.of("the job's inputs", new byte[0]), m, null, Duration.ZERO),
                    null);
        } finally {
            closeQuietly(plan);
            if (job.stream != null) {
                job.stream.close();
            }
            feedingDone = true;
            finishIfIdle();
        }
    }

    private Iterator<Planned> plan() {
        if (job.layout == null) {
            Iterator<? extends ImageSource> it = job.iterable != null ? job.iterable.iterator() : job.stream.iterator();
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public Planned next() {
                    return Planned.of(it.next());
                }
            };
        }
        if (job.watch) {
            watcher = new FolderWatcher(job.layout, job.quietPeriod, () -> cancelled);
            return watcher;
        }
        if (total.isEmpty()) {
            total = OptionalLong.of(job.layout.count());
        }
        return job.layout.walk();
    }

    private boolean acquireSlot() {
        try {
            while (!slots.tryAcquire(POLL_MS, TimeUnit.MILLISECONDS)) {
                if (cancelled) {
                    return false;
                }
            }
            if (cancelled) {
                slots.release();
                return false;
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void submit(long i, Planned p) {
        long t0 = System.nanoTime();
        CompletableFuture<Matte> f;
        try {
            f = job.matter.submit(p.source(), job.options);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        inFlight.put(i, f);
        if (cancelled) {
            // cancel() may have swept the in-flight map before this future was in it
            f.cancel(true);
        }
        f.whenComplete((matte, error) -> {
            inFlight.remove(i);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
            BatchItem item;
            if (error == null) {
                item = BatchItem.ok(i, p.source(), matte, p.output(), elapsed);
            } else if (isCancellation(error)) {
                item = BatchItem.cancelled(i, p.source(), new MattingException("matting '" + p.source().name()
                        + "' was cancelled with its batch job", unwrap(error)), p.output(), elapsed);
            } else {
                item = BatchItem.failed(i, p.source(), PipelineMatter.asMattingException(p.source(), error),
                        p.output(), elapsed);
            }
            completed(i, item, p);
        });
    }

    private static boolean isCancellation(Throwable t) {
        return unwrap(t) instanceof CancellationException;
    }

    private static Throwable unwrap(Throwable t) {
        while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    // ---- delivery -----------------------------------------------------------------------------------------------

    /** Hands an outcome to the delivery threads, in input order when asked for. */
    private void completed(long i, BatchItem item, Planned p) {
        Runnable task = () -> deliver(item, p);
        if (job.order == ResultOrder.COMPLETION) {
            delivery.execute(task);
            return;
        }
        synchronized (reorder) {
            reorder.put(i, task);
            Runnable next;
            // the single delivery thread runs them in the order they are handed over
            while ((next = reorder.remove(nextToDeliver)) != null) {
                delivery.execute(next);
                nextToDeliver++;
            }
        }
    }

    private void deliver(BatchItem raw, Planned p) {
        BatchItem item = raw;
        try {
            if (item.status() == BatchItem.Status.OK && item.output() != null) {
                try {
                    item.matte().write(item.output());
                } catch (RuntimeException e) {
                    item = item.asFailed(new MattingException("writing '" + item.output() + "' for '"
                            + item.source().name() + "' failed: " + e.getMessage(), e));
                }
            }
            if (job.sink != null) {
                try {
                    job.sink.accept(item);
                } catch (Exception | Error e) {
                    if (item.status() == BatchItem.Status.OK) {
                        item = item.asFailed(e instanceof MattingException m ? m : new MattingException("the result sink "
                                + "failed for '" + item.source().name() + "': " + e, e));
                    }
                }
            }
            if (watcher != null && p != null && p.input() != null) {
                watcher.finished(p.input(), item.status());
            }
            if (report != null) {
                report.append(item);
            }
        } finally {
            progressed(item);
            slots.release();
            if (pending.decrementAndGet() == 0) {
                finishIfIdle();
            }
        }
    }

    private void count(BatchItem item) {
        switch (item.status()) {
            case OK -> succeeded.incrementAndGet();
            case FAILED -> failed.incrementAndGet();
            case SKIPPED -> skipped.incrementAndGet();
            case CANCELLED -> cancelledItems.incrementAndGet();
            default -> throw new AssertionError(item.status());
        }
    }

    /** Counts an outcome and tells the listener, under one lock, so each call sees exactly one more outcome. */
    private void progressed(BatchItem item) {
        synchronized (progressLock) {
            count(item);
            if (job.listener == null) {
                return;
            }
            try {
                job.listener.onProgress(progress());
            } catch (RuntimeException ignored) {
                // a broken progress display must not stop the job (see ProgressListener)
            }
        }
    }

    private void finishIfIdle() {
        if (feedingDone && pending.get() == 0 && finished.compareAndSet(false, true)) {
            endNanos = System.nanoTime();
            delivery.shutdown();
            if (report != null) {
                report.close();
            }
            done.countDown();
        }
    }

    // ---- the handle ---------------------------------------------------------------------------------------------

    @Override
    public void cancel() {
        if (cancelled) {
            return;
        }
        cancelled = true;
        for (CompletableFuture<Matte> f : inFlight.values()) {
            f.cancel(true);
        }
    }

    @Override
    public boolean isCancelled() {
        return cancelled;
    }

    @Override
    public boolean isDone() {
        return done.getCount() == 0;
    }

    @Override
    public BatchProgress progress() {
        long end = isDone() ? endNanos : System.nanoTime();
        Duration elapsed = Duration.ofNanos(end - startNanos);
        long ok = succeeded.get();
        long bad = failed.get();
        double seconds = elapsed.toNanos() / 1e9;
        return new BatchProgress(ok, bad, skipped.get(), cancelledItems.get(), total, elapsed,
                seconds <= 0 ? 0 : (ok + bad) / seconds);
    }

    @Override
    public BatchSummary await() {
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MattingException("interrupted while waiting for a batch job", e);
        }
        return summary();
    }

    @Override
    public Optional<BatchSummary> await(Duration timeout) {
        try {
            return done.await(timeout.toNanos(), TimeUnit.NANOSECONDS) ? Optional.of(summary()) : Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MattingException("interrupted while waiting for a batch job", e);
        }
    }

    private BatchSummary summary() {
        if (report != null && report.failure().isPresent()) {
            // Loud on purpose: a run whose report is incomplete must not look like a clean one.
            IOException e = report.failure().get();
            throw new MattingException("the report '" + job.report + "' could not be written (" + e + "); outputs were "
                    + "still written: " + succeeded.get() + " ok, " + failed.get() + " failed, " + skipped.get()
                    + " skipped", e);
        }
        return new BatchSummary(succeeded.get(), failed.get(), skipped.get(), cancelledItems.get(),
                Duration.ofNanos(endNanos - startNanos), cancelled);
    }

    private static void closeQuietly(Iterator<?> it) {
        if (it instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing a listing or a watch service: nothing is lost
            }
        }
    }
}
