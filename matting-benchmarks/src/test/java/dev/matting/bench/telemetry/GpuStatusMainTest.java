package dev.matting.bench.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class GpuStatusMainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return GpuStatusMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void badArgumentsExitTwoAndSayWhatWasExpected() {
        assertEquals(2, run("--bogus"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--bogus"));
        assertEquals(2, run("--sample", "soon"));
        assertEquals(2, run("--sample"));
    }

    @Test
    void jsonOutputParsesAndItsExitCodeMatchesAvailability() {
        int rc = run("--json");
        JsonObject json = JsonParser.parseString(out.toString(StandardCharsets.UTF_8)).getAsJsonObject();
        boolean available = json.getAsJsonObject("system_status").get("available").getAsBoolean();
        assertEquals(available ? 0 : 3, rc);
        assertEquals(json.getAsJsonObject("system_status").get("gpu_count").getAsInt(),
                json.getAsJsonArray("snapshots").size());
    }
}
