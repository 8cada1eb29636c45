package dev.matting.djl.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.ParameterStore;
import dev.matting.common.Device;
import dev.matting.common.DeviceOutOfMemoryException;
import dev.matting.common.InferenceException;
import dev.matting.common.MattingException;
import dev.matting.common.Precision;
import dev.matting.model.InputType;
import dev.matting.model.OutputAdapter;
import dev.matting.spi.BatchBackend;
import dev.matting.spi.ModelInput;
import dev.matting.spi.ModelOutput;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A DJL model on one device and precision, for any DJL engine: packs a batch into one N x 3 x H x W tensor, runs one
 * forward pass and hands back each image's alpha plane. Shared by every DJL-based backend (PyTorch, ONNX Runtime).
 *
 * <p>Every tensor of a call lives under one {@link NDManager} opened and closed inside {@link #run}, so nothing native
 * outlives the call. The input staging buffer is reused between calls, which is safe because a {@link BatchBackend}
 * has one caller at a time and no tensor that may alias the buffer survives the call.
 */
public final class DjlBatchBackend implements BatchBackend {
    private static final System.Logger LOG = System.getLogger(DjlBatchBackend.class.getName());

    private final ZooModel<NDList, NDList> model;
    private final Block block;
    private final ai.djl.Device djlDevice;
    private final Device device;
    private final Precision precision;
    private final InputType inputType;
    private final OutputAdapter output;
    private final String engine;
    private final Runnable cacheReleaser;
    private final int batchLimit;
    /** Runs the image stages on the device for inputs with a device plan; null where it does not (CPU, ONNX Runtime). */
    private final DeviceImaging imaging;
    private ByteBuffer staging;
    private boolean closed;

    DjlBatchBackend(ZooModel<NDList, NDList> model, ai.djl.Device djlDevice, Device device, Precision precision,
            InputType inputType, OutputAdapter output, String engine, Runnable cacheReleaser, int batchLimit, boolean prepareOnDevice) {
        this.model = Objects.requireNonNull(model, "model");
        this.block = model.getBlock();
        this.djlDevice = djlDevice;
        this.device = device;
        this.precision = precision;
        this.inputType = inputType;
        this.output = output;
        this.engine = engine;
        this.cacheReleaser = cacheReleaser;
        this.batchLimit = batchLimit;
        this.imaging = prepareOnDevice ? new DeviceImaging(model.getNDManager()) : null;
    }

    @Override
    public List<ModelOutput> run(List<ModelInput> batch) {
        if (closed) {
            throw new IllegalStateException("backend " + engine + " on " + device + " is closed");
        }
        if (batch.isEmpty()) {
            return List.of();
        }
        ModelInput first = batch.get(0);
        int n = batch.size();
        int h = first.height();
        int w = first.width();
        String what = describe(n, h, w);
        for (ModelInput in : batch) {
            if (in.height() != h || in.width() != w) {
                throw new InferenceException("one forward pass needs inputs of one shape, got " + first.shape() + " and "
                        + in.shape() + " in " + what);
            }
            if (in.isPixels() != (inputType == InputType.UINT8)) {
                throw new InferenceException("the model takes " + (inputType == InputType.UINT8 ? "uint8 pixels" : "float32 values")
                        + " but an input of " + what + " holds " + (in.isPixels() ? "uint8 pixels" : "float32 values"));
            }
        }
        if (batchLimit > 0 && n > batchLimit) {
            // the model file takes at most batchLimit images a pass: consecutive passes, results in batch order
            List<ModelOutput> alphas = new ArrayList<>(n);
            for (int i = 0; i < n; i += batchLimit) {
                alphas.addAll(run(batch.subList(i, Math.min(n, i + batchLimit))));
            }
            return alphas;
        }
        boolean onDevice = imaging != null && batch.stream().allMatch(in -> in.devicePlan().isPresent());
        try (NDManager manager = model.getNDManager().newSubManager(djlDevice)) {
            if (onDevice) {
                return runOnDevice(manager, batch, what);
            }
            NDArray packed = pack(manager, batch, inputType, stagingBuffer(n * 3 * h * w * (inputType == InputType.UINT8 ? 1 : 4)));
            NDList outputs = block.forward(new ParameterStore(manager, false), new NDList(packed), false);
            List<float[]> planes = unpack(outputs, output, n, h, w, what);
            List<ModelOutput> out = new ArrayList<>(n);
            for (float[] plane : planes) {
                out.add(ModelOutput.ofPlane(plane));
            }
            return out;
        } catch (MattingException e) {
            throw e;
        } catch (RuntimeException | OutOfMemoryError e) {
            throw mapFailure(e, what, device);
        }
    }

    /**
     * The GPU-resident path: each source goes up once as 8-bit RGB and is prepared there; one forward pass; each
     * alpha is finished there and all come back in one copy, one byte per source pixel. Inputs that go the same way
     * (same source size and kernels, the common case in a folder of photos or a camera's stream) go up in one copy and
     * are prepared and finished together, so the operations per batch do not grow with its size. The only host work per
     * image is the copy of its pixels into the reused staging buffer the upload reads from.
     */
    private List<ModelOutput> runOnDevice(NDManager manager, List<ModelInput> batch, String what) {
        int n = batch.size();
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        List<DeviceImaging.Plan> plans = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            DeviceImaging.Plan plan = DeviceImaging.plan(batch.get(i).devicePlan().orElseThrow());
            plans.add(plan);
            groups.computeIfAbsent(plan.shapeKey(), k -> new ArrayList<>()).add(i);
        }
        // the pass sees the images group by group; order[j] is the batch index of the pass's j-th image
        int[] order = new int[n];
        int at = 0;
        NDList prepared = new NDList(groups.size());
        for (List<Integer> group : groups.values()) {
            DeviceImaging.Plan plan = plans.get(group.get(0));
            int bytes = 3 * plan.sourceWidth() * plan.sourceHeight();
            ByteBuffer buf = stagingBuffer(Math.multiplyExact(bytes, group.size()));
            for (int i : group) {
                buf.put(batch.get(i).devicePlan().orElseThrow().image().rgb());
                order[at++] = i;
            }
            buf.flip();
            prepared.add(imaging.prepare(manager, buf, plan, group.size()));
        }
        NDArray packed = prepared.size() == 1 ? prepared.get(0) : NDArrays.concat(prepared);
        NDList outputs = block.forward(new ParameterStore(manager, false), new NDList(packed), false);
        NDArray planes = select(outputs, output, n, batch.get(0).height(), batch.get(0).width(), what);
        List<NDArray> alphas = new ArrayList<>(groups.size());
        int from = 0;
        for (List<Integer> group : groups.values()) {
            NDArray slice = planes.get(new NDIndex("{}:{}", from, from + group.size()));
            alphas.add(imaging.finishAll(manager, slice, plans.get(group.get(0))));
            from += group.size();
        }
        List<byte[]> bytes = DeviceImaging.download(alphas);
        ModelOutput[] out = new ModelOutput[n];
        for (int j = 0; j < n; j++) {
            out[order[j]] = ModelOutput.ofAlpha(bytes.get(j));
        }
        return List.of(out);
    }

    /** The adapter's output and channel of every image as one N x H x W tensor, where it lives. */
    private static NDArray select(NDList outputs, OutputAdapter adapter, int n, int h, int w, String what) {
        NDArray out = checkedOutput(outputs, adapter, n, h, w, what);
        return out.getShape().dimension() == 4 ? out.get(new NDIndex(":, {}", adapter.channel())) : out;
    }

    @Override
    public boolean preparesOnDevice() {
        return imaging != null;
    }

    private ByteBuffer stagingBuffer(int bytes) {
        if (staging == null || staging.capacity() < bytes) {
            staging = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
        }
        ByteBuffer b = staging.duplicate().order(ByteOrder.nativeOrder());
        b.clear().limit(bytes);
        return b;
    }

    /** Copies a same-shaped batch into {@code buffer} and makes one N x 3 x H x W tensor on the manager's device. */
    static NDArray pack(NDManager manager, List<ModelInput> batch, InputType type, ByteBuffer buffer) {
        ModelInput first = batch.get(0);
        Shape shape = new Shape(batch.size(), 3, first.height(), first.width());
        if (type == InputType.UINT8) {
            for (ModelInput in : batch) {
                buffer.put(in.pixels());
            }
            buffer.flip();
            return manager.create(buffer, shape, DataType.UINT8);
        }
        FloatBuffer floats = buffer.asFloatBuffer();
        for (ModelInput in : batch) {
            floats.put(in.values());
        }
        floats.flip();
        return manager.create(floats, shape, DataType.FLOAT32);
    }

    /** Picks the adapter's output and channel and copies each image's H x W plane out, in batch order. */
    /** The adapter's output, checked to hold {@code n} images of {@code w x h} and the adapter's channel. */
    private static NDArray checkedOutput(NDList outputs, OutputAdapter adapter, int n, int h, int w, String what) {
        if (adapter.index() >= outputs.size()) {
            throw new InferenceException("the model returned " + outputs.size() + " output(s) for " + what
                    + " but model.json selects output index " + adapter.index());
        }
        NDArray out = outputs.get(adapter.index());
        long[] s = out.getShape().getShape();
        int channels;
        if (s.length == 4) {
            channels = (int) s[1];
        } else if (s.length == 3) {
            channels = 1;
        } else {
            throw new InferenceException("the model returned an output of shape " + out.getShape() + " for " + what
                    + "; expected N x C x H x W or N x H x W");
        }
        if (s[0] != n || s[s.length - 2] != h || s[s.length - 1] != w) {
            throw new InferenceException("the model returned an output of shape " + out.getShape() + " for " + what
                    + "; expected " + n + " images of " + w + "x" + h);
        }
        if (adapter.channel() >= channels) {
            throw new InferenceException("model.json selects output channel " + adapter.channel() + " but the output of "
                    + what + " has shape " + out.getShape());
        }
        return out;
    }

    static List<float[]> unpack(NDList outputs, OutputAdapter adapter, int n, int h, int w, String what) {
        NDArray out = checkedOutput(outputs, adapter, n, h, w, what);
        long[] s = out.getShape().getShape();
        int channels = s.length == 4 ? (int) s[1] : 1;
        // On a GPU, select the channel and convert to float there, before the copy: half outputs cross the bus at half
        // size and no conversion runs on the host. (CPU arrays of engines without slicing, ONNX Runtime's, are read
        // in place.) Then one copy to the host and one into each image's array.
        int channel = adapter.channel();
        if (out.getDevice().isGpu()) {
            if (channels > 1) {
                out = out.get(new NDIndex(":, {}", channel));
                channels = 1;
                channel = 0;
            }
            if (out.getDataType() != DataType.FLOAT32) {
                out = out.toType(DataType.FLOAT32, false);
            }
            out = out.toDevice(ai.djl.Device.cpu(), false);
        } else if (out.getDataType() != DataType.FLOAT32) {
            out = out.toType(DataType.FLOAT32, false);
        }
        FloatBuffer data = out.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
        int plane = h * w;
        List<float[]> alphas = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[] alpha = new float[plane];
            data.get((i * channels + channel) * plane, alpha);
            alphas.add(alpha);
        }
        return alphas;
    }

    /**
     * Turns an engine failure into the SDK's types: out-of-memory (CUDA, the ONNX Runtime arena, the JVM) becomes a
     * {@link DeviceOutOfMemoryException} the scheduler can split on, everything else an {@link InferenceException}
     * naming the batch shape.
     */
    public static InferenceException mapFailure(Throwable t, String what, Device device) {
        String detail = rootMessage(t);
        if (isOutOfMemory(t)) {
            return new DeviceOutOfMemoryException(device + " ran out of memory for " + what + ": " + detail, t);
        }
        return new InferenceException("forward pass failed on " + device + " for " + what + ": " + detail, t);
    }

    static boolean isOutOfMemory(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof OutOfMemoryError) {
                return true;
            }
            String m = c.getMessage();
            if (m != null) {
                String lower = m.toLowerCase(Locale.ROOT);
                if (lower.contains("out of memory") || lower.contains("cuda_error_out_of_memory")
                        || lower.contains("failed to allocate memory")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        String m = c.getMessage() == null ? c.toString() : c.getMessage();
        // libtorch appends a long C++ stack trace after the first lines; the head is what a reader needs
        String[] lines = m.strip().split("\n", 3);
        return lines.length > 1 ? lines[0] + " " + lines[1] : lines[0];
    }

    static String describe(int n, int h, int w) {
        return "batch " + n + "x3x" + h + "x" + w;
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
        return engine;
    }

    @Override
    public void releaseCachedMemory() {
        try {
            cacheReleaser.run();
        } catch (RuntimeException | LinkageError e) {
            LOG.log(System.Logger.Level.WARNING, "releasing cached device memory on " + device + " failed: " + e);
        }
    }

    /** The most images one forward pass takes (0: any); larger batches run as consecutive passes. */
    int batchLimit() {
        return batchLimit;
    }

    /** The model's manager; each call's tensors live in a child of it, which tests use to check for leaks. */
    NDManager modelManager() {
        return model.getNDManager();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            model.close();
        }
    }

    @Override
    public String toString() {
        return "DjlBatchBackend[" + engine + ", " + device + ", " + precision + "]";
    }
}
