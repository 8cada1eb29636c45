package dev.matting.djl.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.matting.model.InputType;
import dev.matting.model.ModelSpec;
import dev.matting.model.Normalization;
import dev.matting.model.OutputAdapter;
import dev.matting.model.ResizeFilter;
import dev.matting.model.ResizeKernel;
import dev.matting.spi.DevicePlan;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The image stages around the forward pass, run on the device as tensor operations: an 8-bit RGB image goes up once;
 * it is resized (any separable filter is two matrix products with the filter's weights as dense matrices, which the
 * GPU does in microseconds), padded (padding rows and columns repeat the edge's weights, so padding costs nothing),
 * normalised and batched; after the forward pass each image's alpha is activated, quantised, cropped and resized back
 * to the source size (again two matrix products, whose columns beyond the scaled region are zero: the crop is free)
 * and brought back as one byte per source pixel.
 *
 * <p>Rounding follows the arithmetic of the filters' authors where it is observable: Pillow rounds to 8 bits after
 * each pass, so the device does too ({@code floor(x + 0.5)}, clamped; torch's {@code round} is half-to-even). The
 * sums themselves are float32 rather than Pillow's 22-bit fixed point, so a sample can differ by one level; that is
 * the documented bound of the device path (within 1/255 of the CPU path).
 *
 * <p>Weight matrices are uploaded once per size and kept in a small cache owned by the backend's model manager.
 * Not thread-safe: one lane uses it.
 */
final class DeviceImaging {
    /** Dense weight matrices kept per key; photos come in a handful of sizes. */
    private static final int CACHE_SIZE = 32;

    private final NDManager owner;
    private final Map<String, NDArray> matrices = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, NDArray> eldest) {
            if (size() > CACHE_SIZE) {
                eldest.getValue().close();
                return true;
            }
            return false;
        }
    };

    DeviceImaging(NDManager owner) {
        this.owner = owner;
    }

    /**
     * One axis of a resize, {@code out = M * in}: a kernel and how it is fitted to the model's padded size. The dense
     * matrix is built only when the device has none under {@code key} yet (building it costs milliseconds per image).
     */
    record Axis(String key, int in, int out, boolean identity, java.util.function.Supplier<float[]> dense) {
    }

    /** How one image is brought to the model and back; everything a device needs, nothing of the SDK's types. */
    record Plan(int sourceWidth, int sourceHeight, Axis inX, Axis inY, boolean inRounds, boolean inRoundsBetween,
            boolean imageMax, double scale, float[] mean, float[] std, boolean uint8Input, Activation activation,
            boolean quantizeFloor, boolean outEightBit, boolean outRoundsBetween, Axis outX, Axis outY) {
        /**
         * Equal for inputs of one model that go the same way in and back (same source size, same kernels): such
         * inputs are prepared and finished together, as one tensor.
         */
        String shapeKey() {
            return sourceWidth + "x" + sourceHeight + "|" + inX.key() + "|" + inY.key() + "|" + outX.key() + "|"
                    + outY.key();
        }
    }

    /**
     * The plan for one input: the kernels of its {@link DevicePlan} as dense matrices, the way in padded to the model's
     * size by repeating the last row and column's weights, the way back reading only the scaled region (zero weights
     * on the padding), and the descriptor's normalisation and output adapter as flags.
     */
    static Plan plan(DevicePlan p) {
        ModelSpec spec = p.spec();
        OutputAdapter out = spec.output();
        Normalization norm = spec.normalization();
        boolean floatArea = spec.inputResize() == ResizeFilter.AREA && spec.inputType() == InputType.FLOAT32;
        return new Plan(p.image().width(), p.image().height(),
                padded("in-x", p.inX(), p.paddedWidth()), padded("in-y", p.inY(), p.paddedHeight()),
                !floatArea, p.inX().arithmetic() == ResizeKernel.Arithmetic.PILLOW_8BIT
                        || p.inY().arithmetic() == ResizeKernel.Arithmetic.PILLOW_8BIT,
                norm.imageMax(), norm.scale(), toFloats(norm.mean()), toFloats(norm.std()),
                spec.inputType() == InputType.UINT8, Activation.valueOf(out.activation().name()),
                out.quantize() == OutputAdapter.Quantize.FLOOR, out.resize().eightBit(),
                p.outX().arithmetic() == ResizeKernel.Arithmetic.PILLOW_8BIT
                        || p.outY().arithmetic() == ResizeKernel.Arithmetic.PILLOW_8BIT,
                cropped("out-x", p.outX(), p.paddedWidth()), cropped("out-y", p.outY(), p.paddedHeight()));
    }

    /** {@code k} (in -> out) as a dense {@code padded x in} matrix whose rows past {@code out} repeat the last one. */
    private static Axis padded(String name, ResizeKernel k, int padded) {
        int in = k.inSize();
        boolean identity = k.isIdentity() && padded == k.outSize();
        return new Axis(key(name, k, padded), in, padded, identity, () -> {
            float[] m = new float[padded * in];
            for (int o = 0; o < padded; o++) {
                int row = Math.min(o, k.outSize() - 1);
                for (int t = 0; t < k.count(row); t++) {
                    m[o * in + k.first(row) + t] += (float) k.weight(row, t);
                }
            }
            return m;
        });
    }

    /** {@code k} (in -> out) as a dense {@code out x padded} matrix, zero on the columns past {@code in}. */
    private static Axis cropped(String name, ResizeKernel k, int padded) {
        int in = k.inSize();
        int out = k.outSize();
        boolean identity = k.isIdentity() && padded == in;
        return new Axis(key(name, k, padded), padded, out, identity, () -> {
            float[] m = new float[out * padded];
            for (int o = 0; o < out; o++) {
                for (int t = 0; t < k.count(o); t++) {
                    m[o * padded + k.first(o) + t] += (float) k.weight(o, t);
                }
            }
            return m;
        });
    }

    private static String key(String name, ResizeKernel k, int padded) {
        return name + ":" + k.filter().key() + ":" + k.arithmetic() + ":" + k.inSize() + ">" + k.outSize() + "/" + padded;
    }

    private static float[] toFloats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    /** What turns the model's output into alpha in [0, 1]. */
    enum Activation { NONE, SIGMOID, MINMAX, SIGMOID_MINMAX }

    /**
     * Uploads {@code rgb} ({@code height x width x 3} bytes from the buffer's position) and prepares it as a
     * {@code 3 x paddedHeight x paddedWidth} model input (float32, or uint8 for models that normalise in-graph), owned
     * by {@code manager}. Intermediates live and die in a sub-manager.
     */
    NDArray prepare(NDManager manager, ByteBuffer rgb, Plan p) {
        NDArray one = prepare(manager, rgb, p, 1);
        NDArray out = one.squeeze(0);
        out.attach(manager);
        return out;
    }

    /**
     * Uploads {@code n} images of the plan's source size, one after another in {@code rgb} ({@code n x height x width x
     * 3} bytes), in one copy and prepares them together as an {@code n x 3 x paddedHeight x paddedWidth} input: one
     * sequence of operations for the group instead of one per image. Reductions (the image-max scale) stay per image.
     */
    NDArray prepare(NDManager manager, ByteBuffer rgb, Plan p, int n) {
        try (NDManager scratch = manager.newSubManager()) {
            NDArray src = scratch.create(rgb, new Shape(n, p.sourceHeight(), p.sourceWidth(), 3), DataType.UINT8);
            NDArray x = src.toType(DataType.FLOAT32, false).transpose(0, 3, 1, 2); // n x 3 x h x w
            x = resize(scratch, x, p.inX(), p.inY(), p.inRoundsBetween(), p.inRounds());
            NDArray out;
            if (p.uint8Input()) {
                out = x.toType(DataType.UINT8, false);
            } else {
                if (p.imageMax()) {
                    // rembg: divide by the resized image's own maximum, at least 1e-6
                    x = x.div(perImage(x, true).maximum(1e-6f));
                } else {
                    x = x.mul((float) p.scale());
                }
                NDArray mean = scratch.create(p.mean(), new Shape(3, 1, 1));
                NDArray std = scratch.create(p.std(), new Shape(3, 1, 1));
                out = x.sub(mean).div(std);
            }
            out.attach(manager);
            return out;
        }
    }

    /**
     * The 8-bit alpha at the source size, from one image's model-resolution output plane ({@code paddedHeight x
     * paddedWidth}, float), owned by {@code manager}.
     */
    NDArray finish(NDManager manager, NDArray plane, Plan p) {
        NDArray one = finishAll(manager, plane.expandDims(0), p);
        NDArray out = one.squeeze(0);
        out.attach(manager);
        return out;
    }

    /**
     * The 8-bit alphas at the source size ({@code n x height x width}) of a group of images that share the plan's
     * shape, from their output planes ({@code n x paddedHeight x paddedWidth}); the min-max activation is per image.
     */
    NDArray finishAll(NDManager manager, NDArray planes, Plan p) {
        try (NDManager scratch = manager.newSubManager()) {
            NDArray a = planes.toType(DataType.FLOAT32, false);
            a = switch (p.activation()) {
                case NONE -> a.clip(0f, 1f);
                case SIGMOID -> sigmoid(a);
                case MINMAX -> minMax(a);
                case SIGMOID_MINMAX -> minMax(sigmoid(a));
            };
            NDArray alpha;
            if (p.outEightBit()) {
                // quantised at model resolution, then resized as 8-bit samples (rembg's Image.fromarray(...).resize)
                NDArray q = a.mul(255f);
                q = (p.quantizeFloor() ? q.floor() : q.add(0.5f).floor()).clip(0f, 255f);
                alpha = resize(scratch, q, p.outX(), p.outY(), p.outRoundsBetween(), true);
            } else {
                // the SDK's float path: resize the float alpha, then round once
                NDArray r = resize(scratch, a, p.outX(), p.outY(), false, false);
                NDArray scaled = r.clip(0f, 1f).mul(255f);
                alpha = p.quantizeFloor() ? scaled.floor() : scaled.add(0.5f).floor();
            }
            NDArray bytes = alpha.toType(DataType.UINT8, false);
            bytes.attach(manager);
            return bytes;
        }
    }

    /**
     * Every image's alpha in one copy to the host: the tensors (one image's {@code height x width}, or a group's
     * {@code n x height x width}) are flattened and joined on the device, copied once, and split into one array per
     * image here, in order.
     */
    static List<byte[]> download(List<NDArray> alphas) {
        NDList flat = new NDList(alphas.size());
        for (NDArray a : alphas) {
            flat.add(a.flatten());
        }
        NDArray joined = flat.size() == 1 ? flat.get(0) : NDArrays.concat(flat);
        if (joined.getDevice().isGpu()) {
            joined = joined.toDevice(ai.djl.Device.cpu(), false);
        }
        ByteBuffer host = joined.toByteBuffer(true).order(ByteOrder.nativeOrder());
        List<byte[]> out = new ArrayList<>(alphas.size());
        for (NDArray a : alphas) {
            long[] dims = a.getShape().getShape();
            int images = dims.length == 3 ? Math.toIntExact(dims[0]) : 1;
            int each = Math.toIntExact(a.size() / images);
            for (int i = 0; i < images; i++) {
                byte[] b = new byte[each];
                host.get(b);
                out.add(b);
            }
        }
        return out;
    }

    /**
     * {@code x} is {@code ... x h x w} (any leading dimensions: channels, images); returns {@code ... x outY.out x
     * outX.out}, horizontal pass first.
     */
    private NDArray resize(NDManager scratch, NDArray x, Axis ax, Axis ay, boolean roundBetween, boolean roundEnd) {
        NDArray t = x;
        if (!ax.identity()) {
            t = t.matMul(matrix(ax, true)); // (c x h x w) @ (w x outW)
            if (roundBetween) {
                t = round8(t);
            }
        }
        if (!ay.identity()) {
            t = matrix(ay, false).matMul(t); // (outH x h) @ (c x h x outW), broadcast over c
        }
        return roundEnd ? round8(t) : t;
    }

    private static NDArray round8(NDArray t) {
        return t.add(0.5f).floor().clip(0f, 255f);
    }

    private static NDArray sigmoid(NDArray a) {
        return ai.djl.nn.Activation.sigmoid(a);
    }

    /**
     * The maximum (or minimum) of each image of {@code x} ({@code n x ...}), shaped to broadcast against it: DJL's
     * PyTorch reductions take one axis, so each image is flattened first.
     */
    private static NDArray perImage(NDArray x, boolean max) {
        long[] dims = x.getShape().getShape();
        long[] keep = new long[dims.length];
        java.util.Arrays.fill(keep, 1);
        keep[0] = dims[0];
        NDArray flat = x.reshape(dims[0], -1);
        return (max ? flat.max(new int[] {1}, true) : flat.min(new int[] {1}, true)).reshape(new Shape(keep));
    }

    /** Min-max over each image of {@code a} ({@code n x h x w}). */
    private static NDArray minMax(NDArray a) {
        NDArray lo = perImage(a, false);
        NDArray range = perImage(a, true).sub(lo);
        // numpy's (x - mi) / (ma - mi); a constant output has no range and comes out all zero, not NaN
        return a.sub(lo).div(range.maximum(1e-12f)).mul(range.gt(1e-12f).toType(DataType.FLOAT32, false));
    }

    /** The device copy of an axis' matrix, transposed for the horizontal pass. */
    private NDArray matrix(Axis a, boolean transposed) {
        String key = a.key() + (transposed ? "/T" : "");
        NDArray m = matrices.get(key);
        if (m == null) {
            float[] d = a.dense().get();
            if (transposed) {
                float[] t = new float[d.length];
                for (int o = 0; o < a.out(); o++) {
                    for (int i = 0; i < a.in(); i++) {
                        t[i * a.out() + o] = d[o * a.in() + i];
                    }
                }
                m = owner.create(t, new Shape(a.in(), a.out()));
            } else {
                m = owner.create(d, new Shape(a.out(), a.in()));
            }
            matrices.put(key, m);
        }
        return m;
    }
}
