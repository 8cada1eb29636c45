package dev.matting.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.common.Device;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The ISA policy on injected CPUs and environments, and the libc environment it writes to. */
class CpuIsaGuardTest {
    /**
     * /proc/cpuinfo of a Zen 4 EPYC like the machine in issue 9, trimmed to the fields read: the flags include the
     * ones the issue lists (avx512f, avx512_bf16, avx512_vnni, avx512_vp2intersect); the model name is illustrative.
     */
    static final String ZEN4 = """
            processor	: 0
            vendor_id	: AuthenticAMD
            model name	: AMD EPYC 9R14 96-Core Processor
            flags		: fpu vme sse sse2 ssse3 sse4_1 sse4_2 avx f16c avx2 avx512f avx512dq avx512ifma avx512cd \
            avx512bw avx512vl avx512_bf16 avx512vbmi avx512_vbmi2 avx512_vnni avx512_bitalg avx512_vpopcntdq \
            avx512_vp2intersect

            processor	: 1
            vendor_id	: AuthenticAMD
            model name	: AMD EPYC 9R14 96-Core Processor
            flags		: fpu avx2 avx512f
            """;
    /** A Zen 3 EPYC without AVX-512, like this project's development box. */
    static final String ZEN3 = """
            processor	: 0
            vendor_id	: AuthenticAMD
            model name	: AMD EPYC 7R13 Processor
            flags		: fpu vme sse sse2 ssse3 sse4_1 sse4_2 avx f16c avx2 fma bmi2 vaes vpclmulqdq
            """;

    /** An environment in a map that records what was set. */
    static final class FakeEnvironment implements CpuIsaGuard.ProcessEnvironment {
        final Map<String, String> vars = new HashMap<>();
        boolean writable = true;

        @Override
        public String get(String name) {
            return vars.get(name);
        }

        @Override
        public boolean set(String name, String value) {
            if (writable) {
                vars.put(name, value);
            }
            return writable;
        }
    }

    @Test
    void anAvx512CpuGetsOneDnnCappedAtAvx2() {
        FakeEnvironment env = new FakeEnvironment();
        CpuIsaGuard.Decision d = CpuIsaGuard.apply(null, CpuIsaGuard.CpuInfo.parse(ZEN4), env);
        assertEquals("AVX2", env.get("ONEDNN_MAX_CPU_ISA"));
        assertTrue(d.sets() && d.reason().contains("AMD EPYC 9R14") && d.reason().contains("native"), d.reason());
    }

    @Test
    void aCpuWithoutAvx512IsLeftAlone() {
        FakeEnvironment env = new FakeEnvironment();
        CpuIsaGuard.Decision d = CpuIsaGuard.apply("auto", CpuIsaGuard.CpuInfo.parse(ZEN3), env);
        assertTrue(env.vars.isEmpty());
        assertFalse(d.sets());
        assertTrue(d.reason().contains("no AVX-512"), d.reason());
    }

    @Test
    void theUsersOwnVariableWinsUnderEitherName() {
        for (String name : new String[] {"ONEDNN_MAX_CPU_ISA", "DNNL_MAX_CPU_ISA"}) {
            FakeEnvironment env = new FakeEnvironment();
            env.vars.put(name, "AVX512_CORE");
            CpuIsaGuard.Decision d = CpuIsaGuard.apply("avx2", CpuIsaGuard.CpuInfo.parse(ZEN4), env);
            assertFalse(d.sets());
            assertEquals(Map.of(name, "AVX512_CORE"), env.vars);
        }
    }

    @Test
    void thePropertyOptsOutOrPicksAnIsa() {
        FakeEnvironment env = new FakeEnvironment();
        assertFalse(CpuIsaGuard.apply("native", CpuIsaGuard.CpuInfo.parse(ZEN4), env).sets());
        assertTrue(env.vars.isEmpty());
        CpuIsaGuard.apply("AVX512_core_vnni", CpuIsaGuard.CpuInfo.parse(ZEN3), env);
        assertEquals("AVX512_CORE_VNNI", env.get("ONEDNN_MAX_CPU_ISA"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CpuIsaGuard.apply("avx3", CpuIsaGuard.CpuInfo.parse(ZEN4), new FakeEnvironment()));
        assertTrue(e.getMessage().contains(CpuIsaGuard.PROPERTY) && e.getMessage().contains("avx3"), e.getMessage());
    }

    @Test
    void anEnvironmentThatCannotBeWrittenIsReported() {
        FakeEnvironment env = new FakeEnvironment();
        env.writable = false;
        CpuIsaGuard.Decision d = CpuIsaGuard.apply("auto", CpuIsaGuard.CpuInfo.parse(ZEN4), env);
        assertFalse(d.sets());
        assertTrue(d.reason().startsWith("could not set ONEDNN_MAX_CPU_ISA=AVX2"), d.reason());
    }

    @Test
    void cpuInfoReadsTheFirstProcessor() {
        CpuIsaGuard.CpuInfo cpu = CpuIsaGuard.CpuInfo.parse(ZEN4);
        assertEquals("AMD EPYC 9R14 96-Core Processor", cpu.model());
        assertEquals("AuthenticAMD", cpu.vendor());
        assertTrue(cpu.hasAvx512() && cpu.flags().contains("avx512_vp2intersect"));
        assertTrue(cpu.widestIsa().startsWith("AVX-512 (avx512_bf16"), cpu.widestIsa());
        assertEquals("AVX2", CpuIsaGuard.CpuInfo.parse(ZEN3).widestIsa());
        assertEquals("unknown", CpuIsaGuard.CpuInfo.parse("").widestIsa());
    }

    @Test
    void libcSetenvIsWhatLibcGetenvReads() {
        Assumptions.assumeTrue(System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux"), "Linux only");
        CpuIsaGuard.ProcessEnvironment env = CpuIsaGuard.LibcEnvironment.load();
        String name = "DEV_MATTING_TEST_" + ProcessHandle.current().pid();
        assertNull(env.get(name));
        assertTrue(env.set(name, "avx2"));
        assertEquals("avx2", env.get(name));
        assertNull(System.getenv(name), "Java's environment is a snapshot taken at start-up");
    }

    @Test
    void thePyTorchBackendAppliesThePolicyBeforeItsEngineLoads() {
        // the devices() probe loads libtorch; the policy must have been decided by then
        assertTrue(new PyTorchBackend().devices().contains(Device.cpu()));
        assertNotNull(CpuIsaGuard.applied());
    }
}
