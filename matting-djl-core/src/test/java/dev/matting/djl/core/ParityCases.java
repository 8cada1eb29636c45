package dev.matting.djl.core;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.matting.spi.ModelInput;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/** The reference pairs in {@code models/unet-tiny/parity/}: a PNG at model size and the alpha eager PyTorch computed. */
public final class ParityCases {
    private static final String ROOT = "dev/matting/models/unet-tiny/parity/";

    private ParityCases() {
    }

    /** One pair: pixels in CHW order and the expected {@code height x width} alpha. */
    public record Case(String name, int height, int width, byte[] chw, float[] alpha) {
        public ModelInput input() {
            return ModelInput.ofPixels(height, width, chw);
        }

        @Override
        public String toString() {
            return name + " " + width + "x" + height;
        }
    }

    public static List<Case> load() {
        JsonObject root = JsonParser.parseString(new String(read("cases.json"), StandardCharsets.UTF_8)).getAsJsonObject();
        List<Case> cases = new ArrayList<>();
        for (JsonElement e : root.getAsJsonArray("cases")) {
            JsonObject c = e.getAsJsonObject();
            int h = c.get("height").getAsInt();
            int w = c.get("width").getAsInt();
            BufferedImage img;
            try (InputStream in = new java.io.ByteArrayInputStream(read(c.get("image").getAsString()))) {
                img = ImageIO.read(in);
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            if (img.getWidth() != w || img.getHeight() != h) {
                throw new IllegalStateException("parity image " + c.get("image") + " is " + img.getWidth() + "x"
                        + img.getHeight() + ", cases.json says " + w + "x" + h);
            }
            float[] alpha = new float[h * w];
            ByteBuffer.wrap(read(c.get("alpha").getAsString())).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(alpha);
            cases.add(new Case(c.get("image").getAsString(), h, w, chw(img), alpha));
        }
        return cases;
    }

    /** Planar RGB bytes of an image: all reds, then all greens, then all blues. */
    public static byte[] chw(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        int plane = w * h;
        byte[] out = new byte[3 * plane];
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < plane; i++) {
            out[i] = (byte) (argb[i] >> 16);
            out[plane + i] = (byte) (argb[i] >> 8);
            out[2 * plane + i] = (byte) argb[i];
        }
        return out;
    }

    private static byte[] read(String name) {
        try (InputStream in = ParityCases.class.getClassLoader().getResourceAsStream(ROOT + name)) {
            if (in == null) {
                throw new IllegalStateException("test resource " + ROOT + name + " is missing");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
