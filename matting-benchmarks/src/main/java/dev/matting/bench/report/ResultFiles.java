package dev.matting.bench.report;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import dev.matting.bench.OutputFiles;
import dev.matting.bench.table.RowResult;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The JSON files a run leaves in its output folder besides JMH's: the table results and the environment. */
public final class ResultFiles {
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

    private ResultFiles() {
    }

    /** The comparison table with the configuration it ran under. */
    public record TableFile(String model, String resolution, int imagesPerClient, int batch, int clients,
            long vramBudgetBytes, List<RowResult> rows) {
    }

    public static Path tableFile(Path outDir) {
        return outDir.resolve("table.json");
    }

    public static Path environmentFile(Path outDir) {
        return outDir.resolve("environment.json");
    }

    public static void writeTable(Path outDir, TableFile table) {
        OutputFiles.writeString(tableFile(outDir), GSON.toJson(table));
    }

    public static Optional<TableFile> readTable(Path outDir) {
        return read(tableFile(outDir), TableFile.class);
    }

    public static void writeEnvironment(Path outDir, Environment env) {
        OutputFiles.writeString(environmentFile(outDir), GSON.toJson(env.entries()));
    }

    @SuppressWarnings("unchecked")
    public static Optional<Environment> readEnvironment(Path outDir) {
        return read(environmentFile(outDir), Map.class).map(m -> new Environment((Map<String, String>) m));
    }

    static <T> Optional<T> read(Path file, Class<T> type) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return Optional.ofNullable(GSON.fromJson(r, type));
        } catch (IOException | JsonParseException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    static Gson gson() {
        return GSON;
    }
}
