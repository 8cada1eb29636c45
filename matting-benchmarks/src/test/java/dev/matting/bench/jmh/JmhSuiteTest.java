package dev.matting.bench.jmh;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JmhSuiteTest {

    private static String result(String benchmark, String batch, double score) {
        return "{\"benchmark\": \"dev.matting.bench.jmh." + benchmark + "\", \"params\": {\"batch\": \"" + batch
                + "\"}, \"primaryMetric\": {\"score\": " + score + "}}";
    }

    @Test
    void aLaterRunOfAnotherBenchmarkKeepsTheEarlierResultsOfTheCombination(@TempDir Path dir) throws IOException {
        // What overwrote the fixed batches before: the scheduler benchmark run on its own for the same combination.
        Path earlier = dir.resolve("pytorch-gpu-fp16.json");
        Files.writeString(earlier, "[" + result("BatchThroughputBenchmark.batched", "1", 6.5) + ", "
                + result("BatchThroughputBenchmark.batched", "8", 4.0) + "]");
        Path fresh = dir.resolve(".pytorch-gpu-fp16.json.part");
        Files.writeString(fresh, "[" + result("SchedulerThroughputBenchmark.callers", "8", 150) + ", "
                + result("BatchThroughputBenchmark.batched", "8", 3.9) + "]");

        JmhSuite.keepEarlierResults(fresh, earlier);

        JsonArray merged = JsonParser.parseString(Files.readString(fresh)).getAsJsonArray();
        List<String> got = StreamSupport.stream(merged.spliterator(), false)
                .map(e -> e.getAsJsonObject().get("benchmark").getAsString().replace("dev.matting.bench.jmh.", "") + "/"
                        + e.getAsJsonObject().getAsJsonObject("params").get("batch").getAsString() + "="
                        + e.getAsJsonObject().getAsJsonObject("primaryMetric").get("score").getAsDouble())
                .sorted().toList();
        assertEquals(List.of("BatchThroughputBenchmark.batched/1=6.5", "BatchThroughputBenchmark.batched/8=3.9",
                "SchedulerThroughputBenchmark.callers/8=150.0"), got, "kept batch 1, replaced batch 8, added the new");
    }

    @Test
    void withoutAnEarlierFileTheNewResultsStandAlone(@TempDir Path dir) throws IOException {
        Path fresh = dir.resolve(".x.json.part");
        String content = "[" + result("LatencyBenchmark.one", "1", 1) + "]";
        Files.writeString(fresh, content);
        JmhSuite.keepEarlierResults(fresh, dir.resolve("x.json"));
        assertEquals(content, Files.readString(fresh));
    }
}
