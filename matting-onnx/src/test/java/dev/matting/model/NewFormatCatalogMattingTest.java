package dev.matting.model;

import static dev.matting.model.ModelServer.ok;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.api.Matte;
import dev.matting.api.Matter;
import dev.matting.api.Matters;
import dev.matting.common.Device;
import dev.matting.testing.AlphaMetrics;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Matters.builder().model("u2net")} served from a loopback server: downloaded, verified, cached, and run on a
 * real photograph (issue 7's "done when"). The real u2net.onnx is 176 MB, so the server serves u2netp's bytes under
 * u2net's name, with a catalogue entry that keeps the built-in u2net descriptor and pipeline and pins u2netp's size
 * and digests. NEEDS THE EXTENDED model.json FORMAT of the {@code models} branch: skipped until it is merged, see
 * {@link ExtendedFormat}.
 */
class NewFormatCatalogMattingTest {
    private static final Path PHOTO = Path.of("../samples/photos/astronaut.png");
    private static final Path REFERENCE = Path.of("../models/u2netp/reference/astronaut.png");

    @TempDir
    Path cache;

    @BeforeEach
    void needsTheExtendedParser() {
        ExtendedFormat.assumeTheParserReadsIt();
    }

    @Test
    void u2netFromALoopbackServerDownloadsVerifiesCachesAndMattesAPhoto() throws Exception {
        byte[] bytes = Files.readAllBytes(Path.of("../models/u2netp/u2netp.onnx"));
        try (ModelServer server = ModelServer.start().on("/models/u2net.onnx", ok(bytes))) {
            CatalogEntry builtIn = ModelCatalog.builtIn().get("u2net");
            CatalogEntry u2net = CatalogEntry.builder("u2net").description(builtIn.description()).license(builtIn.license())
                    .file(ModelFile.of("u2net.onnx", server.url("/models/u2net.onnx"), bytes.length,
                            StoreFixtures.sha256(bytes), StoreFixtures.md5(bytes)))
                    .descriptor(builtIn.descriptorJson()).build();
            ModelStore store = ModelStore.builder().cacheDirectory(cache).catalog(ModelCatalog.builtIn().with(u2net))
                    .offline(false).readTimeout(Duration.ofSeconds(10)).build();

            Matte matte;
            try (Matter matter = Matters.builder().modelStore(store).model("u2net").backend("onnxruntime")
                    .device(Device.cpu()).create()) {
                assertEquals("u2net", matter.info().model());
                matte = matter.matte(PHOTO);
            }
            assertEquals(1, server.hits("/models/u2net.onnx"));
            assertArrayEquals(bytes, Files.readAllBytes(cache.resolve("u2net").resolve("u2net.onnx")));

            // the same bytes and pipeline as the committed u2netp folder: the same alpha, to the bit
            try (Matter folder = Matters.builder().model(Path.of("../models/u2netp")).backend("onnxruntime")
                    .device(Device.cpu()).create()) {
                assertArrayEquals(folder.matte(PHOTO).alphaBytes(), matte.alphaBytes());
            }
            // and rembg's own alpha for this photo and these weights
            BufferedImage ref = ImageIO.read(REFERENCE.toFile());
            float[] expected = new float[ref.getWidth() * ref.getHeight()];
            ref.getRaster().getSamples(0, 0, ref.getWidth(), ref.getHeight(), 0, expected);
            float[] got = matte.alphaFloats();
            double sum = 0;
            for (int i = 0; i < expected.length; i++) {
                expected[i] /= 255f;
                sum += Math.abs(expected[i] - got[i]);
            }
            double iou = AlphaMetrics.iou(got, expected, 0.5f);
            assertTrue(iou >= 0.98, "IoU against rembg " + iou);
            assertTrue(sum / expected.length <= 1.5 / 255, "mean |d| against rembg " + sum / expected.length * 255 + "/255");

            // a second Matter runs from the cache
            try (Matter again = Matters.builder().modelStore(store).model("u2net").backend("onnxruntime")
                    .device(Device.cpu()).create()) {
                again.matte(PHOTO);
            }
            assertEquals(1, server.hits("/models/u2net.onnx"));
        }
    }
}
