package dev.matting.bench.report;

import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;

/**
 * Text on the benchmark images (chart labels, contact-sheet headers), drawn only where Java2D can draw text. A
 * headless server without fonts fails the first time a font is used ({@code RuntimeException: Fontconfig head is
 * null}, or an error while the font manager loads); that must never cost the results, so the images are then drawn
 * without captions and stderr says so, once. {@code -Dmatting.bench.noCaptions=true} asks for that outright.
 */
public final class Captions {
    /** System property: draw every image without text. */
    public static final String NO_CAPTIONS = "matting.bench.noCaptions";

    private static volatile String failure;
    private static volatile boolean probed;

    private Captions() {
    }

    /** True when text can be drawn here (probed once, on a scratch image). */
    public static boolean available() {
        if (Boolean.getBoolean(NO_CAPTIONS)) {
            return false;
        }
        if (!probed) {
            synchronized (Captions.class) {
                if (!probed) {
                    BufferedImage scratch = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
                    Graphics2D g = scratch.createGraphics();
                    try {
                        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
                        g.getFontMetrics().stringWidth("probe");
                        g.drawString("probe", 0, 8);
                    } catch (RuntimeException | LinkageError | InternalError e) {
                        fail(e);
                    } finally {
                        g.dispose();
                    }
                    probed = true;
                }
            }
        }
        return failure == null;
    }

    /** Draws {@code s} when text works here; otherwise (or if this draw fails) draws nothing. */
    public static void draw(Graphics2D g, String s, int x, int y) {
        if (!available()) {
            return;
        }
        try {
            g.drawString(s, x, y);
        } catch (RuntimeException | LinkageError | InternalError e) {
            fail(e);
        }
    }

    /** Sets the font when text works here. */
    public static void font(Graphics2D g, Font f) {
        if (!available()) {
            return;
        }
        try {
            g.setFont(f);
        } catch (RuntimeException | LinkageError | InternalError e) {
            fail(e);
        }
    }

    /** The width of {@code s} in the current font, 0 where text cannot be drawn. */
    public static int width(Graphics2D g, String s) {
        if (!available()) {
            return 0;
        }
        try {
            return g.getFontMetrics().stringWidth(s);
        } catch (RuntimeException | LinkageError | InternalError e) {
            fail(e);
            return 0;
        }
    }

    /** The ascent of the current font, 0 where text cannot be drawn. */
    public static int ascent(Graphics2D g) {
        if (!available()) {
            return 0;
        }
        try {
            return g.getFontMetrics().getAscent();
        } catch (RuntimeException | LinkageError | InternalError e) {
            fail(e);
            return 0;
        }
    }

    private static synchronized void fail(Throwable e) {
        if (failure == null) {
            failure = e.toString();
            System.err.println("note: Java2D cannot draw text here (" + failure + "); charts and the contact sheet "
                    + "are drawn without captions");
        }
    }
}
