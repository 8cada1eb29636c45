package dev.matting.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.common.Device;
import dev.matting.common.Precision;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class CliOptionsTest {

    @Test
    void defaults() {
        CliOptions o = CliOptions.parse();
        assertFalse(o.full());
        assertEquals(Path.of("out"), o.out());
        assertEquals("tiny", o.model());
        assertEquals(new Resolution(1024, 1024), o.resolution());
        assertEquals(10, o.images());
        assertTrue(o.jmhArgs().isEmpty());
        assertEquals(24L << 30, o.emulatedCardBytes());
        assertTrue(o.ballast());
    }

    @Test
    void emulatedCardAndBallast() {
        CliOptions o = CliOptions.parse("--emulate-gib", "16", "--no-ballast");
        assertEquals(16L << 30, o.emulatedCardBytes());
        assertFalse(o.ballast());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CliOptions.parse("--emulate-gib", "0"));
        assertTrue(e.getMessage().contains("--emulate-gib"), e.getMessage());
    }

    @Test
    void flagsAndJmhPassThrough() {
        CliOptions o = CliOptions.parse("--backend", "pytorch,onnxruntime", "--device", "gpu", "--out", "x", "--model",
                "models/unet-base", "--resolution", "1920x1080", "--jmh", "LatencyBenchmark", "-p", "batch=1", "--full");
        assertEquals(List.of("pytorch", "onnxruntime"), o.backends());
        assertEquals(new Resolution(1920, 1080), o.resolution());
        assertEquals(List.of("LatencyBenchmark", "-p", "batch=1", "--full"), o.jmhArgs().orElseThrow());
        assertFalse(o.full(), "flags after --jmh belong to JMH");
        assertTrue(o.selects(new Combo("pytorch", Device.gpu(0), Precision.FP16)));
        assertFalse(o.selects(new Combo("pytorch", Device.cpu(), Precision.FP32)));
    }

    @Test
    void badInputIsNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CliOptions.parse("--frobnicate")).getMessage()
                .contains("--frobnicate"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CliOptions.parse("--device", "tpu")).getMessage()
                .contains("tpu"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CliOptions.parse("--images", "0")).getMessage()
                .contains("--images"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CliOptions.parse("--out")).getMessage()
                .contains("--out"));
        assertThrows(IllegalArgumentException.class, () -> CliOptions.parse("--resolution", "big"));
    }
}
