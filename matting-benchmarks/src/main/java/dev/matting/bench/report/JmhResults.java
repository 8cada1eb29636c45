package dev.matting.bench.report;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads JMH's JSON result format into rows with the time per image worked out from the benchmark's parameters. */
public final class JmhResults {
    private JmhResults() {
    }

    /**
     * One benchmark result.
     *
     * @param imagesPerOp images one operation handles ({@code batch} for batched runs, {@code images} end to end)
     */
    public record Row(String benchmark, String method, String mode, Map<String, String> params, double score,
            double scoreError, String unit, double msPerOp, int imagesPerOp) {

        public double msPerImage() {
            return msPerOp / imagesPerOp;
        }

        public double imagesPerSecond() {
            return 1000 / msPerImage();
        }

        public String param(String name) {
            return params.getOrDefault(name, "");
        }

        /** Short class name, e.g. {@code LatencyBenchmark}. */
        public String simpleBenchmark() {
            String b = benchmark.substring(0, benchmark.lastIndexOf('.'));
            return b.substring(b.lastIndexOf('.') + 1);
        }
    }

    /** Reads a JMH JSON file (an array of results); a missing file gives no rows. */
    public static List<Row> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(r, file.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read JMH results " + file + ": " + e.getMessage(), e);
        }
    }

    public static List<Row> parse(Reader json, String origin) {
        JsonElement root;
        try {
            root = JsonParser.parseReader(json);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(origin + ": not JMH JSON: " + e.getMessage(), e);
        }
        if (!root.isJsonArray()) {
            throw new IllegalArgumentException(origin + ": JMH JSON must be an array of results");
        }
        List<Row> rows = new ArrayList<>();
        for (JsonElement e : (JsonArray) root) {
            JsonObject o = e.getAsJsonObject();
            String benchmark = o.get("benchmark").getAsString();
            String mode = o.get("mode").getAsString();
            Map<String, String> params = new LinkedHashMap<>();
            if (o.has("params")) {
                o.getAsJsonObject("params").entrySet().forEach(p -> params.put(p.getKey(), p.getValue().getAsString()));
            }
            if (o.has("threads") && o.get("threads").isJsonPrimitive() && o.get("threads").getAsInt() > 1) {
                // concurrent callers change what a score means: keep them beside the parameters
                params.putIfAbsent("threads", o.get("threads").getAsString());
            }
            JsonObject pm = o.getAsJsonObject("primaryMetric");
            double score = pm.get("score").getAsDouble();
            double error = pm.has("scoreError") && pm.get("scoreError").isJsonPrimitive()
                    && pm.get("scoreError").getAsJsonPrimitive().isNumber() ? pm.get("scoreError").getAsDouble() : Double.NaN;
            String unit = pm.get("scoreUnit").getAsString();
            Optional<Double> ms = msPerOp(score, unit);
            if (ms.isEmpty()) {
                continue; // a unit we cannot turn into time per operation (e.g. a profiler metric)
            }
            int per = imagesPerOp(benchmark, params);
            rows.add(new Row(benchmark, benchmark.substring(benchmark.lastIndexOf('.') + 1), mode, Map.copyOf(params), score,
                    error, unit, ms.get(), per));
        }
        return List.copyOf(rows);
    }

    static int imagesPerOp(String benchmark, Map<String, String> params) {
        String b = benchmark.toLowerCase(java.util.Locale.ROOT);
        try {
            if (b.contains("endtoend") && params.containsKey("images")) {
                return Math.max(1, Integer.parseInt(params.get("images")));
            }
            if (b.contains("batchthroughput") && params.containsKey("batch")) {
                return Math.max(1, Integer.parseInt(params.get("batch")));
            }
        } catch (NumberFormatException ignored) {
            // an odd parameter value: count one image per operation
        }
        return 1;
    }

    /** Converts a JMH score to milliseconds per operation: {@code X/op} (time) or {@code ops/X} (throughput). */
    static Optional<Double> msPerOp(double score, String unit) {
        String u = unit.trim();
        if (u.endsWith("/op")) {
            return scale(u.substring(0, u.length() - 3)).map(s -> score * s);
        }
        if (u.startsWith("ops/")) {
            return scale(u.substring(4)).map(s -> score == 0 ? Double.POSITIVE_INFINITY : s / score);
        }
        return Optional.empty();
    }

    private static Optional<Double> scale(String unit) {
        return Optional.ofNullable(switch (unit) {
            case "ns" -> 1e-6;
            case "us", "\u00b5s" -> 1e-3;
            case "ms" -> 1.0;
            case "s" -> 1000.0;
            case "min" -> 60000.0;
            default -> null;
        });
    }
}
