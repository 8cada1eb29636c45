package dev.matting.bench.report;

import java.awt.Font;
import java.awt.Graphics2D;
import java.util.Optional;

/**
 * Every piece of text a picture of ours draws (chart titles, labels, values) goes through this, so that a machine
 * without usable fonts still gets the picture. On a headless server without fontconfig fonts, Java2D's
 * {@code drawString} and even {@code getFontMetrics} throw ({@code RuntimeException: Fontconfig head is null}, an
 * {@code InternalError} or an {@code UnsatisfiedLinkError} from the font manager); that once cost a whole benchmark
 * run its results (issue 9). {@link #failSafe} turns the first such failure into a picture without text and a
 * warning.
 */
public interface TextDrawer {
    /** Draws {@code text} in {@code font} with its baseline starting at ({@code x}, {@code y}). */
    void draw(Graphics2D g, String text, Font font, int x, int y);

    /** The advance width of {@code text} in {@code font}, in pixels. */
    int width(Graphics2D g, String text, Font font);

    /** The ascent of {@code font}, in pixels. */
    int ascent(Graphics2D g, Font font);

    /** Why text was left out, once something was; empty while all text was drawn. */
    default Optional<String> failure() {
        return Optional.empty();
    }

    /** Plain Java2D. */
    static TextDrawer java2d() {
        return new TextDrawer() {
            @Override
            public void draw(Graphics2D g, String text, Font font, int x, int y) {
                g.setFont(font);
                g.drawString(text, x, y);
            }

            @Override
            public int width(Graphics2D g, String text, Font font) {
                return g.getFontMetrics(font).stringWidth(text);
            }

            @Override
            public int ascent(Graphics2D g, Font font) {
                return g.getFontMetrics(font).getAscent();
            }
        };
    }

    /**
     * {@code delegate} until it first fails; from then on nothing is drawn, widths and ascents are estimated from
     * the font size (so the layout stays put), and {@link #failure()} says what happened.
     */
    static TextDrawer failSafe(TextDrawer delegate) {
        return new TextDrawer() {
            private String failure;

            @Override
            public void draw(Graphics2D g, String text, Font font, int x, int y) {
                if (failure == null) {
                    try {
                        delegate.draw(g, text, font, x, y);
                    } catch (RuntimeException | LinkageError | InternalError e) {
                        failure = e.toString();
                    }
                }
            }

            @Override
            public int width(Graphics2D g, String text, Font font) {
                if (failure == null) {
                    try {
                        return delegate.width(g, text, font);
                    } catch (RuntimeException | LinkageError | InternalError e) {
                        failure = e.toString();
                    }
                }
                return Math.round(text.length() * font.getSize2D() * 0.55f);
            }

            @Override
            public int ascent(Graphics2D g, Font font) {
                if (failure == null) {
                    try {
                        return delegate.ascent(g, font);
                    } catch (RuntimeException | LinkageError | InternalError e) {
                        failure = e.toString();
                    }
                }
                return Math.round(font.getSize2D() * 0.8f);
            }

            @Override
            public Optional<String> failure() {
                return Optional.ofNullable(failure);
            }
        };
    }
}
