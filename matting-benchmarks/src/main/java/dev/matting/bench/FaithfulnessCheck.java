package dev.matting.bench;

import dev.matting.api.Matte;
import dev.matting.api.Matter;
import dev.matting.api.MatterOptions;
import dev.matting.api.Matters;
import dev.matting.common.Device;
import dev.matting.common.ImageSource;
import dev.matting.common.MattingException;
import dev.matting.common.Precision;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Does the SDK matte photos as the model's authors' pipeline does? Mattes every photo of a folder and compares each
 * alpha with a reference alpha of the same name (for the embedded U²-Netp: {@code models/u2netp/reference}, what
 * rembg's {@code remove()} computes), printing per photo the mean absolute difference in levels of 255, the largest
 * difference and the IoU of the masks at 128. Exit code 1 when a photo misses the bounds.
 *
 * <pre>
 * java -cp 'matting-benchmarks/target/matting-benchmarks.jar:matting-benchmarks/target/lib/*' \
 *     dev.matting.bench.FaithfulnessCheck [--device cpu|gpu0] [--backend pytorch|onnxruntime] [--precision fp32|fp16]
 *     [--photos samples/photos] [--reference models/u2netp/reference] [--model embedded|DIR]
 * </pre>
 *
 * <p>Bounds (the acceptance criterion of issue 7): FP32 mean |Δ| &lt;= 1.5 levels and IoU &gt;= 0.98 per photo. FP16
 * runs a different network in effect (the weights rounded to half precision move d0 by up to 0.15, see
 * {@code models/u2netp/PROVENANCE.md}), so it is held to looser bounds, mean &lt;= 4 levels and IoU &gt;= 0.95.
 */
public final class FaithfulnessCheck {
    /** Per-photo bounds. */
    public record Bounds(double maxMeanLevels, double minIou) {
        /** The FP32 bounds: mean |Δ| &lt;= 1.5 / 255, IoU at 128 &gt;= 0.98. */
        public static final Bounds FP32 = new Bounds(1.5, 0.98);
        /** The looser FP16 bounds (see the class comment). */
        public static final Bounds FP16 = new Bounds(4.0, 0.95);

        /** The bounds for a precision. */
        public static Bounds of(Precision p) {
            return p == Precision.FP16 ? FP16 : FP32;
        }
    }

    /** One photo's agreement with its reference. */
    public record Row(String photo, int width, int height, double meanLevels, int maxLevels, double iou,
            Optional<String> error) {
        /** Whether the photo meets the bounds (and matted at all). */
        public boolean passes(Bounds b) {
            return error.isEmpty() && meanLevels <= b.maxMeanLevels() && iou >= b.minIou();
        }
    }

    private FaithfulnessCheck() {
    }

    public static void main(String[] args) {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        System.exit(run(args, System.out));
    }

    /** Parses the arguments, runs the check and prints the table; returns the exit code (2 for a bad argument). */
    public static int run(String[] args, PrintStream out) {
        Optional<Device> device = Optional.empty();
        Optional<String> backend = Optional.empty();
        Precision precision = Precision.FP32;
        Path photos = SampleRun.PHOTOS;
        Path reference = Path.of("models", "u2netp", "reference");
        String model = "embedded";
        try {
            for (int i = 0; i < args.length; i++) {
                String v = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--device" -> device = Optional.of(Device.parse(required(v, args[i++])));
                    case "--backend" -> backend = Optional.of(required(v, args[i++]));
                    case "--precision" -> precision = Precision.valueOf(required(v, args[i++]).toUpperCase(Locale.ROOT));
                    case "--photos" -> photos = Path.of(required(v, args[i++]));
                    case "--reference" -> reference = Path.of(required(v, args[i++]));
                    case "--model" -> model = required(v, args[i++]);
                    default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'");
                }
            }
        } catch (IllegalArgumentException e) {
            out.println("error: " + e.getMessage());
            out.println("usage: FaithfulnessCheck [--device cpu|gpu0] [--backend pytorch|onnxruntime] "
                    + "[--precision fp32|fp16] [--photos DIR] [--reference DIR] [--model embedded|DIR]");
            return 2;
        }
        MatterOptions.Builder b = Matters.builder().model(ModelRef.resolve(model)).precision(precision);
        device.ifPresent(b::device);
        backend.ifPresent(b::backend);
        Bounds bounds = Bounds.of(precision);
        try (Matter matter = b.create()) {
            String what = matter.info().model() + " on " + matter.info().backend() + " " + matter.info().device() + " "
                    + matter.info().precision() + " (" + matter.info().engineVersion() + ")"
                    + (matter.info().imageStagesOnDevice() ? ", image stages on the device" : ", image stages on the CPU");
            List<Row> rows = check(matter, photos, reference);
            print(what, rows, bounds, out);
            return rows.stream().allMatch(r -> r.passes(bounds)) ? 0 : 1;
        } catch (MattingException e) {
            out.println("FAIL: " + e.getMessage());
            return 1;
        }
    }

    private static String required(String v, String flag) {
        if (v == null || v.startsWith("--")) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return v;
    }

    /** Mattes every JPEG/PNG of {@code photos} and compares it with {@code reference/<stem>.png}. */
    public static List<Row> check(Matter matter, Path photos, Path reference) {
        List<Path> files;
        try (Stream<Path> s = Files.list(photos)) {
            files = s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.(png|jpe?g)"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + photos, e);
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no .png or .jpg photos in " + photos);
        }
        List<Row> rows = new ArrayList<>();
        for (Path photo : files) {
            String name = photo.getFileName().toString();
            Path ref = reference.resolve(name.substring(0, name.lastIndexOf('.')) + ".png");
            try {
                Matte m = matter.matte(ImageSource.of(photo));
                byte[] want = grey(ref, m.width(), m.height());
                rows.add(compare(name, m.width(), m.height(), want, m.alphaBytes()));
            } catch (MattingException | IllegalStateException | UncheckedIOException e) {
                rows.add(new Row(name, 0, 0, Double.NaN, -1, Double.NaN, Optional.of(String.valueOf(e.getMessage()))));
            }
        }
        return rows;
    }

    /** The agreement of two 8-bit alphas of one photo. */
    static Row compare(String name, int width, int height, byte[] reference, byte[] alpha) {
        long sum = 0;
        int max = 0;
        long inter = 0;
        long union = 0;
        for (int i = 0; i < alpha.length; i++) {
            int a = reference[i] & 0xff;
            int b = alpha[i] & 0xff;
            int d = Math.abs(a - b);
            sum += d;
            max = Math.max(max, d);
            inter += a >= 128 && b >= 128 ? 1 : 0;
            union += a >= 128 || b >= 128 ? 1 : 0;
        }
        return new Row(name, width, height, (double) sum / alpha.length, max, union == 0 ? 1 : (double) inter / union,
                Optional.empty());
    }

    /** Prints the table: one line per photo, then the verdict. */
    public static void print(String what, List<Row> rows, Bounds bounds, PrintStream out) {
        out.println("faithfulness: " + what + "; bounds per photo: mean |d| <= " + bounds.maxMeanLevels()
                + "/255, IoU@128 >= " + bounds.minIou());
        out.printf(Locale.ROOT, "%-16s %10s %14s %10s %10s  %s%n", "photo", "size", "mean |d|x255", "max |d|", "IoU@128",
                "status");
        for (Row r : rows) {
            out.printf(Locale.ROOT, "%-16s %10s %14.3f %10d %10.5f  %s%n", r.photo(), r.width() + "x" + r.height(),
                    r.meanLevels(), r.maxLevels(), r.iou(), r.error().map(e -> "FAIL: " + e)
                            .orElse(r.passes(bounds) ? "ok" : "FAIL"));
        }
        long failed = rows.stream().filter(r -> !r.passes(bounds)).count();
        out.println(failed == 0 ? "all " + rows.size() + " photos within bounds" : failed + " photo(s) out of bounds");
    }

    /** The first band of an 8-bit grey PNG, which must have the photo's size. */
    private static byte[] grey(Path png, int width, int height) {
        try {
            BufferedImage img = ImageIO.read(png.toFile());
            if (img == null) {
                throw new IllegalStateException("reference " + png + " is not an image");
            }
            if (img.getWidth() != width || img.getHeight() != height) {
                throw new IllegalStateException("reference " + png + " is " + img.getWidth() + "x" + img.getHeight()
                        + ", the photo " + width + "x" + height);
            }
            Raster r = img.getRaster();
            int[] v = r.getSamples(0, 0, width, height, 0, (int[]) null);
            byte[] out = new byte[v.length];
            for (int i = 0; i < v.length; i++) {
                out[i] = (byte) v[i];
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read reference " + png, e);
        }
    }
}
