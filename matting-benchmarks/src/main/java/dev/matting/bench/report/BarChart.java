package dev.matting.bench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/**
 * A horizontal grouped bar chart drawn with plain Java2D (headless, no dependency): one group per row label, one
 * bar per series, on a log or linear axis, with values printed at the bar ends. Missing values ({@code NaN}) leave
 * a gap, so reference figures can sit beside measured ones where both exist. All text goes through a
 * {@link TextDrawer}, so a machine without fonts still gets the bars.
 */
public final class BarChart {
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x7f7f7f),
            new Color(0xbcbd22), new Color(0x2ca02c), new Color(0x9467bd), new Color(0x8c564b)};

    /** One row label and its value per series ({@code NaN} where a series has none). */
    public record Group(String label, double[] values) {
    }

    private BarChart() {
    }

    /**
     * @param unit axis unit printed after values, e.g. {@code ms/image}
     * @param log  log10 axis: for figures spanning decades (CPU seconds next to GPU milliseconds)
     * @param text draws every caption; wrap it in {@link TextDrawer#failSafe} to survive missing fonts
     */
    public static BufferedImage render(String title, String unit, List<String> series, List<Group> groups, boolean log,
            TextDrawer text) {
        int width = 1280;
        int barH = 16;
        int groupGap = 14;
        int top = 84;
        int bottom = 56;
        int groupH = series.size() * barH + groupGap;
        int height = top + Math.max(1, groups.size()) * groupH + bottom;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            Font labelFont = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
            Font small = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
            Font titleFont = new Font(Font.SANS_SERIF, Font.BOLD, 18);
            int labelW = 0;
            for (Group gr : groups) {
                labelW = Math.max(labelW, text.width(g, gr.label(), labelFont));
            }
            int left = Math.min(460, labelW + 24);
            int right = width - 110;
            double min = Double.POSITIVE_INFINITY;
            double max = 0;
            for (Group gr : groups) {
                for (double v : gr.values()) {
                    if (v > 0 && Double.isFinite(v)) {
                        min = Math.min(min, v);
                        max = Math.max(max, v);
                    }
                }
            }
            if (max == 0) {
                min = 1;
                max = 10;
            }
            Axis axis = log ? Axis.log(min, max) : Axis.linear(max);
            // title and legend
            g.setColor(new Color(0x222222));
            text.draw(g, title, titleFont, 16, 30);
            int lx = 16;
            for (int s = 0; s < series.size(); s++) {
                g.setColor(PALETTE[s % PALETTE.length]);
                g.fillRect(lx, 46, 14, 14);
                g.setColor(new Color(0x333333));
                text.draw(g, series.get(s), labelFont, lx + 20, 58);
                lx += 20 + text.width(g, series.get(s), labelFont) + 24;
            }
            // grid
            int plotBottom = height - bottom;
            for (double tick : axis.ticks()) {
                int x = left + (int) Math.round(axis.pos(tick) * (right - left));
                g.setColor(new Color(0xe6e6e6));
                g.setStroke(new BasicStroke(1));
                g.drawLine(x, top - 6, x, plotBottom);
                g.setColor(new Color(0x555555));
                String t = tick >= 1 ? String.format(Locale.ROOT, "%,.0f", tick) : format(tick);
                text.draw(g, t, small, x - text.width(g, t, small) / 2, plotBottom + 16);
            }
            text.draw(g, unit + (log ? " (log scale)" : ""), small, left, plotBottom + 36);
            // bars
            int y = top;
            for (Group gr : groups) {
                g.setColor(new Color(0x222222));
                int textY = y + (series.size() * barH) / 2 + text.ascent(g, labelFont) / 2 - 2;
                text.draw(g, gr.label(), labelFont, left - 12 - text.width(g, gr.label(), labelFont), textY);
                for (int s = 0; s < series.size(); s++) {
                    double v = s < gr.values().length ? gr.values()[s] : Double.NaN;
                    int by = y + s * barH;
                    if (v > 0 && Double.isFinite(v)) {
                        int w = Math.max(2, (int) Math.round(axis.pos(v) * (right - left)));
                        g.setColor(PALETTE[s % PALETTE.length]);
                        g.fillRect(left, by + 1, w, barH - 3);
                        g.setColor(new Color(0x333333));
                        text.draw(g, format(v), small, left + w + 4, by + barH - 4);
                    }
                }
                y += groupH;
            }
            g.setColor(new Color(0x999999));
            g.drawLine(left, top - 6, left, plotBottom);
        } finally {
            g.dispose();
        }
        return img;
    }

    static String format(double v) {
        if (v == 0) {
            return "0";
        }
        if (v >= 100) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (v >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (v >= 0.1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }

    /** Maps a value to [0, 1] along the plot and lists the tick values. */
    private interface Axis {
        double pos(double v);

        double[] ticks();

        static Axis log(double min, double max) {
            double lo = Math.floor(Math.log10(min));
            double hi = Math.ceil(Math.log10(max));
            if (hi <= lo) {
                hi = lo + 1;
            }
            double a = lo;
            double b = hi;
            return new Axis() {
                @Override
                public double pos(double v) {
                    return Math.max(0, Math.min(1, (Math.log10(v) - a) / (b - a)));
                }

                @Override
                public double[] ticks() {
                    int n = (int) (b - a) + 1;
                    double[] t = new double[n];
                    for (int i = 0; i < n; i++) {
                        t[i] = Math.pow(10, a + i);
                    }
                    return t;
                }
            };
        }

        static Axis linear(double max) {
            double step = Math.pow(10, Math.floor(Math.log10(max)));
            if (max / step < 2) {
                step /= 5;
            } else if (max / step < 5) {
                step /= 2;
            }
            double top = Math.ceil(max / step) * step;
            double s = step;
            return new Axis() {
                @Override
                public double pos(double v) {
                    return Math.max(0, Math.min(1, v / top));
                }

                @Override
                public double[] ticks() {
                    int n = (int) Math.round(top / s) + 1;
                    double[] t = new double[n];
                    for (int i = 0; i < n; i++) {
                        t[i] = i * s;
                    }
                    return t;
                }
            };
        }
    }
}
