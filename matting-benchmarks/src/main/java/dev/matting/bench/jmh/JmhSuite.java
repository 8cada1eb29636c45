package dev.matting.bench.jmh;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import dev.matting.bench.OutputFiles;
import dev.matting.bench.Combo;
import dev.matting.bench.Combos;
import dev.matting.bench.ModelRef;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Stream;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the matting JMH benchmarks once per runnable backend / device / precision, so a combination this machine
 * lacks is skipped before JMH sees it. Each combination's JSON lands in {@code OUT/jmh/COMBO.json} once complete;
 * all of them are merged into {@code OUT/jmh-results.json}, the report generator's input.
 */
public final class JmhSuite {
    /** The matting benchmarks (the harness self-check is left out unless asked for by name). */
    public static final String DEFAULT_INCLUDE = "dev\\.matting\\.bench\\.jmh\\.(Latency|BatchThroughput|EndToEnd|SchedulerThroughput)Benchmark\\.";

    private JmhSuite() {
    }

    /** Merged results file under an output folder. */
    public static Path resultsFile(Path outDir) {
        return outDir.resolve("jmh-results.json");
    }

    /**
     * @param jmhArgs  JMH command-line arguments (includes, -p, -f, -wi, ...) as {@code java -jar benchmarks.jar} takes
     * @param model    model reference for the {@code model} parameter unless jmhArgs sets it
     * @param combos   combinations found runnable here
     * @param quick    one fork-less short iteration each: a smoke run, not a measurement
     */
    public static Path run(List<String> jmhArgs, String model, List<Combo> combos, boolean quick, Path outDir,
            PrintStream log) {
        CommandLineOptions cmd;
        try {
            cmd = new CommandLineOptions(jmhArgs.toArray(String[]::new));
        } catch (CommandLineOptionException e) {
            throw new IllegalArgumentException("bad JMH arguments " + jmhArgs + ": " + e.getMessage(), e);
        }
        Path jmhDir = outDir.resolve("jmh");
        boolean userIncludes = !cmd.getIncludes().isEmpty();
        boolean engineFree = userIncludes && cmd.getIncludes().stream().allMatch(i -> i.contains("SceneSynthesis"));
        List<Options> runs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        if (engineFree) {
            runs.add(options(cmd, null, model, quick, jmhDir.resolve(".harness.json.part")));
            names.add("harness");
        } else {
            for (Combo c : combos) {
                if (!matches(cmd, "backend", c.backend()) || !matches(cmd, "device", c.deviceParam())
                        || !matches(cmd, "precision", c.precisionParam())) {
                    continue;
                }
                String name = c.backend() + "-" + c.deviceParam() + "-" + c.precisionParam();
                runs.add(options(cmd, c, model, quick, jmhDir.resolve("." + name + ".json.part")));
                names.add(name);
            }
        }
        if (runs.isEmpty()) {
            log.println("JMH: no runnable combination matches " + jmhArgs);
        }
        for (int i = 0; i < runs.size(); i++) {
            Options o = runs.get(i);
            Path part = Path.of(o.getResult().get());
            log.println("JMH: running " + names.get(i));
            try {
                Files.createDirectories(jmhDir);
                Collection<?> results = new Runner(o).run();
                if (Files.isRegularFile(part)) {
                    keepEarlierResults(part, jmhDir.resolve(names.get(i) + ".json"));
                    Files.move(part, jmhDir.resolve(names.get(i) + ".json"), StandardCopyOption.REPLACE_EXISTING,
                            StandardCopyOption.ATOMIC_MOVE);
                }
                log.println("JMH: " + names.get(i) + " done, " + results.size() + " results");
            } catch (RunnerException | IOException e) {
                log.println("JMH: " + names.get(i) + " failed: " + e.getMessage());
            }
        }
        return merge(jmhDir, resultsFile(outDir));
    }

    /**
     * Adds to a new result file the earlier results of the same combination that it does not replace: a run of one
     * benchmark (say the scheduler's) must not erase another's (the fixed batches it is compared with). A result is
     * replaced by a new one of the same benchmark and parameters.
     */
    static void keepEarlierResults(Path fresh, Path earlier) throws IOException {
        if (!Files.isRegularFile(earlier)) {
            return;
        }
        JsonArray now;
        JsonArray before;
        try (Reader a = Files.newBufferedReader(fresh, StandardCharsets.UTF_8);
                Reader b = Files.newBufferedReader(earlier, StandardCharsets.UTF_8)) {
            JsonElement na = JsonParser.parseReader(a);
            JsonElement nb = JsonParser.parseReader(b);
            if (!na.isJsonArray() || !nb.isJsonArray()) {
                return;
            }
            now = na.getAsJsonArray();
            before = nb.getAsJsonArray();
        } catch (RuntimeException e) {
            return; // an unreadable earlier file is not a result worth keeping
        }
        java.util.Set<String> replaced = new java.util.HashSet<>();
        for (JsonElement e : now) {
            replaced.add(resultKey(e));
        }
        JsonArray merged = new JsonArray();
        for (JsonElement e : before) {
            if (!replaced.contains(resultKey(e))) {
                merged.add(e);
            }
        }
        merged.addAll(now);
        Files.writeString(fresh, new com.google.gson.GsonBuilder().setPrettyPrinting().create().toJson(merged),
                StandardCharsets.UTF_8);
    }

    /** A JMH result's identity: benchmark method and parameters. */
    private static String resultKey(JsonElement e) {
        if (!e.isJsonObject()) {
            return e.toString();
        }
        var o = e.getAsJsonObject();
        return o.has("benchmark") ? o.get("benchmark").getAsString() + " " + (o.has("params") ? o.get("params") : "")
                : o.toString();
    }

    private static boolean matches(CommandLineOptions cmd, String param, String value) {
        return !has(cmd, param) || cmd.getParameter(param).get().contains(value);
    }

    /** Whether the JMH command line sets a parameter ({@code -p name=...}). */
    private static boolean has(CommandLineOptions cmd, String param) {
        return cmd.getParameter(param).hasValue();
    }

    private static Options options(CommandLineOptions cmd, Combo c, String model, boolean quick, Path result) {
        ChainedOptionsBuilder b = new OptionsBuilder().parent(cmd).resultFormat(ResultFormatType.JSON)
                .result(result.toString());
        if (cmd.getIncludes().isEmpty()) {
            b.include(DEFAULT_INCLUDE);
        }
        // forks see only the JVM's command-line arguments, not properties Main set at runtime
        List<String> append = new ArrayList<>();
        if (cmd.getJvmArgsAppend().hasValue()) {
            append.addAll(cmd.getJvmArgsAppend().get());
        }
        for (String prop : List.of("ai.djl.offline", "java.awt.headless", ModelRef.BASE_PROPERTY, ModelRef.TINY_PROPERTY,
                "dev.matting.models.dir", "dev.matting.offline")) {
            String v = System.getProperty(prop);
            if (v != null && append.stream().noneMatch(a -> a.startsWith("-D" + prop + "="))) {
                append.add("-D" + prop + "=" + v);
            }
        }
        b.jvmArgsAppend(append.toArray(String[]::new));
        if (c != null) {
            b.param("backend", c.backend()).param("device", c.deviceParam()).param("precision", c.precisionParam());
            if (!has(cmd, "model")) {
                b.param("model", model);
            }
            // each parameter is set once: JMH's param() adds values, so a second call would run duplicates
            if (!has(cmd, "resolution") && (quick || !c.device().isGpu())) {
                // the CPU is ~100x slower: keep its sweep to what the comparison table needs
                b.param("resolution", quick ? new String[] {"512"} : new String[] {"512", "1024"});
            }
            if (!has(cmd, "batch") && (quick || !c.device().isGpu())) {
                b.param("batch", quick ? new String[] {"2"} : new String[] {"1", "2"});
            }
            if (quick && !has(cmd, "images")) {
                b.param("images", "2");
            }
        }
        if (quick) {
            b.forks(0).warmupIterations(1).warmupTime(TimeValue.milliseconds(200)).measurementIterations(1)
                    .measurementTime(TimeValue.milliseconds(200));
        }
        return b.build();
    }

    /** Concatenates every {@code jmh/*.json} array into one JSON array file (atomically); returns its path. */
    public static Path merge(Path jmhDir, Path merged) {
        JsonArray all = new JsonArray();
        if (Files.isDirectory(jmhDir)) {
            try (Stream<Path> files = Files.list(jmhDir)) {
                for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json")
                        && !p.getFileName().toString().startsWith(".")).sorted().toList()) {
                    try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                        JsonElement e = JsonParser.parseReader(r);
                        if (e.isJsonArray()) {
                            all.addAll(e.getAsJsonArray());
                        }
                    } catch (RuntimeException | IOException e) {
                        // a file JMH did not finish is not a result; the others still are
                    }
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        OutputFiles.writeString(merged, new com.google.gson.GsonBuilder().setPrettyPrinting().create().toJson(all));
        return merged;
    }

    /** The combinations found runnable (probing each) for a model. */
    public static List<Combo> runnable(dev.matting.model.ModelSpec spec, PrintStream log) {
        List<Combo> out = new ArrayList<>();
        for (Combos.Candidate c : Combos.discover(spec, true)) {
            if (c.runnable()) {
                out.add(c.combo());
            } else {
                log.println("skip " + c.combo() + ": " + c.skipReason().orElse(""));
            }
        }
        return out;
    }
}
