package dev.matting.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The cap reaches libtorch's oneDNN for real: a child JVM (no ISA variable in its environment, oneDNN told to be
 * verbose) opens the PyTorch backend with {@value CpuIsaGuard#PROPERTY} set, and oneDNN's own first line says which
 * ISA it runs. This machine has no AVX-512, so {@code auto} would not cap here; forcing {@code sse41} shows that a cap
 * set through libc {@code setenv} before the engine loads is the one oneDNN uses, which is what {@code auto} relies
 * on for AVX-512 CPUs.
 */
class CpuIsaCapEndToEndTest {

    @Test
    void aCapSetBeforeTheEngineLoadsIsTheIsaOneDnnRuns() throws Exception {
        Assumptions.assumeTrue(System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux"), "Linux only");
        String capped = runChild("sse41");
        assertTrue(capped.contains("decision: Decision[variable=ONEDNN_MAX_CPU_ISA, value=SSE41"), capped);
        assertEquals("Intel SSE4.1", oneDnnIsa(capped), capped);

        String uncapped = runChild("native");
        assertTrue(uncapped.contains("value=null"), uncapped);
        assertFalse(oneDnnIsa(uncapped).contains("SSE4.1"), uncapped);
    }

    /** The ISA in oneDNN's verbose header, e.g. {@code onednn_verbose,v1,info,cpu,isa:Intel AVX2}. */
    private static String oneDnnIsa(String out) {
        for (String line : out.split("\n")) {
            int at = line.indexOf(",isa:");
            if (line.startsWith("onednn_verbose") && at >= 0) {
                return line.substring(at + 5).trim();
            }
        }
        throw new AssertionError("oneDNN printed no ISA line; output was:\n" + out);
    }

    private static String runChild(String isa) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("-D" + CpuIsaGuard.PROPERTY + "=" + isa);
        cmd.add("-Dai.djl.offline=true");
        cmd.add(IsaCapMain.class.getName());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.remove(CpuIsaGuard.ONEDNN_VARIABLE);
        env.remove(CpuIsaGuard.DNNL_VARIABLE);
        env.put("ONEDNN_VERBOSE", "1");
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM did not finish");
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), text);
        return text;
    }
}
