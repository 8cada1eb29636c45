package dev.matting.bench.report;

import dev.matting.bench.telemetry.Telemetry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** The machine and software a report was measured on: GPU and driver, CPU, cores, Java, engine versions. */
public record Environment(Map<String, String> entries) {

    public Environment {
        entries = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    /**
     * Captures this machine.
     *
     * @param engines the {@code BatchBackend.engine()} strings seen at runtime, e.g. {@code pytorch: PyTorch 2.7.1}
     */
    public static Environment capture(Telemetry telemetry, Map<String, String> engines) {
        Map<String, String> e = new LinkedHashMap<>();
        e.put("GPU", telemetry.gpu().map(g -> g.name() + " (" + (g.totalMemoryBytes() >> 20) + " MiB), driver " + g.driver())
                .orElse("none visible"));
        e.put("CPU", cpuModel());
        e.put("Cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        e.put("OS", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        e.put("Java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        e.put("Max heap", (Runtime.getRuntime().maxMemory() >> 20) + " MiB");
        property("ai/djl/engine/api.properties", "djl_version").ifPresent(v -> e.put("DJL", v));
        property("pytorch-engine.properties", "pytorch_version").ifPresent(v -> e.put("PyTorch (DJL engine built for)", v));
        property("jnilib/pytorch.properties", "jni_version").ifPresent(v -> e.put("PyTorch JNI", v));
        jarVersion("ai.djl.onnxruntime.engine.OrtEngine").ifPresent(v -> e.put("DJL ONNX Runtime engine", v));
        jarVersion("ai.onnxruntime.OrtEnvironment").ifPresent(v -> e.put("ONNX Runtime (jar)", v));
        jarVersion("org.openjdk.jmh.runner.Runner").ifPresent(v -> e.put("JMH", v));
        engines.forEach((k, v) -> e.put("Engine " + k, v));
        for (String var : List.of("PYTORCH_LIBRARY_PATH", "PYTORCH_VERSION", "PYTORCH_FLAVOR", "CUDA_VISIBLE_DEVICES")) {
            String v = System.getenv(var);
            if (v != null) {
                e.put(var, v);
            }
        }
        return new Environment(e);
    }

    static String cpuModel() {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.isReadable(cpuinfo)) {
            try {
                for (String line : Files.readAllLines(cpuinfo)) {
                    if (line.startsWith("model name")) {
                        return line.substring(line.indexOf(':') + 1).trim();
                    }
                }
            } catch (IOException ignored) {
                // fall back to the architecture below
            }
        }
        return System.getProperty("os.arch");
    }

    /** A value from a properties file the engine jars carry; empty when the jar is absent. */
    static java.util.Optional<String> property(String resource, String key) {
        try (InputStream in = Environment.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                return java.util.Optional.empty();
            }
            Properties p = new Properties();
            p.load(in);
            return java.util.Optional.ofNullable(p.getProperty(key));
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    /** The manifest version of the jar holding a class, loaded without initialising it (no native code runs). */
    static java.util.Optional<String> jarVersion(String className) {
        try {
            Package p = Class.forName(className, false, Environment.class.getClassLoader()).getPackage();
            String v = p == null ? null : p.getImplementationVersion() != null ? p.getImplementationVersion()
                    : p.getSpecificationVersion();
            return java.util.Optional.ofNullable(v);
        } catch (ClassNotFoundException | LinkageError e) {
            return java.util.Optional.empty();
        }
    }
}
