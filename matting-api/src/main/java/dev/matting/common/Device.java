package dev.matting.common;

/**
 * Where inference runs: the CPU or one GPU by index.
 *
 * @param kind  CPU or GPU
 * @param index the GPU's number, from 0; always 0 for the CPU
 */
public record Device(Kind kind, int index) {

    /** The kinds of device a backend can run on. */
    public enum Kind {
        /** The host's processors, together; always index 0. */
        CPU,
        /** One NVIDIA GPU, run through CUDA. */
        GPU
    }

    /**
     * Checks that the kind is set and the index fits it: 0 for the CPU, 0 or more for a GPU.
     *
     * @throws IllegalArgumentException when the kind is {@code null} or the index does not fit it
     */
    public Device {
        if (kind == null) {
            throw new IllegalArgumentException("device kind is null");
        }
        if (index < 0 || (kind == Kind.CPU && index != 0)) {
            throw new IllegalArgumentException("bad device index " + index + " for " + kind);
        }
    }

    /** The CPU. */
    public static Device cpu() {
        return new Device(Kind.CPU, 0);
    }

    /**
     * The GPU numbered {@code index}, from 0.
     *
     * @throws IllegalArgumentException when {@code index} is negative
     */
    public static Device gpu(int index) {
        return new Device(Kind.GPU, index);
    }

    /** Whether this is a GPU rather than the CPU. */
    public boolean isGpu() {
        return kind == Kind.GPU;
    }

    /**
     * Checks a set of devices to run one model on, one scheduler lane each: no device twice, and all GPUs or the CPU
     * (a CPU lane would hold up GPU lanes' batches). Returns an immutable copy.
     *
     * @throws IllegalArgumentException naming the devices when either rule is broken
     */
    public static java.util.List<Device> checkLanes(java.util.List<Device> devices) {
        java.util.List<Device> copy = java.util.List.copyOf(devices);
        if (copy.stream().distinct().count() != copy.size()) {
            throw new IllegalArgumentException("devices repeat: " + copy);
        }
        if (copy.stream().map(Device::isGpu).distinct().count() > 1) {
            throw new IllegalArgumentException("devices must be all GPUs or the CPU, got " + copy);
        }
        return copy;
    }

    /** Parses {@code cpu}, {@code gpu}, {@code gpu1}, {@code cuda:1}. */
    public static Device parse(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        if (t.equals("cpu")) {
            return cpu();
        }
        for (String prefix : new String[] {"cuda:", "gpu:", "cuda", "gpu"}) {
            if (t.startsWith(prefix)) {
                String rest = t.substring(prefix.length());
                try {
                    return gpu(rest.isEmpty() ? 0 : Integer.parseInt(rest));
                } catch (NumberFormatException e) {
                    break;
                }
            }
        }
        throw new IllegalArgumentException("unknown device '" + text + "' (expected cpu, gpu, gpu1 or cuda:1)");
    }

    @Override
    public String toString() {
        return kind == Kind.CPU ? "cpu" : "gpu" + index;
    }
}
