package dev.matting.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.spi.ModelInput;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** On a machine without CUDA every GPU check skips with its reason and nothing fails; bad arguments say how to call it. */
class GpuCheckTest {

    @Test
    void withoutAGpuEveryCheckSkipsAndTheRunPasses() {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        int code = GpuCheck.run(new String[0], new PrintStream(log, true, StandardCharsets.UTF_8));
        String out = log.toString(StandardCharsets.UTF_8);
        org.junit.jupiter.api.Assumptions.assumeFalse(out.contains("PASS"), "a GPU is visible: the real checks ran\n" + out);
        assertEquals(0, code, out);
        assertTrue(out.contains("NVML telemetry") && out.contains("SKIP"), out);
        assertTrue(out.contains("pytorch on gpu0") && out.contains("no CUDA device visible to pytorch"), out);
        assertTrue(out.contains("OOM recovery under a ballast"), out);
        assertTrue(out.contains("no check failed"), out);
    }

    @Test
    void unknownArgumentsPrintTheUsage() {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        assertEquals(2, GpuCheck.run(new String[] {"--fast"}, new PrintStream(log, true, StandardCharsets.UTF_8)));
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("usage"));
    }

    @Test
    void inputsAreDistinctAndOfTheModelsLargestShape() {
        var spec = dev.matting.testing.TestModels.tiny();
        var inputs = GpuCheck.distinctInputs(spec, 3);
        assertEquals(ModelInput.blank(spec).shape(), inputs.get(0).shape());
        assertTrue(!java.util.Arrays.equals(inputs.get(0).pixels(), inputs.get(1).pixels()));
    }
}
