package dev.matting.bench;

import dev.matting.api.Matte;
import dev.matting.api.MatteResult;
import dev.matting.api.Matter;
import dev.matting.api.Matters;
import dev.matting.bench.report.TextDrawer;
import dev.matting.bench.samples.SampleGenerator;
import dev.matting.common.ImageSource;
import dev.matting.model.ModelSpec;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The demo half of the default run: mattes the sample photos through every runnable backend / device / precision,
 * writes each cut-out as an RGBA PNG under {@code OUT/cutouts/COMBO/}, draws a before/after contact sheet, and
 * returns a timing per combination with its alpha difference from the first one.
 */
public final class SampleRun {
    private SampleRun() {
    }

    /** One combination's result on the samples. */
    public record Timing(Combo combo, String engine, int images, int failed, double msPerImage, double meanAbsAlphaDiff,
            Optional<String> error) {
    }

    /** Where the real photos are, relative to the repository root (the folder the README's command runs in). */
    public static final Path PHOTOS = Path.of("samples", "photos");

    /**
     * The photos: {@code dir}'s JPEG/PNG files; by default {@code samples/photos} (real photographs with free
     * licences), else synthetic scenes generated in memory (run from outside the repository).
     */
    public static List<ImageSource> sources(Optional<Path> dir, boolean quick) {
        Optional<Path> d = dir.or(() -> Optional.of(PHOTOS).filter(Files::isDirectory));
        List<ImageSource> out = new ArrayList<>();
        if (d.isPresent()) {
            if (!Files.isDirectory(d.get())) {
                throw new IllegalArgumentException("--samples " + d.get() + " is not a folder");
            }
            try (Stream<Path> files = Files.list(d.get())) {
                files.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.(jpe?g|png)"))
                        .sorted().forEach(p -> out.add(ImageSource.of(p)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } else {
            for (SampleGenerator.Sample s : SampleGenerator.SAMPLES) {
                out.add(ImageSource.of(s.name(), SampleGenerator.jpeg(s)));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no .jpg or .png photos in " + d.orElseThrow());
        }
        return quick ? out.subList(Math.max(0, out.size() - 2), out.size()) : out;
    }

    public static List<Timing> run(ModelSpec spec, List<Combo> combos, List<ImageSource> sources, Path outDir, PrintStream log) {
        List<Timing> timings = new ArrayList<>();
        Map<String, List<Matte>> sheetColumns = new LinkedHashMap<>();
        List<Matte> first = null;
        for (Combo c : combos) {
            log.printf(Locale.ROOT, "samples: %s ...%n", c);
            try (Matter matter = Matters.builder().model(spec).backend(c.backend()).device(c.device())
                    .precision(c.precision()).warmUp(true).create()) {
                matter.matte(sources.get(sources.size() - 1)); // warm-up on one photo, untimed
                long t0 = System.nanoTime();
                List<MatteResult> results = matter.matteAll(sources);
                double ms = (System.nanoTime() - t0) / 1e6 / sources.size();
                List<Matte> mattes = new ArrayList<>();
                int failed = 0;
                Path dir = outDir.resolve("cutouts").resolve(c.backend() + "-" + c.deviceParam() + "-" + c.precisionParam());
                for (MatteResult r : results) {
                    if (r.isSuccess()) {
                        r.matte().writePng(dir.resolve(baseName(r.source()) + ".png"));
                        mattes.add(r.matte());
                    } else {
                        failed++;
                        mattes.add(null);
                        log.println("  " + r.source().name() + ": " + r.error().getMessage());
                    }
                }
                double diff = first == null ? 0 : meanAbsDiff(first, mattes);
                if (first == null) {
                    first = mattes;
                }
                sheetColumns.putIfAbsent(c.backend(), mattes);
                timings.add(new Timing(c, matter.info().engineVersion(), sources.size(), failed, ms, diff, Optional.empty()));
            } catch (RuntimeException e) {
                log.println("  " + c + " failed: " + e.getMessage());
                timings.add(new Timing(c, "", sources.size(), sources.size(), Double.NaN, Double.NaN,
                        Optional.of(String.valueOf(e.getMessage()))));
            }
        }
        if (first != null) {
            TextDrawer text = TextDrawer.failSafe(TextDrawer.java2d());
            OutputFiles.writePng(outDir.resolve("contact-sheet.png"), contactSheet(sources, sheetColumns, text));
            text.failure().ifPresent(f -> System.err.println("contact sheet drawn without captions (no usable fonts?): " + f));
        }
        return timings;
    }

    static String baseName(ImageSource s) {
        String n = s.path().map(p -> p.getFileName().toString()).orElse(s.name());
        n = n.replaceAll("[^A-Za-z0-9._-]", "_");
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    /** Mean |alpha - reference alpha| over every pixel of every image both have, in 0..255 units. */
    static double meanAbsDiff(List<Matte> ref, List<Matte> other) {
        long sum = 0;
        long n = 0;
        for (int i = 0; i < Math.min(ref.size(), other.size()); i++) {
            Matte a = ref.get(i);
            Matte b = other.get(i);
            if (a == null || b == null || a.width() != b.width() || a.height() != b.height()) {
                continue;
            }
            byte[] x = a.alphaBytes();
            byte[] y = b.alphaBytes();
            for (int k = 0; k < x.length; k++) {
                sum += Math.abs((x[k] & 0xff) - (y[k] & 0xff));
            }
            n += x.length;
        }
        return n == 0 ? Double.NaN : (double) sum / n;
    }

    /** Rows of photos: the original, then each backend's cut-out over a checkerboard. */
    static BufferedImage contactSheet(List<ImageSource> sources, Map<String, List<Matte>> columns, TextDrawer text) {
        int thumbH = 200;
        int pad = 12;
        int header = 34;
        List<String> names = new ArrayList<>(columns.keySet());
        List<List<BufferedImage>> cells = new ArrayList<>();
        int[] colW = new int[1 + names.size()];
        for (int i = 0; i < sources.size(); i++) {
            List<BufferedImage> row = new ArrayList<>();
            Matte any = null;
            for (String n : names) {
                Matte m = columns.get(n).get(i);
                if (m != null) {
                    any = m;
                }
            }
            if (any == null) {
                continue;
            }
            int w = Math.max(1, any.width() * thumbH / any.height());
            row.add(scale(any.source().toBufferedImage(), w, thumbH));
            for (String n : names) {
                Matte m = columns.get(n).get(i);
                row.add(m == null ? null : overCheckerboard(scale(m.toRgbaImage(), w, thumbH)));
            }
            for (int k = 0; k < row.size(); k++) {
                colW[k] = Math.max(colW[k], w);
            }
            cells.add(row);
        }
        int width = pad;
        for (int w : colW) {
            width += w + pad;
        }
        int height = header + cells.size() * (thumbH + pad) + pad;
        BufferedImage sheet = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(new Color(0xf4f4f4));
            g.fillRect(0, 0, width, height);
            g.setColor(new Color(0x222222));
            // headers only where Java2D can draw text: a server without fonts gets the sheet without them
            Font headerFont = new Font(Font.SANS_SERIF, Font.BOLD, 15);
            int x = pad;
            for (int k = 0; k < colW.length; k++) {
                text.draw(g, k == 0 ? "before" : "after: " + names.get(k - 1), headerFont, x, 23);
                x += colW[k] + pad;
            }
            int y = header;
            for (List<BufferedImage> row : cells) {
                x = pad;
                for (int k = 0; k < row.size(); k++) {
                    if (row.get(k) != null) {
                        g.drawImage(row.get(k), x, y, null);
                    }
                    x += colW[k] + pad;
                }
                y += thumbH + pad;
            }
        } finally {
            g.dispose();
        }
        return sheet;
    }

    private static BufferedImage scale(BufferedImage src, int w, int h) {
        BufferedImage out = new BufferedImage(w, h, src.getColorModel().hasAlpha() ? BufferedImage.TYPE_INT_ARGB
                : BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.drawImage(src, 0, 0, w, h, null);
        g.dispose();
        return out;
    }

    private static BufferedImage overCheckerboard(BufferedImage rgba) {
        BufferedImage out = new BufferedImage(rgba.getWidth(), rgba.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        for (int y = 0; y < out.getHeight(); y += 10) {
            for (int x = 0; x < out.getWidth(); x += 10) {
                g.setColor(((x / 10 + y / 10) & 1) == 0 ? new Color(0xcccccc) : Color.WHITE);
                g.fillRect(x, y, 10, 10);
            }
        }
        g.drawImage(rgba, 0, 0, null);
        g.dispose();
        return out;
    }
}
