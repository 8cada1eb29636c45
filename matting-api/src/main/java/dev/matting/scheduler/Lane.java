package dev.matting.scheduler;

import dev.matting.common.DeviceOutOfMemoryException;
import dev.matting.common.InferenceException;
import dev.matting.common.SchedulerShutdownException;
import dev.matting.spi.BatchBackend;
import dev.matting.spi.ModelInput;
import dev.matting.spi.ModelOutput;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * One thread that owns one {@link BatchBackend} and runs the tasks handed to it in order. Before each forward pass it
 * re-reads device memory and splits a batch that no longer fits; on failure it splits again to save the good images.
 * The CPU fallback lane is a lane too, running single images that ran out of device memory elsewhere.
 */
final class Lane implements Runnable {

    /** Work for a lane. */
    sealed interface Task permits Batch, Calibrate, Stop {
    }

    /** Requests of one shape to run, already taken out of the queue. */
    record Batch(ModelInput.Shape shape, List<Request> requests) implements Task {
    }

    /** Learn the bytes per image of the sample's shape, then complete {@code done}. */
    record Calibrate(ModelInput sample, CompletableFuture<Void> done) implements Task {
    }

    /** Exit after the tasks before it. */
    record Stop() implements Task {
    }

    final int index;
    final BatchBackend backend;
    final boolean fallback;
    final MemoryPlanner memory;
    final LinkedBlockingQueue<Task> inbox = new LinkedBlockingQueue<>();
    final LongAdder batches = new LongAdder();
    final LongAdder images = new LongAdder();
    private final DefaultMattingScheduler owner;
    /** Batches handed over and not finished; guarded by the scheduler's lock. */
    int inFlight;
    /** Batches handed over in total, to spread ties between idle lanes; guarded by the scheduler's lock. */
    long dispatched;

    Lane(DefaultMattingScheduler owner, int index, BatchBackend backend, boolean fallback, MemoryPlanner memory) {
        this.owner = owner;
        this.index = index;
        this.backend = backend;
        this.fallback = fallback;
        this.memory = memory;
    }

    String threadName() {
        return fallback ? "matting-lane-fallback" : "matting-lane-" + index;
    }

    @Override
    public void run() {
        while (true) {
            Task task;
            try {
                task = inbox.take();
            } catch (InterruptedException e) {
                // Only our own shutdown stops a lane: work already handed over must finish or be failed.
                continue;
            }
            if (task instanceof Stop) {
                return;
            }
            if (task instanceof Calibrate c) {
                calibrate(c);
            } else if (task instanceof Batch b) {
                try {
                    if (fallback) {
                        runFallback(b);
                    } else {
                        execute(b);
                    }
                } catch (Throwable t) {
                    // Nothing may escape and kill the lane with requests unanswered.
                    for (Request r : b.requests()) {
                        r.tryAbandon();
                        owner.fail(r, asInference(r, t));
                    }
                } finally {
                    owner.finished(this);
                }
            }
        }
    }

    private void calibrate(Calibrate c) {
        try {
            if (owner.aborted()) {
                c.done().completeExceptionally(new SchedulerShutdownException("scheduler shut down before calibrating "
                        + c.sample().shape() + " on lane " + index));
                return;
            }
            memory.calibrate(c.sample());
            c.done().complete(null);
        } catch (Throwable t) {
            c.done().completeExceptionally(t);
        }
    }

    private void execute(Batch batch) {
        List<Request> pending = batch.requests();
        if (!memory.isCalibrated(batch.shape()) && !owner.aborted()) {
            memory.calibrate(pending.get(0).input);
        }
        int i = 0;
        while (i < pending.size()) {
            if (owner.aborted()) {
                owner.abandon(pending.subList(i, pending.size()));
                return;
            }
            int cap = memory.batchCap(batch.shape());
            List<Request> chunk = new ArrayList<>(Math.min(cap, pending.size() - i));
            while (i < pending.size() && chunk.size() < cap) {
                Request r = pending.get(i++);
                if (r.tryStart()) {
                    chunk.add(r);
                }
            }
            if (!chunk.isEmpty()) {
                runWithRecovery(chunk);
            }
        }
    }

    /**
     * Runs one forward pass. Out of memory: release the cache, halve the shape's cap and run each half; one image gets
     * one retry and then the fallback lane or a typed error. Any other failure: split until the culprit fails alone.
     */
    private void runWithRecovery(List<Request> chunk) {
        ModelInput.Shape shape = chunk.get(0).shape;
        List<ModelOutput> alphas;
        try {
            batches.increment();
            images.add(chunk.size());
            owner.stats.batch(chunk.size());
            alphas = checked(backend.run(inputs(chunk)), chunk);
        } catch (DeviceOutOfMemoryException oom) {
            owner.stats.oomRetries.increment();
            memory.onOutOfMemory(shape, chunk.size());
            if (chunk.size() > 1) {
                splitAndRun(chunk);
                return;
            }
            Request r = chunk.get(0);
            if (!r.oomRetried) {
                r.oomRetried = true;
                runWithRecovery(chunk);
            } else {
                owner.outOfMemory(this, r, oom);
            }
            return;
        } catch (RuntimeException e) {
            if (chunk.size() > 1) {
                splitAndRun(chunk);
            } else {
                owner.fail(chunk.get(0), asInference(chunk.get(0), e));
            }
            return;
        }
        memory.onSuccess(shape, chunk.size());
        for (int k = 0; k < chunk.size(); k++) {
            owner.deliver(chunk.get(k), alphas.get(k));
        }
    }

    private void splitAndRun(List<Request> chunk) {
        int half = (chunk.size() + 1) / 2;
        runWithRecovery(chunk.subList(0, half));
        runWithRecovery(chunk.subList(half, chunk.size()));
    }

    private void runFallback(Batch batch) {
        for (Request r : batch.requests()) {
            if (owner.aborted()) {
                owner.fail(r, new SchedulerShutdownException("scheduler shut down before " + r
                        + " ran on the CPU fallback"));
                continue;
            }
            try {
                batches.increment();
                images.increment();
                owner.deliver(r, checked(backend.run(List.of(r.input)), List.of(r)).get(0));
            } catch (RuntimeException e) {
                owner.fail(r, asInference(r, e));
            }
        }
    }

    private static List<ModelInput> inputs(List<Request> chunk) {
        List<ModelInput> out = new ArrayList<>(chunk.size());
        for (Request r : chunk) {
            out.add(r.input);
        }
        return out;
    }

    private List<ModelOutput> checked(List<ModelOutput> alphas, List<Request> chunk) {
        boolean ok = alphas != null && alphas.size() == chunk.size();
        for (int k = 0; ok && k < alphas.size(); k++) {
            ok = alphas.get(k) != null;
        }
        if (!ok) {
            throw new InferenceException("backend " + backend.engine() + " on " + backend.device() + " returned "
                    + (alphas == null ? "no list" : alphas.size() + " alphas (or a null one)") + " for a batch of "
                    + chunk.size() + " " + chunk.get(0).shape + " inputs");
        }
        return alphas;
    }

    /** The error a request fails with: it names the request (its input's label) whatever the engine said. */
    private InferenceException asInference(Request r, Throwable t) {
        String cause = t instanceof InferenceException ? t.getMessage() : t.toString();
        return new InferenceException("forward pass for " + r + " on " + backend.device() + " failed: " + cause, t);
    }
}
