package dev.matting.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.api.MatterOptions;
import dev.matting.common.ImageDecodeException;
import dev.matting.common.ImageSource;
import dev.matting.model.ModelSpec;
import dev.matting.pipeline.MattingPipeline;
import dev.matting.postprocess.PostProcess;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The decode budget in bytes: worked out from the header per format and depth, enforced before allocation. */
class DecodeBudgetTest {

    @Test
    void theIssuesSixteenBitPngBombIsRefusedBeforeAnyRasterExists() {
        // The file from the issue: a valid 10000 x 10000 16-bit RGBA PNG of zeros, about 777 KB. It is within the
        // 100-megapixel count; only its bytes (8 per pixel + the RGB copy) give it away.
        byte[] bomb = HostileInputs.zeroPng(10_000, 10_000, 16, 6);
        assertTrue(bomb.length < 1_000_000, bomb.length + " bytes");
        DecodeLimits limits = new DecodeLimits(DecodeLimits.DEFAULT_MAX_PIXELS, DecodeLimits.DEFAULT_MAX_BYTES);
        assertTrue(10_000L * 10_000 <= limits.maxPixels());

        HostileInputs.Outcome o = HostileInputs.decode("bomb.png", bomb, limits);
        assertFalse(o.decoded());
        String m = o.error().getMessage();
        assertTrue(m.contains("'bomb.png'") && m.contains("10000x10000 at 64 bits per pixel")
                && m.contains("needs 1,100,000,000 bytes") && m.contains("raster 800,000,000")
                && m.contains("decode budget of 805,306,368 bytes") && m.contains(DecodeLimits.MAX_BYTES_PROPERTY)
                && m.contains("refused before decoding"), m);
        assertTrue(o.allocatedBytes() < 8L << 20, "allocated " + o.allocatedBytes() + " bytes before refusing");
    }

    @ParameterizedTest(name = "PNG depth {0}, colour type {1}: {2} bits per pixel")
    @CsvSource({
        "8, 2, 24", // RGB
        "16, 2, 48",
        "8, 6, 32", // RGBA
        "16, 6, 64",
        "8, 0, 8", // grey
        "16, 0, 16",
        "1, 0, 1", // packed grey
        "8, 4, 16", // grey + alpha
        "8, 3, 8", // palette
        "2, 3, 2", // packed palette
    })
    void theRasterFollowsBitDepthChannelsAndPalette(int depth, int colourType, int bitsPerPixel) throws IOException {
        // what the PNG specification says each layout holds per pixel, against what the reader will allocate
        byte[] png = HostileInputs.zeroPng(101, 7, depth, colourType);
        DecodeCost cost = cost(png, 1);
        assertEquals(bitsPerPixel, cost.bitsPerPixel());
        assertEquals((101L * bitsPerPixel + 7) / 8 * 7, cost.rasterBytes());
        assertEquals(cost.rasterBytes() + 3L * 101 * 7, cost.peakBytes());
    }

    @Test
    void theBudgetIsExactAtItsEdge() {
        byte[] png = HostileInputs.zeroPng(300, 200, 16, 6);
        long need = 300L * 200 * 8 + 300L * 200 * 3;
        DecodeLimits limits = DecodeLimits.defaults();
        assertEquals(300, ImageDecoder.decode(ImageSource.of("edge.png", png), limits.withMaxBytes(need)).width());
        ImageDecodeException e = assertThrows(ImageDecodeException.class,
                () -> ImageDecoder.decode(ImageSource.of("edge.png", png), limits.withMaxBytes(need - 1)));
        assertTrue(e.getMessage().contains(String.format(Locale.ROOT, "needs %,d bytes", need)), e.getMessage());
    }

    @Test
    void aProgressiveJpegCountsItsCoefficientBuffers() throws IOException {
        BufferedImage img = new BufferedImage(64, 48, BufferedImage.TYPE_3BYTE_BGR);
        byte[] baseline = TestImages.jpeg(img, 0.9f);
        byte[] progressive = progressiveJpeg(img);
        long pixels = 64L * 48;
        assertEquals(0, DecodeCost.progressiveComponents(baseline));
        assertEquals(3, DecodeCost.progressiveComponents(progressive));
        assertEquals(6 * pixels, cost(baseline, 1).peakBytes());
        assertEquals(3 * pixels + 3 * pixels + 6 * pixels, cost(progressive, 1).peakBytes());
        assertEquals(6 * pixels, cost(progressive, 1).nativeBytes());
    }

    @Test
    void anExifRotationCountsTheRotatedCopy() throws IOException {
        byte[] grey = HostileInputs.zeroPng(50, 40, 8, 0);
        assertEquals(50L * 40 * (1 + 3), cost(grey, 1).peakBytes());
        assertEquals(50L * 40 * (3 + 3), cost(grey, 6).peakBytes());
    }

    @Test
    void aJpegScanBombIsRefusedAndAnOrdinaryProgressiveJpegDecodes() throws IOException {
        byte[] progressive = progressiveJpeg(new BufferedImage(64, 48, BufferedImage.TYPE_3BYTE_BGR));
        int scans = DecodeCost.jpegScans(progressive);
        assertTrue(scans > 1 && scans <= DecodeLimits.MAX_JPEG_SCANS, scans + " scans");
        assertEquals(64, ImageDecoder.decode(ImageSource.of("p.jpg", progressive)).width());

        // repeat the last scan (its SOS segment and entropy-coded data) until there are too many
        int[] lastSos = {-1};
        JpegSegments.walk(progressive, (marker, start, end) -> {
            if (marker == JpegSegments.SOS) {
                lastSos[0] = start - 4;
            }
            return true;
        }, true);
        int eoi = progressive.length - 2;
        byte[] scan = java.util.Arrays.copyOfRange(progressive, lastSos[0], eoi);
        ByteArrayOutputStream bomb = new ByteArrayOutputStream();
        bomb.write(progressive, 0, eoi);
        for (int i = 0; i <= DecodeLimits.MAX_JPEG_SCANS; i++) {
            bomb.writeBytes(scan);
        }
        bomb.write(progressive, eoi, 2);
        byte[] bytes = bomb.toByteArray();
        assertEquals(scans + DecodeLimits.MAX_JPEG_SCANS + 1, DecodeCost.jpegScans(bytes));
        HostileInputs.Outcome o = HostileInputs.decode("scans.jpg", bytes, DecodeLimits.defaults());
        assertFalse(o.decoded());
        assertTrue(o.error().getMessage().contains("scans, above the limit of " + DecodeLimits.MAX_JPEG_SCANS),
                o.error().getMessage());
    }

    @Test
    void anOutOfMemoryErrorWhileDecodingIsAnImageDecodeException() {
        ImageReaderSpi spi = new ExhaustingReaderSpi();
        IIORegistry.getDefaultInstance().registerServiceProvider(spi, ImageReaderSpi.class);
        try {
            byte[] bytes = "EXHAUST!and some more bytes".getBytes(StandardCharsets.US_ASCII);
            ImageDecodeException e = assertThrows(ImageDecodeException.class,
                    () -> ImageDecoder.decode(ImageSource.of("heavy.img", bytes)));
            assertTrue(e.getMessage().contains("'heavy.img'") && e.getMessage().contains("ran out of memory")
                    && e.getMessage().contains("640x480"), e.getMessage());
            assertInstanceOf(OutOfMemoryError.class, e.getCause());
        } finally {
            IIORegistry.getDefaultInstance().deregisterServiceProvider(spi, ImageReaderSpi.class);
        }
    }

    @Test
    void matterOptionsCarryTheLimitsToThePipeline() {
        DecodeLimits small = DecodeLimits.defaults().withMaxBytes(1_000_000);
        MatterOptions options = MatterOptions.builder().decodeLimits(small).build();
        assertEquals(small, options.decodeLimits());
        assertEquals(small, options.toBuilder().build().decodeLimits());
        assertEquals(DecodeLimits.defaults(), MatterOptions.defaults().decodeLimits());

        ModelSpec spec = ModelSpec.parse(new StringReader("""
                {"name": "fake", "files": {"onnx": {"fp32": "none.onnx"}},
                 "input": {"dtype": "uint8", "policy": {"kind": "longest-side", "size": 64, "multiple": 32}},
                 "normalization": {"inGraph": true, "mean": [0, 0, 0], "std": [1, 1, 1]},
                 "output": {}}
                """), Path.of("."), "fake model.json");
        MattingPipeline pipeline = new MattingPipeline(spec, PostProcess.NONE, options.decodeLimits());
        byte[] png = HostileInputs.zeroPng(400, 300, 8, 2); // 400 x 300 x (3 + 3) = 720,000 bytes: fits
        assertEquals(400, pipeline.prepare(ImageSource.of("fits.png", png)).image().width());
        byte[] png16 = HostileInputs.zeroPng(400, 300, 16, 2); // 400 x 300 x (6 + 3) = 1,080,000 bytes
        ImageDecodeException e = assertThrows(ImageDecodeException.class,
                () -> pipeline.prepare(ImageSource.of("deep.png", png16)));
        assertTrue(e.getMessage().contains("'deep.png'") && e.getMessage().contains("decode budget of 1,000,000"),
                e.getMessage());
    }

    @Test
    void limitsMustBePositiveAndPropertiesMustBeNumbers() {
        assertThrows(IllegalArgumentException.class, () -> new DecodeLimits(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new DecodeLimits(1, 0));
        String old = System.getProperty(DecodeLimits.MAX_BYTES_PROPERTY);
        try {
            System.setProperty(DecodeLimits.MAX_BYTES_PROPERTY, "12345");
            assertEquals(12345, DecodeLimits.defaults().maxBytes());
            System.setProperty(DecodeLimits.MAX_BYTES_PROPERTY, "lots");
            IllegalStateException e = assertThrows(IllegalStateException.class, DecodeLimits::defaults);
            assertTrue(e.getMessage().contains(DecodeLimits.MAX_BYTES_PROPERTY), e.getMessage());
        } finally {
            if (old == null) {
                System.clearProperty(DecodeLimits.MAX_BYTES_PROPERTY);
            } else {
                System.setProperty(DecodeLimits.MAX_BYTES_PROPERTY, old);
            }
        }
        long heap = Runtime.getRuntime().maxMemory();
        assertEquals(Math.min(DecodeLimits.DEFAULT_MAX_BYTES, heap / 2), DecodeLimits.defaults().maxBytes());
    }

    /** The cost the decoder would compute for {@code bytes}, through the same first reader it would use. */
    private static DecodeCost cost(byte[] bytes, int orientation) throws IOException {
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            ImageReader reader = ImageIO.getImageReaders(in).next();
            try {
                reader.setInput(in, true, true);
                return DecodeCost.of(reader, reader.getWidth(0), reader.getHeight(0), bytes, orientation);
            } finally {
                reader.dispose();
            }
        }
    }

    private static byte[] progressiveJpeg(BufferedImage img) throws IOException {
        javax.imageio.ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (javax.imageio.stream.ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            w.setOutput(ios);
            javax.imageio.ImageWriteParam p = w.getDefaultWriteParam();
            p.setProgressiveMode(javax.imageio.ImageWriteParam.MODE_DEFAULT);
            w.write(null, new javax.imageio.IIOImage(img, null, null), p);
        } finally {
            w.dispose();
        }
        return out.toByteArray();
    }

    /** A reader for files starting "EXHAUST!" whose decode runs out of memory, as a real one would on a small heap. */
    private static final class ExhaustingReaderSpi extends ImageReaderSpi {
        ExhaustingReaderSpi() {
            super("dev.matting tests", "1", new String[] {"exhaust"}, new String[] {"exhaust"}, null,
                    ExhaustingReader.class.getName(), new Class<?>[] {ImageInputStream.class}, null, false, null,
                    null, null, null, false, null, null, null, null);
        }

        @Override
        public boolean canDecodeInput(Object source) throws IOException {
            if (!(source instanceof ImageInputStream in)) {
                return false;
            }
            byte[] head = new byte[8];
            in.mark();
            try {
                in.readFully(head);
            } catch (IOException e) {
                return false;
            } finally {
                in.reset();
            }
            return new String(head, StandardCharsets.US_ASCII).equals("EXHAUST!");
        }

        @Override
        public ImageReader createReaderInstance(Object extension) {
            return new ExhaustingReader(this);
        }

        @Override
        public String getDescription(Locale locale) {
            return "test reader that runs out of memory";
        }
    }

    private static final class ExhaustingReader extends ImageReader {
        ExhaustingReader(ImageReaderSpi spi) {
            super(spi);
        }

        @Override
        public int getNumImages(boolean allowSearch) {
            return 1;
        }

        @Override
        public int getWidth(int imageIndex) {
            return 640;
        }

        @Override
        public int getHeight(int imageIndex) {
            return 480;
        }

        @Override
        public Iterator<ImageTypeSpecifier> getImageTypes(int imageIndex) {
            return List.of(ImageTypeSpecifier.createFromBufferedImageType(BufferedImage.TYPE_3BYTE_BGR)).iterator();
        }

        @Override
        public IIOMetadata getStreamMetadata() {
            return null;
        }

        @Override
        public IIOMetadata getImageMetadata(int imageIndex) {
            return null;
        }

        @Override
        public BufferedImage read(int imageIndex, ImageReadParam param) {
            throw new OutOfMemoryError("Java heap space");
        }
    }
}
