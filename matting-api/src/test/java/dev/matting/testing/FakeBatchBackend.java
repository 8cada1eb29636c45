package dev.matting.testing;

import dev.matting.common.Device;
import dev.matting.common.DeviceOutOfMemoryException;
import dev.matting.common.InferenceException;
import dev.matting.common.Precision;
import dev.matting.spi.BatchBackend;
import dev.matting.spi.ModelInput;
import dev.matting.spi.ModelOutput;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * A {@link BatchBackend} with a simulated device memory for scheduler tests. Memory works like a caching allocator:
 * a pass needs {@code batch x bytesPerImage(shape)}, reuses what earlier passes left cached, and throws
 * {@link DeviceOutOfMemoryException} when weights, other users and cache would exceed the total, or when the batch is
 * larger than a hidden limit (an allocator that under-delivers). After an out-of-memory the cache is fragmented and
 * cannot be reused until {@link #releaseCachedMemory()}. Inputs carry an integer tag ({@link #input}); each alpha is
 * filled with its input's tag, so a mismatched alpha is visible, and tagged inputs can be poisoned to fail non-OOM.
 * Every pass is logged, calibration passes included (their inputs are blank: tag 0). In {@linkplain Builder#echo echo}
 * mode each alpha is instead its input's red plane scaled to [0, 1], so a whole pipeline's output can be checked
 * against its own source image.
 */
public final class FakeBatchBackend implements BatchBackend {

    /** How a pass ended. */
    public enum Outcome { OK, OUT_OF_MEMORY, FAILED, MIXED_SHAPES }

    /**
     * One forward pass as this backend saw it.
     *
     * @param seq        its number on this backend, from 0
     * @param shape      the shape of its first input
     * @param tags       the tags of its inputs, in order (0 for blank calibration inputs)
     * @param outcome    how it ended
     * @param freeBefore the free bytes as {@link #freeBytes()} reported just before it
     */
    public record Pass(long seq, ModelInput.Shape shape, List<Integer> tags, Outcome outcome, long freeBefore) {
        public boolean isCalibration() {
            return tags.stream().allMatch(t -> t == 0);
        }
    }

    private static final Duration GATE_GUARD = Duration.ofSeconds(30);

    private final Device device;
    private final Precision precision;
    private final long totalBytes;
    private final long weightsBytes;
    private final ToLongFunction<ModelInput.Shape> bytesPerImage;
    private final int oomAboveBatch;
    private final Set<Integer> poison;
    private final Duration latency;
    private final boolean measurable;
    private final boolean echo;

    private final Object gate = new Object();
    private boolean paused;
    private int entered;

    private long externalBytes;
    private long reservedBytes;
    private boolean fragmented;
    private int releases;
    private boolean running;
    private int overlappingCalls;
    private boolean closed;
    private final List<Pass> passes = new ArrayList<>();

    private FakeBatchBackend(Builder b) {
        this.device = b.device;
        this.precision = b.precision;
        this.totalBytes = b.totalBytes;
        this.weightsBytes = b.weightsBytes;
        this.bytesPerImage = b.bytesPerImage;
        this.oomAboveBatch = b.oomAboveBatch;
        this.poison = Set.copyOf(b.poison);
        this.latency = b.latency;
        this.measurable = b.measurable;
        this.echo = b.echo;
    }

    public static Builder builder(Device device) {
        return new Builder(device);
    }

    /** A pixel input of the given size whose first three bytes hold {@code tag} (1 .. 2^24-1). */
    public static ModelInput input(int tag, int height, int width) {
        if (tag < 1 || tag >= 1 << 24) {
            throw new IllegalArgumentException("tag must be in [1, 2^24), got " + tag);
        }
        byte[] chw = new byte[3 * height * width];
        chw[0] = (byte) tag;
        chw[1] = (byte) (tag >>> 8);
        chw[2] = (byte) (tag >>> 16);
        return ModelInput.ofPixels(height, width, chw);
    }

    /** A float input of the given size whose first value is {@code tag}. */
    public static ModelInput valuesInput(int tag, int height, int width) {
        float[] chw = new float[3 * height * width];
        chw[0] = tag;
        return ModelInput.ofValues(height, width, chw);
    }

    public static int tagOf(ModelInput input) {
        if (input.isPixels()) {
            byte[] p = input.pixels();
            return (p[0] & 0xFF) | (p[1] & 0xFF) << 8 | (p[2] & 0xFF) << 16;
        }
        return (int) input.values()[0];
    }

    /** The tag an alpha from this backend carries. */
    public static int tagOf(float[] alpha) {
        return (int) alpha[0];
    }

    @Override
    public List<ModelOutput> run(List<ModelInput> batch) {
        synchronized (gate) {
            entered++;
            gate.notifyAll();
            // A failed test may never resume us: give up waiting after a while so its scheduler can still close.
            long end = System.nanoTime() + GATE_GUARD.toNanos();
            while (paused && System.nanoTime() < end) {
                try {
                    gate.wait(Math.max(1, (end - System.nanoTime()) / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        synchronized (this) {
            if (running) {
                overlappingCalls++;
            }
            running = true;
        }
        try {
            return pass(batch);
        } finally {
            synchronized (this) {
                running = false;
            }
        }
    }

    private List<ModelOutput> pass(List<ModelInput> batch) {
        if (closed) {
            throw new IllegalStateException("backend on " + device + " is closed");
        }
        ModelInput.Shape shape = batch.get(0).shape();
        List<Integer> tags = batch.stream().map(FakeBatchBackend::tagOf).toList();
        synchronized (this) {
            long seq = passes.size();
            long free = freeBytes();
            if (batch.stream().anyMatch(in -> !in.shape().equals(shape))) {
                passes.add(new Pass(seq, shape, tags, Outcome.MIXED_SHAPES, free));
                throw new IllegalStateException("batch mixes shapes: " + batch.stream().map(ModelInput::shape).toList());
            }
            long need = batch.size() * bytesPerImage.applyAsLong(shape);
            long reusable = fragmented ? 0 : reservedBytes;
            long grow = Math.max(0, need - reusable);
            if (batch.size() > oomAboveBatch || weightsBytes + externalBytes + reservedBytes + grow > totalBytes) {
                fragmented = true;
                passes.add(new Pass(seq, shape, tags, Outcome.OUT_OF_MEMORY, free));
                throw new DeviceOutOfMemoryException("fake " + device + " out of memory for " + batch.size() + " x "
                        + shape + " (" + need + " bytes)");
            }
            reservedBytes += grow;
            if (tags.stream().anyMatch(poison::contains)) {
                passes.add(new Pass(seq, shape, tags, Outcome.FAILED, free));
                throw new InferenceException("fake engine failure on a poisoned input in " + tags);
            }
            passes.add(new Pass(seq, shape, tags, Outcome.OK, free));
        }
        if (!latency.isZero()) {
            try {
                Thread.sleep(latency.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<ModelOutput> out = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            float[] alpha = new float[shape.height() * shape.width()];
            if (echo) {
                redPlane(batch.get(i), alpha);
            } else {
                Arrays.fill(alpha, tags.get(i));
            }
            out.add(ModelOutput.ofPlane(alpha));
        }
        return out;
    }

    /** The first (red) plane of a CHW input, scaled to [0, 1]. */
    private static void redPlane(ModelInput in, float[] alpha) {
        for (int i = 0; i < alpha.length; i++) {
            alpha[i] = in.isPixels() ? (in.pixels()[i] & 0xFF) / 255f : in.values()[i];
        }
    }

    @Override
    public synchronized void releaseCachedMemory() {
        reservedBytes = 0;
        fragmented = false;
        releases++;
    }

    /** Free bytes as a driver would report them: the engine's cache counts as used. */
    public synchronized long freeBytes() {
        return totalBytes - weightsBytes - externalBytes - reservedBytes;
    }

    public long totalBytes() {
        return totalBytes;
    }

    /** Bytes a batch could use with an empty cache: total minus weights and other users. */
    public synchronized long usableBytes() {
        return totalBytes - weightsBytes - externalBytes;
    }

    /** Whether {@link FakeMemorySource} can measure this device (false imitates a CPU lane). */
    public boolean measurable() {
        return measurable;
    }

    public long bytesPerImage(ModelInput.Shape shape) {
        return bytesPerImage.applyAsLong(shape);
    }

    /** Simulates another process taking (or giving back) device memory. */
    public synchronized void setExternalBytes(long bytes) {
        this.externalBytes = bytes;
    }

    /** Makes every later pass wait at its start until {@link #resume()} (or, as a hang guard, 30 s). */
    public void pause() {
        synchronized (gate) {
            paused = true;
        }
    }

    public void resume() {
        synchronized (gate) {
            paused = false;
            gate.notifyAll();
        }
    }

    /**
     * Waits until {@code n} passes have started (a hang guard, not a timing check: fails after 10 s, resuming the
     * backend so that the test's scheduler can still close).
     */
    public void awaitEntered(int n) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        synchronized (gate) {
            while (entered < n) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    // Open the gate so the failing test can still shut its scheduler down.
                    paused = false;
                    gate.notifyAll();
                    throw new AssertionError("only " + entered + " of " + n + " passes started on " + device);
                }
                gate.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    public synchronized List<Pass> passes() {
        return List.copyOf(passes);
    }

    /** Passes over real (tagged) inputs, in order. */
    public synchronized List<Pass> requestPasses() {
        return passes.stream().filter(p -> !p.isCalibration()).toList();
    }

    public synchronized int releases() {
        return releases;
    }

    /** Whether {@link #close()} was called. */
    public synchronized boolean isClosed() {
        return closed;
    }

    /** Calls that overlapped another call: a backend is not thread-safe, so this must stay 0. */
    public synchronized int overlappingCalls() {
        return overlappingCalls;
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public Precision precision() {
        return precision;
    }

    @Override
    public String engine() {
        return "fake";
    }

    @Override
    public synchronized void close() {
        closed = true;
    }

    @Override
    public String toString() {
        return "FakeBatchBackend[" + device + "]";
    }

    /** Options for a {@link FakeBatchBackend}; by default 8 GiB, no weights, 64 MiB per image, no limits. */
    public static final class Builder {
        private final Device device;
        private Precision precision = Precision.FP32;
        private long totalBytes = 8L << 30;
        private long weightsBytes;
        private ToLongFunction<ModelInput.Shape> bytesPerImage = s -> 64L << 20;
        private int oomAboveBatch = Integer.MAX_VALUE;
        private Set<Integer> poison = Set.of();
        private Duration latency = Duration.ZERO;
        private boolean measurable;
        private boolean echo;

        private Builder(Device device) {
            this.device = Objects.requireNonNull(device);
            this.measurable = device.isGpu();
        }

        public Builder precision(Precision p) {
            this.precision = p;
            return this;
        }

        public Builder totalBytes(long bytes) {
            this.totalBytes = bytes;
            return this;
        }

        public Builder weightsBytes(long bytes) {
            this.weightsBytes = bytes;
            return this;
        }

        public Builder bytesPerImage(long bytes) {
            return bytesPerImage(s -> bytes);
        }

        public Builder bytesPerImage(ToLongFunction<ModelInput.Shape> perShape) {
            this.bytesPerImage = perShape;
            return this;
        }

        /** Passes of more than {@code n} images fail with out-of-memory whatever the memory says. */
        public Builder oomAboveBatch(int n) {
            this.oomAboveBatch = n;
            return this;
        }

        /** Passes containing any of these tags fail with a non-OOM {@link InferenceException}. */
        public Builder poison(Set<Integer> tags) {
            this.poison = tags;
            return this;
        }

        public Builder latency(Duration d) {
            this.latency = d;
            return this;
        }

        public Builder measurable(boolean m) {
            this.measurable = m;
            return this;
        }

        /** Each alpha is its input's red plane in [0, 1] instead of its tag. */
        public Builder echo(boolean on) {
            this.echo = on;
            return this;
        }

        public FakeBatchBackend build() {
            return new FakeBatchBackend(this);
        }
    }
}
