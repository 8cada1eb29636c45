package dev.matting.djl;

import ai.djl.engine.Engine;
import dev.matting.common.BackendUnavailableException;
import dev.matting.common.Device;
import dev.matting.djl.core.DjlMattingBackend;
import dev.matting.model.ModelFormat;
import dev.matting.spi.BackendOptions;
import java.util.Map;

/**
 * TorchScript models on DJL's PyTorch engine, on the CPU or a CUDA GPU, FP32 or FP16.
 *
 * <p>Which libtorch loads is DJL's business and follows its usual settings: the {@code pytorch-native-cpu} jar on the
 * class path, or {@code PYTORCH_LIBRARY_PATH}, {@code PYTORCH_VERSION} and {@code PYTORCH_FLAVOR} (for example a CUDA
 * build); nothing here pins a flavour. When the engine jar or its natives are missing, {@link #devices()} is empty.
 *
 * <p>Engine settings that PyTorch keeps per process ({@code intraOpThreads}, cuDNN benchmark) are applied when a
 * backend opens and so affect every PyTorch model in the JVM.
 *
 * <p>On the CPU two defences stand against wrong results from libtorch's oneDNN kernels (issue 9: AVX-512 kernels on
 * an AMD EPYC returned alphas off by 0.1 to 0.2): before libtorch loads, {@link CpuIsaGuard} caps oneDNN at AVX2 on
 * CPUs with AVX-512 (system property {@value CpuIsaGuard#PROPERTY}: {@code auto}, {@code native} or a oneDNN ISA),
 * and the first CPU open in the JVM runs {@link KnownAnswerProbe}, refusing the CPU with
 * {@link BackendUnavailableException} (naming the CPU, its ISA and the fix) when libtorch's answers are wrong. It
 * refuses rather than falls back: oneDNN reads its ISA cap once per process, so nothing inside this JVM can repair
 * the engine, and silently switching to another engine would hide a broken machine from whoever asked for this one.
 * TorchScript modules carry no input names, so {@code model.json}'s {@code input.name} is not checked here.
 */
public final class PyTorchBackend extends DjlMattingBackend {
    private static final System.Logger LOG = System.getLogger(PyTorchBackend.class.getName());
    /** The DJL engine name. */
    public static final String ENGINE = "PyTorch";
    /** System property: where the image stages run ({@code true}: on a GPU; {@code false}: on the CPU; {@code always}). */
    public static final String GPU_IMAGING_PROPERTY = "dev.matting.gpu.imaging";

    /**
     * The {@code pytorch} backend, for TorchScript files, as {@link java.util.ServiceLoader} creates it; libtorch
     * loads only with {@link #devices()} or {@link #open}.
     */
    public PyTorchBackend() {
        super("pytorch", ModelFormat.TORCHSCRIPT, ENGINE);
    }

    @Override
    public int priority(Device device) {
        // GPU: TorchScript FP16 ran at 3.9 ms/image (batch 8, H100), ahead of ONNX Runtime's CUDA provider.
        // CPU: ONNX Runtime measured faster on the tiny model (see OnnxRuntimeBackend), so it gets the higher number.
        return device.isGpu() ? 100 : 10;
    }

    /** The verdict of the CPU known-answer check, once per JVM (null until the first CPU open). */
    private static KnownAnswerProbe.Verdict cpuVerdict;

    @Override
    protected void beforeEngineLoads() {
        try {
            CpuIsaGuard.applyOnce();
        } catch (IllegalArgumentException e) {
            throw new BackendUnavailableException("backend 'pytorch': " + e.getMessage(), e);
        }
    }

    @Override
    protected void verifyDevice(Engine engine, Device device) {
        if (!device.isGpu()) {
            verifyCpu();
        }
    }

    private static synchronized void verifyCpu() {
        if (cpuVerdict == null) {
            try {
                cpuVerdict = KnownAnswerProbe.run(KnownAnswerProbe.expected());
            } catch (RuntimeException e) {
                throw new BackendUnavailableException("backend 'pytorch': the CPU known-answer check could not run: "
                        + e.getMessage(), e);
            }
            LOG.log(System.Logger.Level.DEBUG, () -> String.format(java.util.Locale.ROOT,
                    "PyTorch CPU known-answer check %s in %.1f ms: %s", cpuVerdict.passed() ? "passed" : "FAILED",
                    cpuVerdict.nanos() / 1e6, cpuVerdict.describe()));
        }
        if (!cpuVerdict.passed()) {
            throw KnownAnswerProbe.refusal(cpuVerdict, CpuIsaGuard.CpuInfo.read(), CpuIsaGuard.applied());
        }
    }

    @Override
    protected Map<String, String> engineOptions(BackendOptions options) {
        // map_location: a file traced on a GPU (the FP16 export) still loads on the CPU or another GPU index
        return Map.of("mapLocation", "true");
    }

    @Override
    protected void configureEngine(Engine engine, BackendOptions options) {
        if (options.intraOpThreads() > 0) {
            Native.setNumThreads(options.intraOpThreads());
        }
        if (options.device().isGpu()) {
            Native.setBenchmarkCuDNN(options.cudnnBenchmark());
        }
    }

    /**
     * On a GPU the image stages run there: decoding and encoding are then all the CPU does per image. System property
     * {@value #GPU_IMAGING_PROPERTY}: {@code true} (default), {@code false} to keep them on the CPU (to compare), or
     * {@code always} to run the device path on the CPU too (to check it where there is no GPU).
     */
    @Override
    protected boolean preparesOnDevice(Device device) {
        String mode = System.getProperty(GPU_IMAGING_PROPERTY, "true").trim().toLowerCase(java.util.Locale.ROOT);
        return switch (mode) {
            case "always" -> true;
            case "false" -> false;
            default -> device.isGpu();
        };
    }

    @Override
    protected Runnable cacheReleaser(Device device) {
        // torch.cuda.empty_cache(): gives the caching allocator's free blocks back to the driver
        return device.isGpu() ? Native::emptyCudaCache : () -> {
        };
    }

    /**
     * The only references to the PyTorch engine's classes, kept here so {@link PyTorchBackend} itself loads (and reports
     * no devices) when the {@code pytorch-engine} jar is excluded, as it is for ONNX-only users.
     */
    private static final class Native {
        private Native() {
        }

        static void setNumThreads(int n) {
            ai.djl.pytorch.jni.JniUtils.setNumThreads(n);
        }

        static void setBenchmarkCuDNN(boolean on) {
            ai.djl.pytorch.jni.JniUtils.setBenchmarkCuDNN(on);
        }

        static void emptyCudaCache() {
            ai.djl.pytorch.jni.JniUtils.emptyCudaCache();
        }
    }
}
