package dev.matting.bench.report;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The Python (PyTorch) baseline measured on the review GPU ({@code docs/python-baseline-h100.json}). */
public record PythonBaseline(String gpu, String torch, List<Row> rows) {

    /** One Python measurement: setting (eager+autocast, torchscript fp32/fp16), batch, input size. */
    public record Row(String setting, int batch, int size, double msPerImage, double peakMiB) {
        /** The precision our benchmarks call this setting's. */
        public String precision() {
            return setting.contains("fp32") ? "fp32" : "fp16";
        }
    }

    /** Where the baseline is looked for when no path is given: beside the working directory's docs/. */
    public static final List<Path> DEFAULT_LOCATIONS = List.of(Path.of("docs/python-baseline-h100.json"),
            Path.of("../docs/python-baseline-h100.json"));

    public static Optional<PythonBaseline> find(Optional<Path> explicit) {
        for (Path p : explicit.map(List::of).orElse(DEFAULT_LOCATIONS)) {
            if (Files.isRegularFile(p)) {
                return Optional.of(read(p));
            }
        }
        return Optional.empty();
    }

    public static PythonBaseline read(Path file) {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            JsonObject o = JsonParser.parseReader(r).getAsJsonObject();
            List<Row> rows = new ArrayList<>();
            for (JsonElement e : o.getAsJsonArray("rows")) {
                JsonObject row = e.getAsJsonObject();
                rows.add(new Row(row.get("setting").getAsString(), row.get("batch").getAsInt(), row.get("size").getAsInt(),
                        row.get("ms_per_image").getAsDouble(), row.has("peak_mib") ? row.get("peak_mib").getAsDouble() : Double.NaN));
            }
            return new PythonBaseline(o.has("gpu") ? o.get("gpu").getAsString() : "?",
                    o.has("torch") ? o.get("torch").getAsString() : "?", List.copyOf(rows));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot read the Python baseline " + file + ": " + e.getMessage(), e);
        }
    }
}
