package dev.matting.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Scale;
import org.junit.jupiter.api.Test;

class JmhResultsTest {

    @Property(tries = 50)
    void timeAndThroughputUnitsAgree(@ForAll @DoubleRange(min = 0.001, max = 1e6) @Scale(6) double msPerOp) {
        assertEquals(msPerOp, JmhResults.msPerOp(msPerOp * 1e6, "ns/op").orElseThrow(), msPerOp * 1e-9);
        assertEquals(msPerOp, JmhResults.msPerOp(msPerOp * 1e3, "us/op").orElseThrow(), msPerOp * 1e-9);
        assertEquals(msPerOp, JmhResults.msPerOp(msPerOp / 1e3, "s/op").orElseThrow(), msPerOp * 1e-9);
        assertEquals(msPerOp, JmhResults.msPerOp(1 / msPerOp, "ops/ms").orElseThrow(), msPerOp * 1e-9);
        assertEquals(msPerOp, JmhResults.msPerOp(1000 / msPerOp, "ops/s").orElseThrow(), msPerOp * 1e-9);
    }

    @Test
    void perImageFiguresDivideByTheImagesAnOperationHandles() {
        String json = """
                [{"benchmark": "dev.matting.bench.jmh.BatchThroughputBenchmark.batched", "mode": "avgt",
                  "params": {"backend": "pytorch", "device": "gpu", "precision": "fp16", "resolution": "1024", "batch": "8"},
                  "primaryMetric": {"score": 40.0, "scoreError": 2.0, "scoreUnit": "ms/op"}},
                 {"benchmark": "dev.matting.bench.jmh.EndToEndBenchmark.matteAll", "mode": "thrpt",
                  "params": {"images": "10", "batch": "4"},
                  "primaryMetric": {"score": 2.0, "scoreError": "NaN", "scoreUnit": "ops/s"}},
                 {"benchmark": "x.Y.gc", "mode": "avgt", "primaryMetric": {"score": 1, "scoreUnit": "MB/sec"}}]
                """;
        List<JmhResults.Row> rows = JmhResults.parse(new StringReader(json), "test");
        assertEquals(2, rows.size(), "a non-time unit is left out");
        assertEquals(5.0, rows.get(0).msPerImage(), 1e-9);
        assertEquals(200.0, rows.get(0).imagesPerSecond(), 1e-9);
        assertEquals("BatchThroughputBenchmark", rows.get(0).simpleBenchmark());
        assertEquals(50.0, rows.get(1).msPerImage(), 1e-9, "500 ms per 10 images");
        assertTrue(Double.isNaN(rows.get(1).scoreError()));
        assertEquals(1, JmhResults.imagesPerOp("a.LatencyBenchmark.single", Map.of("batch", "8")));
    }

    @Test
    void notJmhJsonIsAClearError() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> JmhResults.parse(new StringReader("{}"), "f.json"))
                .getMessage().contains("f.json"));
        assertThrows(IllegalArgumentException.class, () -> JmhResults.parse(new StringReader("[{"), "g.json"));
    }
}
