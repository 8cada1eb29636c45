package dev.matting.bench.report;

import java.awt.Font;
import java.awt.Graphics2D;

/** What a bare server's font manager does (test fixture): every text call fails, metrics included. */
public final class NoFonts {
    /** Throws as Java2D does there ("Fontconfig head is null") on every call. */
    public static final TextDrawer DRAWER = new TextDrawer() {
        @Override
        public void draw(Graphics2D g, String text, Font font, int x, int y) {
            throw new RuntimeException("Fontconfig head is null, check your fonts or fonts configuration");
        }

        @Override
        public int width(Graphics2D g, String text, Font font) {
            throw new RuntimeException("Fontconfig head is null, check your fonts or fonts configuration");
        }

        @Override
        public int ascent(Graphics2D g, Font font) {
            throw new InternalError("fontmanager: no fonts");
        }
    };

    private NoFonts() {
    }
}
