package dev.matting.djl;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Caps the instruction set of libtorch's oneDNN kernels before libtorch loads.
 *
 * <p>Why: on an AMD EPYC with AVX-512 the PyTorch CPU backend returned alphas off by up to 0.19 with no error; with
 * {@code ONEDNN_MAX_CPU_ISA=AVX2} the same tests matched eager PyTorch to 2e-5, while caps at {@code AVX512_CORE},
 * {@code AVX512_CORE_VNNI} or {@code AVX512_CORE_BF16} left the errors unchanged and {@code ATEN_CPU_CAPABILITY=avx2}
 * did nothing, so the wrong path is in oneDNN's AVX-512 kernels (issue 9). oneDNN reads the variable with libc
 * {@code getenv} once, at its first ISA query (first primitive), so setting it in the process environment through
 * libc {@code setenv} before the engine loads is effective; afterwards it is silently ignored. Java's own
 * {@code System.getenv()} is a snapshot and does not see the change.
 *
 * <p>Policy, from the system property {@value #PROPERTY}:
 * <ul>
 *   <li>{@code auto} (default): on a CPU that reports {@code avx512f} in {@code /proc/cpuinfo}, set
 *       {@code ONEDNN_MAX_CPU_ISA=AVX2}; otherwise leave oneDNN alone;</li>
 *   <li>{@code native}: never touch it (keep AVX-512 kernels, e.g. on a CPU known to be fine);</li>
 *   <li>any oneDNN value ({@code avx2}, {@code avx512_core}, {@code sse41}, ...): set exactly that.</li>
 * </ul>
 * Either way, a user who has set {@code ONEDNN_MAX_CPU_ISA} or {@code DNNL_MAX_CPU_ISA} already is left alone. The
 * decision is taken once per JVM and logged once (INFO when a cap is set, WARNING when it could not be).
 * {@code setenv} is not thread-safe against concurrent {@code getenv}; it runs once, under a lock, before any libtorch
 * thread exists. Only Linux is handled ({@code /proc/cpuinfo}, glibc); elsewhere nothing is changed.
 */
final class CpuIsaGuard {
    /** System property choosing the policy: {@code auto}, {@code native} or a oneDNN ISA name. */
    static final String PROPERTY = "dev.matting.pytorch.cpuIsa";
    static final String ONEDNN_VARIABLE = "ONEDNN_MAX_CPU_ISA";
    static final String DNNL_VARIABLE = "DNNL_MAX_CPU_ISA";
    /** The cap {@code auto} sets on AVX-512 CPUs. */
    static final String AUTO_CAP = "AVX2";
    /** Values oneDNN 3.7 accepts (it lower-cases them; an unknown value silently means "all"). */
    static final Set<String> ONEDNN_VALUES = Set.of("default", "sse41", "avx", "avx2", "avx2_vnni", "avx2_vnni_2",
            "avx512_core", "avx512_core_vnni", "avx512_core_bf16", "avx512_core_fp16", "avx512_core_amx",
            "avx512_core_amx_fp16", "avx10_1_512", "avx10_1_512_amx", "avx10_1_512_amx_fp16");

    private static final System.Logger LOG = System.getLogger(CpuIsaGuard.class.getName());
    private static Decision applied;

    private CpuIsaGuard() {
    }

    /** The process environment as libc sees it (tests use a map). */
    interface ProcessEnvironment {
        /** The variable's value, or null. */
        String get(String name);

        /** Sets the variable, overwriting; returns false when it could not. */
        boolean set(String name, String value);
    }

    /** What {@code /proc/cpuinfo} says about the first CPU: its model, its vendor and its flags. */
    record CpuInfo(String model, String vendor, Set<String> flags) {
        /** Parses {@code /proc/cpuinfo} text; unknown fields stay empty. */
        static CpuInfo parse(String text) {
            String model = "";
            String vendor = "";
            Set<String> flags = new HashSet<>();
            for (String line : text.split("\n")) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String key = line.substring(0, colon).trim();
                String value = line.substring(colon + 1).trim();
                if (key.equals("model name") && model.isEmpty()) {
                    model = value;
                } else if (key.equals("vendor_id") && vendor.isEmpty()) {
                    vendor = value;
                } else if (key.equals("flags") && flags.isEmpty()) {
                    flags.addAll(Set.of(value.split("\\s+")));
                }
            }
            return new CpuInfo(model, vendor, Set.copyOf(flags));
        }

        /** Reads {@code /proc/cpuinfo}; an unknown CPU (no such file: not Linux) when it cannot. */
        static CpuInfo read() {
            try {
                return parse(Files.readString(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8));
            } catch (IOException | RuntimeException e) {
                return new CpuInfo("", "", Set.of());
            }
        }

        boolean hasAvx512() {
            return flags.contains("avx512f");
        }

        /** The widest vector extension the CPU reports, for messages. */
        String widestIsa() {
            if (hasAvx512()) {
                return "AVX-512 (" + String.join(" ", flags.stream().filter(f -> f.startsWith("avx512")).sorted()
                        .toList()) + ")";
            }
            return flags.contains("avx2") ? "AVX2" : flags.contains("avx") ? "AVX" : flags.isEmpty() ? "unknown" : "SSE";
        }

        @Override
        public String toString() {
            return (model.isEmpty() ? "unknown CPU" : model) + (vendor.isEmpty() ? "" : " (" + vendor + ")");
        }
    }

    /**
     * What to do: set {@code variable} to {@code value}, or nothing when {@code value} is null; and why.
     *
     * @param variable the environment variable concerned
     * @param value    the value to set, or null to leave the environment alone
     * @param reason   one sentence for the log and for error messages
     */
    record Decision(String variable, String value, String reason) {
        boolean sets() {
            return value != null;
        }
    }

    /** The policy: see the class comment. */
    static Decision decide(String setting, CpuInfo cpu, ProcessEnvironment env) {
        for (String v : new String[] {ONEDNN_VARIABLE, DNNL_VARIABLE}) {
            String existing = env.get(v);
            if (existing != null && !existing.isBlank()) {
                return new Decision(v, null, v + "=" + existing + " is set in the environment; oneDNN keeps it");
            }
        }
        String s = setting == null || setting.isBlank() ? "auto" : setting.trim().toLowerCase(Locale.ROOT);
        if (s.equals("native")) {
            return new Decision(ONEDNN_VARIABLE, null, PROPERTY + "=native: oneDNN uses every ISA of " + cpu);
        }
        if (s.equals("auto")) {
            if (!cpu.hasAvx512()) {
                return new Decision(ONEDNN_VARIABLE, null, cpu + " reports no AVX-512; oneDNN left as is");
            }
            return new Decision(ONEDNN_VARIABLE, AUTO_CAP, cpu + " reports AVX-512, whose oneDNN kernels gave wrong "
                    + "PyTorch results on AMD EPYC (issue 9); capping oneDNN at AVX2 (set -D" + PROPERTY
                    + "=native to keep AVX-512)");
        }
        if (!ONEDNN_VALUES.contains(s)) {
            throw new IllegalArgumentException(PROPERTY + "='" + setting + "' is not auto, native or a oneDNN ISA "
                    + ONEDNN_VALUES.stream().sorted().toList());
        }
        return new Decision(ONEDNN_VARIABLE, s.toUpperCase(Locale.ROOT), PROPERTY + "=" + s + " asks for it");
    }

    /** Decides and, where the decision says so, sets the variable; logs the outcome. */
    static Decision apply(String setting, CpuInfo cpu, ProcessEnvironment env) {
        Decision d = decide(setting, cpu, env);
        if (d.sets()) {
            if (env.set(d.variable(), d.value())) {
                LOG.log(System.Logger.Level.INFO, "PyTorch CPU backend: " + d.variable() + "=" + d.value() + ": "
                        + d.reason());
            } else {
                d = new Decision(d.variable(), null, "could not set " + d.variable() + "=" + d.value() + " ("
                        + d.reason() + ")");
                LOG.log(System.Logger.Level.WARNING, "PyTorch CPU backend: " + d.reason()
                        + "; set it in the environment before starting the JVM");
            }
        } else {
            LOG.log(System.Logger.Level.DEBUG, "PyTorch CPU backend: " + d.reason());
        }
        return d;
    }

    /**
     * Applies the policy once per JVM, for the real CPU and process environment; later calls return the first
     * decision.
     *
     * @throws IllegalArgumentException when {@value #PROPERTY} holds an unknown value
     */
    static synchronized Decision applyOnce() {
        if (applied == null) {
            applied = apply(System.getProperty(PROPERTY), CpuInfo.read(), LibcEnvironment.load());
        }
        return applied;
    }

    /** The decision taken by {@link #applyOnce()}, or null before it ran. */
    static synchronized Decision applied() {
        return applied;
    }

    /** The environment through glibc, which is what oneDNN's {@code getenv} reads. */
    static final class LibcEnvironment implements ProcessEnvironment {
        /** The libc functions used; JNA maps them by name. */
        interface LibC extends Library {
            String getenv(String name);

            int setenv(String name, String value, int overwrite);
        }

        private final LibC libc;

        private LibcEnvironment(LibC libc) {
            this.libc = libc;
        }

        /** The process environment through libc, or through Java's read-only snapshot where libc cannot be loaded. */
        static ProcessEnvironment load() {
            Supplier<ProcessEnvironment> snapshot = () -> new ProcessEnvironment() {
                @Override
                public String get(String name) {
                    return System.getenv(name);
                }

                @Override
                public boolean set(String name, String value) {
                    return false;
                }
            };
            if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
                return snapshot.get();
            }
            try {
                return new LibcEnvironment(Native.load("c", LibC.class));
            } catch (RuntimeException | LinkageError e) {
                return snapshot.get();
            }
        }

        @Override
        public String get(String name) {
            return libc.getenv(name);
        }

        @Override
        public boolean set(String name, String value) {
            return libc.setenv(name, value, 1) == 0;
        }
    }
}
