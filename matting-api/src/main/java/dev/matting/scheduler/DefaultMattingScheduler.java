package dev.matting.scheduler;

import dev.matting.common.Device;
import dev.matting.common.DeviceOutOfMemoryException;
import dev.matting.common.SchedulerRejectedException;
import dev.matting.common.SchedulerShutdownException;
import dev.matting.common.SchedulerTimeoutException;
import dev.matting.spi.BatchBackend;
import dev.matting.spi.ModelInput;
import dev.matting.spi.ModelOutput;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The machinery behind {@link MattingScheduler}: per-shape queues under one lock, a dispatcher thread that turns them
 * into batches for the least-loaded lane, and the lanes themselves. Time comes only from the {@link Ticker}.
 */
final class DefaultMattingScheduler implements MattingScheduler {
    /**
     * Longest real-time sleep of the dispatcher while something is due by the ticker: a test ticker moves without
     * waking anyone, so the dispatcher looks again at least this often.
     */
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    final StatsRecorder stats;
    private final Ticker ticker;
    private final long maxDelayNanos;
    private final int queueCapacity;
    private final Overflow overflow;
    private final int maxInFlightPerLane;
    private final long defaultTimeoutNanos;
    private final Duration drainTimeout;
    private final Executor completion;
    private final List<Lane> lanes;
    private final Lane fallback;
    private final Thread dispatcher;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong ids = new AtomicLong();
    private final Set<Request> outstanding = ConcurrentHashMap.newKeySet();

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when the dispatcher may have something to do: a submit, a cancel, a lane freed, a shutdown. */
    private final Condition changed = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private final Map<ModelInput.Shape, ArrayDeque<Request>> queues = new LinkedHashMap<>();
    private final PriorityQueue<Request> deadlines = new PriorityQueue<>(Comparator.comparingLong(r -> r.deadline));
    private int queued;
    private int fallbackPending;
    private boolean shutdown;
    private long drainDeadline;
    private volatile boolean aborted;

    DefaultMattingScheduler(MattingScheduler.Builder b) {
        SchedulerConfig config = b.config.build();
        this.ticker = b.ticker;
        this.maxDelayNanos = nanos(config.maxBatchDelay());
        this.queueCapacity = config.queueCapacity();
        this.overflow = config.overflow();
        this.maxInFlightPerLane = config.maxInFlightPerLane();
        this.defaultTimeoutNanos = nanos(config.requestTimeout());
        this.drainTimeout = config.drainTimeout();
        this.completion = b.completionExecutor;
        this.stats = new StatsRecorder(config.maxBatchSize(), ticker.read());
        List<Lane> built = new ArrayList<>();
        // Several lanes may share a device (a model copy each, so one lane's transfers overlap another's pass):
        // they split its free memory and calibrate one at a time.
        Map<Device, Long> perDevice = new HashMap<>();
        Map<Device, Object> deviceLocks = new HashMap<>();
        for (BatchBackend backend : b.lanes) {
            perDevice.merge(backend.device(), 1L, Long::sum);
            deviceLocks.putIfAbsent(backend.device(), new Object());
        }
        for (BatchBackend backend : b.lanes) {
            MemoryPlanner memory = new MemoryPlanner(backend, b.memorySource, config.vramBudget(),
                    config.maxBatchSize(), perDevice.get(backend.device()).intValue(),
                    deviceLocks.get(backend.device()));
            built.add(new Lane(this, built.size(), backend, false, memory));
        }
        this.lanes = List.copyOf(built);
        this.fallback = b.cpuFallback == null ? null : new Lane(this, lanes.size(), b.cpuFallback, true, null);
        this.dispatcher = new Thread(this::dispatchLoop, "matting-dispatcher");
        threads.add(dispatcher);
        for (Lane lane : lanes) {
            threads.add(new Thread(lane, lane.threadName()));
        }
        if (fallback != null) {
            threads.add(new Thread(fallback, fallback.threadName()));
        }
        for (Thread t : threads) {
            t.setDaemon(true);
            t.start();
        }
    }

    // ---------------------------------------------------------------- submit side

    @Override
    public CompletableFuture<ModelOutput> submit(ModelInput input) {
        return submit(input, null, defaultTimeoutNanos);
    }

    @Override
    public CompletableFuture<ModelOutput> submit(ModelInput input, Duration timeout) {
        return submit(input, null, timeout);
    }

    @Override
    public CompletableFuture<ModelOutput> submit(ModelInput input, String label) {
        return submit(input, Objects.requireNonNull(label, "label"), defaultTimeoutNanos);
    }

    @Override
    public CompletableFuture<ModelOutput> submit(ModelInput input, String label, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be > 0, got " + timeout);
        }
        return submit(input, label, nanos(timeout));
    }

    private CompletableFuture<ModelOutput> submit(ModelInput input, String label, long timeoutNanos) {
        Objects.requireNonNull(input, "input");
        long now = ticker.read();
        long deadline = timeoutNanos > 0 ? saturatedAdd(now, timeoutNanos) : Long.MAX_VALUE;
        Request r = new Request(this, ids.incrementAndGet(), input, label, now, deadline);
        lock.lock();
        try {
            while (true) {
                if (shutdown) {
                    return reject(r, "the scheduler is shut down");
                }
                if (queued < queueCapacity) {
                    break;
                }
                if (overflow == Overflow.REJECT) {
                    return reject(r, "the queue is full (" + queueCapacity + " requests waiting)");
                }
                try {
                    notFull.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return reject(r, "the caller was interrupted while waiting for queue space");
                }
            }
            r.enqueuedAt = ticker.read();
            r.inQueue = true;
            queues.computeIfAbsent(r.shape, k -> new ArrayDeque<>()).addLast(r);
            queued++;
            outstanding.add(r);
            if (r.hasDeadline()) {
                deadlines.add(r);
            }
            r.whenComplete((v, e) -> forget(r));
            stats.submitted.increment();
            changed.signal();
        } finally {
            lock.unlock();
        }
        return r;
    }

    /** Drops a finished request from the books, so that its input is not kept alive until its deadline. */
    private void forget(Request r) {
        outstanding.remove(r);
        if (r.hasDeadline()) {
            lock.lock();
            try {
                deadlines.remove(r);
            } finally {
                lock.unlock();
            }
        }
    }

    private CompletableFuture<ModelOutput> reject(Request r, String why) {
        stats.rejected.increment();
        r.tryAbandon();
        r.completeExceptionally(new SchedulerRejectedException(r + " rejected: " + why));
        return r;
    }

    @Override
    public CompletableFuture<Void> calibrate(ModelInput sample) {
        Objects.requireNonNull(sample, "sample");
        lock.lock();
        try {
            if (shutdown) {
                return CompletableFuture.failedFuture(new SchedulerRejectedException("calibration of "
                        + sample.shape() + " rejected: the scheduler is shut down"));
            }
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (Lane lane : lanes) {
                CompletableFuture<Void> done = new CompletableFuture<>();
                lane.inbox.add(new Lane.Calibrate(sample, done));
                all.add(done);
            }
            return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
        } finally {
            lock.unlock();
        }
    }

    /**
     * A queued request is being cancelled: take it out so it neither runs nor holds queue space. Called before its
     * future completes, so that whoever sees it cancelled also sees its queue place given back.
     */
    void onCancelled(Request r) {
        lock.lock();
        try {
            removeFromQueue(r);
        } finally {
            lock.unlock();
        }
    }

    private void removeFromQueue(Request r) {
        if (!r.inQueue) {
            return;
        }
        ArrayDeque<Request> q = queues.get(r.shape);
        q.remove(r);
        if (q.isEmpty()) {
            queues.remove(r.shape);
        }
        r.inQueue = false;
        queued--;
        notFull.signal();
        changed.signal();
    }

    // ---------------------------------------------------------------- dispatcher

    private void dispatchLoop() {
        lock.lock();
        try {
            while (true) {
                long now = ticker.read();
                expire(now);
                if (shutdown) {
                    if (queued == 0 && idle()) {
                        break;
                    }
                    if (now - drainDeadline >= 0) {
                        abort();
                        break;
                    }
                }
                long wait = dispatchReady(now);
                if (!deadlines.isEmpty()) {
                    wait = Math.min(wait, deadlines.peek().deadline - now);
                }
                if (shutdown) {
                    wait = Math.min(wait, drainDeadline - now);
                }
                if (wait <= 0) {
                    continue;
                }
                try {
                    if (wait == Long.MAX_VALUE) {
                        changed.await();
                    } else {
                        changed.awaitNanos(Math.min(wait, POLL_NANOS));
                    }
                } catch (InterruptedException e) {
                    // Only shutdown ends the dispatcher; an interrupt from outside is not ours to act on.
                }
            }
            for (Lane lane : lanes) {
                lane.inbox.add(new Lane.Stop());
            }
            if (fallback != null) {
                fallback.inbox.add(new Lane.Stop());
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Hands every ready batch to a lane with room. A shape's queue is ready when it holds the lane's planned cap,
     * its oldest request has waited {@code maxDelay}, or the scheduler is draining; the oldest ready queue goes first.
     * Returns the nanoseconds until a waiting queue becomes ready, or {@link Long#MAX_VALUE}.
     */
    private long dispatchReady(long now) {
        while (queued > 0) {
            Lane lane = leastLoadedLane();
            if (lane == null) {
                return Long.MAX_VALUE;
            }
            ArrayDeque<Request> best = null;
            long nextReady = Long.MAX_VALUE;
            for (Map.Entry<ModelInput.Shape, ArrayDeque<Request>> e : queues.entrySet()) {
                ArrayDeque<Request> q = e.getValue();
                Request head = q.peekFirst();
                long waited = now - head.enqueuedAt;
                boolean ready = shutdown || waited >= maxDelayNanos || q.size() >= lane.memory.plannedCap(e.getKey());
                if (ready) {
                    if (best == null || head.enqueuedAt - best.peekFirst().enqueuedAt < 0) {
                        best = q;
                    }
                } else {
                    nextReady = Math.min(nextReady, maxDelayNanos - waited);
                }
            }
            if (best == null) {
                return nextReady;
            }
            ModelInput.Shape shape = best.peekFirst().shape;
            int cap = lane.memory.plannedCap(shape);
            List<Request> batch = new ArrayList<>(Math.min(cap, best.size()));
            while (batch.size() < cap && !best.isEmpty()) {
                Request r = best.pollFirst();
                r.inQueue = false;
                batch.add(r);
            }
            if (best.isEmpty()) {
                queues.remove(shape);
            }
            queued -= batch.size();
            notFull.signalAll();
            lane.inFlight++;
            lane.dispatched++;
            lane.inbox.add(new Lane.Batch(shape, batch));
        }
        return Long.MAX_VALUE;
    }

    /** The lane with room and the fewest batches in flight; ties go to the one that was handed the fewest so far. */
    private Lane leastLoadedLane() {
        Lane best = null;
        for (Lane lane : lanes) {
            if (lane.inFlight >= maxInFlightPerLane) {
                continue;
            }
            if (best == null || lane.inFlight < best.inFlight
                    || (lane.inFlight == best.inFlight && lane.dispatched < best.dispatched)) {
                best = lane;
            }
        }
        return best;
    }

    private void expire(long now) {
        while (!deadlines.isEmpty() && deadlines.peek().deadline - now <= 0) {
            Request r = deadlines.poll();
            if (r.isDone()) {
                continue;
            }
            boolean waiting = r.tryAbandon();
            if (waiting) {
                removeFromQueue(r);
            } else if (!r.started()) {
                continue;
            }
            long ms = TimeUnit.NANOSECONDS.toMillis(r.deadline - r.submittedAt);
            fail(r, new SchedulerTimeoutException(r + " did not complete within " + ms + " ms ("
                    + (waiting ? "still waiting for a batch" : "its batch was still running") + ")"));
        }
    }

    private boolean idle() {
        for (Lane lane : lanes) {
            if (lane.inFlight > 0) {
                return false;
            }
        }
        return fallbackPending == 0;
    }

    /** The drain ran out of time: fail everything unfinished; lanes finish their current pass and stop. */
    private void abort() {
        aborted = true;
        for (ArrayDeque<Request> q : queues.values()) {
            for (Request r : q) {
                r.inQueue = false;
                r.tryAbandon();
            }
        }
        queues.clear();
        queued = 0;
        notFull.signalAll();
        // Claim every request first, then fail them: failing one runs its caller's continuations, which may let a pass
        // on a device end, and that pass must then find its requests already settled, not deliver to them.
        List<Request> claimed = new ArrayList<>();
        for (Request r : new ArrayList<>(outstanding)) {
            r.tryAbandon();
            if (r.settle()) {
                claimed.add(r);
            }
        }
        for (Request r : claimed) {
            SchedulerShutdownException error = new SchedulerShutdownException(r + " was still "
                    + (r.started() ? "running" : "waiting") + " when the scheduler's shutdown timeout ran out");
            stats.failed.increment();
            complete(r, () -> r.completeExceptionally(error));
        }
    }

    // ---------------------------------------------------------------- lane callbacks

    boolean aborted() {
        return aborted;
    }

    void finished(Lane lane) {
        lock.lock();
        try {
            if (lane.fallback) {
                fallbackPending--;
            } else {
                lane.inFlight--;
            }
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Fails requests a lane took but will not run because the drain ran out. */
    void abandon(List<Request> requests) {
        for (Request r : requests) {
            r.tryAbandon();
            fail(r, new SchedulerShutdownException(r + " did not run before the scheduler's shutdown timeout ran out"));
        }
    }

    /** One image does not fit on its device even after a release and a retry. */
    void outOfMemory(Lane lane, Request r, DeviceOutOfMemoryException cause) {
        if (fallback != null) {
            lock.lock();
            try {
                fallbackPending++;
                stats.cpuFallbacks.increment();
                fallback.inbox.add(new Lane.Batch(r.shape, List.of(r)));
            } finally {
                lock.unlock();
            }
            return;
        }
        fail(r, new DeviceOutOfMemoryException("one " + r.shape + " input (" + r + ") does not fit in the memory of "
                + lane.backend.device() + " even after releasing cached memory, and no CPU fallback is configured",
                cause));
    }

    void deliver(Request r, ModelOutput alpha) {
        complete(r, () -> {
            if (r.settle()) {
                stats.success(ticker.read() - r.submittedAt);
                r.complete(alpha);
            }
        });
    }

    void fail(Request r, Throwable error) {
        complete(r, () -> {
            if (r.settle()) {
                (error instanceof SchedulerTimeoutException ? stats.timedOut : stats.failed).increment();
                r.completeExceptionally(error);
            }
        });
    }

    /** Completes off the lane thread so that callers' continuations never hold up the device. */
    private void complete(Request r, Runnable action) {
        try {
            completion.execute(action);
        } catch (RejectedExecutionException e) {
            action.run();
        }
    }

    // ---------------------------------------------------------------- lifecycle and stats

    @Override
    public void shutdown(Duration drainTimeout) {
        Objects.requireNonNull(drainTimeout, "drain timeout");
        lock.lock();
        try {
            long deadline = saturatedAdd(ticker.read(), Math.max(0, nanos(drainTimeout)));
            if (!shutdown || deadline - drainDeadline < 0) {
                drainDeadline = deadline;
            }
            shutdown = true;
            notFull.signalAll();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        long end = saturatedAdd(System.nanoTime(), nanos(timeout));
        for (Thread t : threads) {
            long left = end - System.nanoTime();
            if (left > 0) {
                TimeUnit.NANOSECONDS.timedJoin(t, left);
            }
        }
        return isTerminated();
    }

    @Override
    public boolean isShutdown() {
        lock.lock();
        try {
            return shutdown;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean isTerminated() {
        for (Thread t : threads) {
            if (t.isAlive()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        shutdown(drainTimeout);
        if (threads.contains(Thread.currentThread())) {
            return; // closed from our own thread (a continuation on a lane): waiting here would wait on ourselves
        }
        boolean interrupted = false;
        for (Thread t : threads) {
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public SchedulerStats stats() {
        int depth;
        int inFlight = 0;
        lock.lock();
        try {
            depth = queued;
            for (Lane lane : lanes) {
                inFlight += lane.inFlight;
            }
        } finally {
            lock.unlock();
        }
        List<SchedulerStats.LaneStats> perLane = new ArrayList<>();
        for (Lane lane : lanes) {
            perLane.add(new SchedulerStats.LaneStats(lane.index, lane.backend.device(), lane.batches.sum(),
                    lane.images.sum(), lane.memory.bytesPerImageSnapshot(), lane.memory.oomCapsSnapshot()));
        }
        return stats.snapshot(depth, inFlight, ticker.read(), perLane);
    }

    /** Requests whose deadline is still watched; for tests that check finished requests are let go. */
    int watchedDeadlines() {
        lock.lock();
        try {
            return deadlines.size();
        } finally {
            lock.unlock();
        }
    }

    /** Nanoseconds in {@code d}, saturating instead of overflowing for durations past 292 years. */
    private static long nanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }
}
