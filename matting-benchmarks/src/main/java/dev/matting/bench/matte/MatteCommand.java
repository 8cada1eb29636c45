package dev.matting.bench.matte;

import dev.matting.api.BatchItem;
import dev.matting.api.BatchJob;
import dev.matting.api.BatchRun;
import dev.matting.api.BatchSummary;
import dev.matting.api.MatteOptions;
import dev.matting.api.Matter;
import dev.matting.api.MatterOptions;
import dev.matting.api.Matters;
import dev.matting.api.Output;
import dev.matting.common.Device;
import dev.matting.common.ImageSource;
import dev.matting.common.MattingException;
import dev.matting.common.Precision;
import dev.matting.image.ImageDecoder;
import dev.matting.postprocess.Background;
import dev.matting.postprocess.PostProcess;
import dev.matting.postprocess.Preset;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code java -jar matting-benchmarks.jar matte IN... -o OUT [options]}: mattes image files and folders (recursively,
 * mirrored into OUT) with the SDK's folder job, shows progress, prints a summary, and exits 0 when every input
 * succeeded (or was already done), 1 when any failed or the model could not be opened, 2 on a usage error.
 */
@Command(name = "matte", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        version = "dev.matting matte 0.1.0",
        description = {"Cut the subject out of photos: each file, and each image in each folder (recursively), is "
                + "written under OUT at the same relative path, as a PNG cut-out by default.",
                "Outputs that already exist are skipped, so running the same command again after an interruption "
                + "resumes it. Inputs: jpg, jpeg, png, bmp, gif, webp, tif, tiff."},
        footer = {"", "Exit codes: 0 all inputs succeeded or were already done; 1 some input failed (see the messages "
                + "or --report), or the model could not be opened; 2 usage error."})
public final class MatteCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "IN", description = "Image files and folders to matte.")
    List<Path> inputs = new ArrayList<>();

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT",
            description = "Output folder (created when missing; must differ from an input folder).")
    Path output;

    @Option(names = "--preset", paramLabel = "NAME", converter = PresetConverter.class,
            description = "Post-processing preset: id-photo, e-commerce, avatar, complex (default: none).")
    Preset preset;

    @Option(names = "--threshold", paramLabel = "0-255", description = "Alpha below this becomes 0 (overrides the preset).")
    Integer threshold;

    @Option(names = "--erode", paramLabel = "PX", description = "Pull the edge in by this many pixels (overrides the preset).")
    Integer erode;

    @Option(names = "--feather", paramLabel = "PX", description = "Soften the edge with this blur radius; 0 = off (overrides the preset).")
    Integer feather;

    @Option(names = "--mask-only", description = "Write the 8-bit alpha mask instead of the cut-out.")
    boolean maskOnly;

    @Option(names = "--bg", paramLabel = "COLOR|IMAGE",
            description = "Background: transparent (default), white, black, '#rrggbb', or an image file.")
    String background;

    @Option(names = "--fit", paramLabel = "MODE", defaultValue = "cover",
            description = "How a --bg image fits: cover (default, crops), contain (bars), stretch.")
    String fit;

    @Option(names = "--format", paramLabel = "png|jpg", defaultValue = "png",
            description = "Output format. JPEG has no alpha: it is composited over --bg, white when none is given.")
    String format;

    @Option(names = "--quality", paramLabel = "1-100", defaultValue = "92", description = "JPEG quality (default 92).")
    int quality;

    @Option(names = "--model", paramLabel = "NAME|DIR", description = "Model folder, or 'embedded' (default).")
    String model;

    @Option(names = "--backend", paramLabel = "NAME", description = "pytorch or onnxruntime (default: the fastest here).")
    String backend;

    @Option(names = "--device", paramLabel = "cpu|gpu0", description = "Device (default: the first usable GPU, else the CPU).")
    String device;

    @Option(names = "--precision", paramLabel = "fp16|fp32", description = "Precision (default: fp16 on GPU, fp32 on CPU).")
    String precision;

    @Option(names = "--watch", description = "After the files already there, keep matting new files as they arrive "
            + "(complete ones only, each once) until Ctrl-C.")
    boolean watch;

    @Option(names = "--quiet-ms", paramLabel = "MS", defaultValue = "1000",
            description = "With --watch: how long a new file must stay unchanged before it is taken (default 1000).")
    long quietMs;

    @Option(names = "--report", paramLabel = "FILE", description = "Append one JSON line per input (input, output, "
            + "status, reason, ms) to FILE.")
    Path report;

    @Option(names = "--max-in-flight", paramLabel = "N", description = "Images in memory at once (default: from the cores).")
    Integer maxInFlight;

    @Option(names = "--no-progress", description = "No progress display on stderr.")
    boolean noProgress;

    private final PrintStream out;
    private final PrintStream err;
    private final boolean terminal;
    private volatile BatchRun running;
    private volatile boolean stopRequested;
    private final CountDownLatch ended = new CountDownLatch(1);

    MatteCommand(PrintStream out, PrintStream err, boolean terminal) {
        this.out = out;
        this.err = err;
        this.terminal = terminal;
    }

    /** The process entry: exits with the command's code; Ctrl-C stops it cleanly. */
    public static void main(String[] args) {
        // DJL warns on every start of a machine without CUDA; a person running this wants errors only. Set before
        // the first logger exists (a -D on the command line still wins).
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
        }
        MatteCommand cmd = new MatteCommand(System.out, System.err, System.console() != null);
        Thread hook = new Thread(cmd::interrupted, "matting-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        int code = cmd.execute(args);
        System.exit(code);
    }

    /** Parses and runs {@code args}; returns the exit code (no {@code System.exit}). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return new MatteCommand(out, err, false).execute(args);
    }

    int execute(String[] args) {
        CommandLine cl = new CommandLine(this);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println("error: " + e.getMessage());
            e.getCommandLine().getErr().println("Try 'matte --help' for more information.");
            return CommandLine.ExitCode.USAGE;
        });
        cl.setExecutionExceptionHandler((e, c, parsed) -> {
            if (e instanceof IllegalArgumentException) {
                c.getErr().println("error: " + e.getMessage());
                c.getErr().println("Try 'matte --help' for more information.");
                return CommandLine.ExitCode.USAGE;
            }
            throw e;
        });
        try {
            return cl.execute(args);
        } finally {
            ended.countDown();
        }
    }

    /** Ctrl-C (or SIGTERM): cancel what runs, and give the command time to write the report and the summary. */
    private void interrupted() {
        stopRequested = true;
        BatchRun r = running;
        if (r != null) {
            r.cancel();
        }
        try {
            ended.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException ignored) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public Integer call() {
        MatteOptions options = matteOptions();
        checkPaths(); // before the model loads: a typo should not cost the seconds a model takes
        MatterOptions.Builder mb = MatterOptions.builder();
        ModelChoice.apply(mb, model);
        if (backend != null) {
            mb.backend(backend);
        }
        if (device != null) {
            mb.device(Device.parse(device));
        }
        if (precision != null) {
            mb.precision(parsePrecision(precision));
        }
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true"); // the SDK never reaches a model hub
        }
        ConsoleProgress progress = new ConsoleProgress(err, terminal);
        long t0 = System.nanoTime();
        Matter matter;
        try {
            matter = Matters.create(mb.build());
        } catch (MattingException e) {
            err.println("error: cannot open the model: " + e.getMessage());
            return 1;
        }
        try (matter) {
            err.println("model " + matter.info() + String.format(Locale.ROOT, " (opened in %.1f s)",
                    (System.nanoTime() - t0) / 1e9));
            BatchJob.Builder job = BatchJob.builder(matter).paths(inputs, output).options(options)
                    .watch(watch).quietPeriod(Duration.ofMillis(Math.max(1, quietMs))).sink(item -> {
                        if (item.status() == BatchItem.Status.FAILED) {
                            progress.message("failed: " + item.reason());
                        }
                    });
            if (report != null) {
                job.report(report);
            }
            if (maxInFlight != null) {
                job.maxInFlight(maxInFlight);
            }
            if (!noProgress) {
                job.listener(progress);
            }
            if (watch) {
                err.println("watching " + inputs + " for new images; Ctrl-C stops");
            }
            BatchRun run = job.build().start();
            running = run;
            if (stopRequested) {
                run.cancel(); // Ctrl-C came while the model was loading
            }
            BatchSummary s = run.await();
            progress.finish();
            printSummary(s);
            return s.failed() > 0 ? 1 : 0;
        } catch (MattingException e) {
            progress.finish();
            err.println("error: " + e.getMessage());
            return 1;
        }
    }

    private void printSummary(BatchSummary s) {
        out.printf(Locale.ROOT, "%s: %d done, %d failed, %d skipped%s in %s (%.2f images/s)%n",
                s.wasCancelled() ? "stopped" : "finished", s.succeeded(), s.failed(), s.skipped(),
                s.cancelled() > 0 ? ", " + s.cancelled() + " cancelled" : "", seconds(s.elapsed()), s.imagesPerSecond());
        out.println("output: " + output + (report == null ? "" : ", report: " + report));
        out.flush();
    }

    private static String seconds(Duration d) {
        double s = d.toNanos() / 1e9;
        return s < 60 ? String.format(Locale.ROOT, "%.1f s", s) : ConsoleProgress.clock(d);
    }

    /** The per-call options from the flags; bad values throw {@link IllegalArgumentException} naming the flag. */
    MatteOptions matteOptions() {
        PostProcess post = preset == null ? PostProcess.NONE : preset.postProcess();
        if (threshold != null || erode != null || feather != null) {
            PostProcess.Builder b = post.toBuilder();
            if (threshold != null) {
                b.alphaThreshold(threshold);
            }
            if (erode != null) {
                b.erosionRadius(erode);
            }
            if (feather != null) {
                b.feather(feather > 0).featherRadius(Math.max(0, feather));
            }
            post = b.build();
        }
        Output.Format f = Output.Format.parse(format);
        if (quality < 1 || quality > 100) {
            throw new IllegalArgumentException("--quality must be 1-100, got " + quality);
        }
        Output o = (maskOnly ? Output.mask() : Output.png()).withFormat(f).withQuality(quality / 100f);
        MatteOptions.Builder b = MatteOptions.builder().postProcess(post).output(o);
        if (background != null) {
            b.background(parseBackground(background, Background.Fit.parse(fit)));
        }
        return b.build();
    }

    private void checkPaths() {
        Path out = output.toAbsolutePath().normalize();
        for (Path in : inputs) {
            if (!Files.exists(in)) {
                throw new IllegalArgumentException("input '" + in + "' does not exist");
            }
            if (Files.isDirectory(in) && in.toAbsolutePath().normalize().equals(out)) {
                throw new IllegalArgumentException("-o must differ from the input folder '" + in + "'");
            }
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IllegalArgumentException("-o '" + output + "' is a file, not a folder");
        }
    }

    static Background parseBackground(String value, Background.Fit fit) {
        try {
            return Background.parse(value);
        } catch (IllegalArgumentException notAColour) {
            Path p = Path.of(value);
            if (!Files.isRegularFile(p)) {
                throw new IllegalArgumentException("--bg '" + value + "' is neither a colour (transparent, white, black, "
                        + "#rrggbb) nor an image file");
            }
            try {
                return Background.image(ImageDecoder.decode(ImageSource.of(p)).toBufferedImage(), fit);
            } catch (MattingException e) {
                throw new IllegalArgumentException("--bg image: " + e.getMessage(), e);
            }
        }
    }

    static Precision parsePrecision(String value) {
        try {
            return Precision.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--precision must be fp16, fp32 or auto, got '" + value + "'", e);
        }
    }

    /** {@code id-photo}, {@code e-commerce}, {@code avatar}, {@code complex} (or the enum names). */
    static final class PresetConverter implements CommandLine.ITypeConverter<Preset> {
        @Override
        public Preset convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT).replace('_', '-');
            return switch (v) {
                case "id-photo", "id" -> Preset.ID_PHOTO;
                case "e-commerce", "ecommerce", "product" -> Preset.E_COMMERCE;
                case "avatar" -> Preset.AVATAR;
                case "complex", "complex-background" -> Preset.COMPLEX_BACKGROUND;
                default -> throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not a preset (id-photo, e-commerce, avatar, complex)");
            };
        }
    }
}
