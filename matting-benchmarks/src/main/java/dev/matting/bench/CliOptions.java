package dev.matting.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The command line of {@link Main}, parsed and validated; a bad flag fails with a message naming it. */
public record CliOptions(boolean help, boolean full, boolean quick, boolean reportOnly, Optional<Path> generateSamples,
        String model, List<String> backends, Optional<String> device, Path out, Optional<Path> samples,
        Resolution resolution, int images, int batch, int clients, Optional<Path> baseline, Optional<List<String>> jmhArgs,
        int emulateGib, boolean ballast) {

    public static final String USAGE = """
            Usage: java -jar matting-benchmarks.jar [options]
                   java -jar matting-benchmarks.jar matte IN... -o OUT [options]   (matte your photos; matte --help)

            Default run: mattes the photos of samples/photos with the embedded model (U^2-Netp) through every
            available backend, writes RGBA PNGs and a before/after contact sheet, prints a comparison, runs the
            comparison table rows this machine can run (GPU rows need CUDA), and writes OUT/report.md with charts.

              --full               also run the JMH suite (every runnable backend/device/precision) before the report
              --quick              smoke run: fewer images, short JMH iterations, no forks
              --jmh [ARGS...]      run only the JMH suite with these JMH arguments (everything after --jmh),
                                   e.g. --jmh LatencyBenchmark -p resolution=1024 -f 1 -wi 2 -i 3
              --model DIR|tiny|base|embedded  model of the table and the JMH suite (default: tiny, the synthetic
                                   U-Net of models/unet-tiny; base = -Dmatting.bench.base); the sample photos always
                                   run the embedded U^2-Netp
              --backend NAME[,NAME]  pytorch and/or onnxruntime (default: every installed backend)
              --device cpu|gpu     only this device (default: every device found)
              --out DIR            output folder (default: out)
              --samples DIR        photos to matte (default: samples/photos when present, else synthetic scenes
                                   generated in memory)
              --resolution N|WxH   table input size (default 1024)
              --images N           images per client in the table (default 10)
              --batch N            batch of the batched and concurrency rows (default 2)
              --clients N          clients in the concurrency rows (default 5)
              --emulate-gib N      card the concurrency rows run on, in GiB (default 24, the A10G of the original
                                   report): the scheduler's memory cap, and on a larger GPU a ballast takes the rest
              --no-ballast         emulate the card by the scheduler's cap only, without occupying GPU memory
              --baseline FILE      Python baseline JSON (default docs/python-baseline-h100.json when present)
              --report-only        only regenerate OUT/report.md and charts from OUT's JSON files
              --generate-samples DIR  write the deterministic synthetic scenes (1080p-class JPEGs) into DIR, exit
              --help               this text
            """;

    public static CliOptions parse(String... args) {
        boolean help = false;
        boolean full = false;
        boolean quick = false;
        boolean reportOnly = false;
        Optional<Path> gen = Optional.empty();
        String model = "tiny";
        List<String> backends = List.of();
        Optional<String> device = Optional.empty();
        Path out = Path.of("out");
        Optional<Path> samples = Optional.empty();
        Resolution resolution = Resolution.parse("1024");
        int images = 10;
        int batch = 2;
        int clients = 5;
        Optional<Path> baseline = Optional.empty();
        Optional<List<String>> jmh = Optional.empty();
        int emulateGib = 24;
        boolean ballast = true;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--help", "-h" -> help = true;
                case "--full" -> full = true;
                case "--quick" -> quick = true;
                case "--report-only" -> reportOnly = true;
                case "--generate-samples" -> gen = Optional.of(Path.of(value(args, ++i, a)));
                case "--model" -> model = value(args, ++i, a);
                case "--backend" -> backends = Arrays.stream(value(args, ++i, a).split(","))
                        .map(s -> s.trim().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty() && !s.equals("auto")).toList();
                case "--device" -> {
                    String d = value(args, ++i, a).trim().toLowerCase(Locale.ROOT);
                    if (!d.equals("cpu") && !d.equals("gpu")) {
                        throw new IllegalArgumentException("--device must be cpu or gpu, got '" + d + "'");
                    }
                    device = Optional.of(d);
                }
                case "--out" -> out = Path.of(value(args, ++i, a));
                case "--samples" -> samples = Optional.of(Path.of(value(args, ++i, a)));
                case "--resolution" -> resolution = Resolution.parse(value(args, ++i, a));
                case "--images" -> images = positive(value(args, ++i, a), a);
                case "--batch" -> batch = positive(value(args, ++i, a), a);
                case "--clients" -> clients = positive(value(args, ++i, a), a);
                case "--emulate-gib" -> emulateGib = positive(value(args, ++i, a), a);
                case "--no-ballast" -> ballast = false;
                case "--baseline" -> baseline = Optional.of(Path.of(value(args, ++i, a)));
                case "--jmh" -> {
                    jmh = Optional.of(List.copyOf(new ArrayList<>(Arrays.asList(args).subList(i + 1, args.length))));
                    i = args.length;
                }
                default -> throw new IllegalArgumentException("unknown option '" + a + "' (see --help)");
            }
        }
        return new CliOptions(help, full, quick, reportOnly, gen, model, backends, device, out, samples, resolution,
                images, batch, clients, baseline, jmh, emulateGib, ballast);
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }

    private static int positive(String v, String flag) {
        try {
            int n = Integer.parseInt(v.trim());
            if (n < 1) {
                throw new IllegalArgumentException(flag + " must be >= 1, got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " needs a whole number, got '" + v + "'");
        }
    }

    /** The emulated card of the concurrency rows in bytes. */
    public long emulatedCardBytes() {
        return (long) emulateGib << 30;
    }

    /** Whether a combination passes the --backend and --device filters. */
    public boolean selects(Combo c) {
        return (backends.isEmpty() || backends.contains(c.backend()))
                && device.map(d -> d.equals(c.device().isGpu() ? "gpu" : "cpu")).orElse(true);
    }
}
