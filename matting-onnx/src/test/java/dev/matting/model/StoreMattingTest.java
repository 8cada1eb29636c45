package dev.matting.model;

import static dev.matting.model.ModelServer.ok;
import static dev.matting.model.StoreFixtures.FILE;
import static dev.matting.model.StoreFixtures.quickStore;
import static dev.matting.model.StoreFixtures.tinyBytes;
import static dev.matting.model.StoreFixtures.tinyEntry;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.api.Matte;
import dev.matting.api.Matter;
import dev.matting.api.Matters;
import dev.matting.common.Device;
import dev.matting.common.Precision;
import dev.matting.testing.AlphaMetrics;
import dev.matting.testing.SyntheticImages;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store end to end through ONNX Runtime: a model named in {@code Matters.builder().model(name)} is downloaded from
 * a loopback server, verified, cached and run; the embedded model is unpacked into the store's cache, and a same-size
 * tampered copy there is replaced before it can change a matte (issue 9, item 8).
 */
class StoreMattingTest {
    @TempDir
    Path cache;

    private static Matte matte(ModelStore store, String name, SyntheticImages.Sample s) {
        var b = Matters.builder().modelStore(store).backend("onnxruntime").device(Device.cpu()).precision(Precision.FP32);
        if (name != null) {
            b.model(name);
        }
        try (Matter m = b.create()) {
            return m.matte(s.image());
        }
    }

    @Test
    void aNamedModelIsDownloadedVerifiedCachedAndMattes() throws Exception {
        SyntheticImages.Sample s = SyntheticImages.generate(42, 512, 384);
        try (ModelServer server = ModelServer.start().on("/" + FILE, ok(tinyBytes()))) {
            ModelStore store = quickStore(cache, tinyEntry("tiny", server.url("/" + FILE))).build();
            try (Matter matter = Matters.builder().modelStore(store).model("tiny").backend("onnxruntime")
                    .device(Device.cpu()).create()) {
                assertEquals("tiny", matter.info().model());
                Matte m = matter.matte(s.image());
                double iou = AlphaMetrics.iou(m.alphaFloats(), s.alpha());
                assertTrue(iou >= 0.9, "IoU " + iou);
            }
            assertEquals(1, server.hits("/" + FILE));
            assertArrayEquals(tinyBytes(), Files.readAllBytes(cache.resolve("tiny").resolve(FILE)));

            // a second Matter, and a second store on the same cache, run from the cache
            matte(store, "tiny", s);
            matte(quickStore(cache, tinyEntry("tiny", server.url("/" + FILE))).build(), "tiny", s);
            assertEquals(1, server.hits("/" + FILE));
        }
    }

    @Test
    void theEmbeddedModelIsUnpackedIntoTheStoresCacheAndATamperedCopyIsReplacedWithMattesUnchanged() throws Exception {
        SyntheticImages.Sample s = SyntheticImages.generate(11, 400, 300);
        ModelStore store = ModelStore.builder().cacheDirectory(cache).build();
        ModelSpec spec = store.embedded();
        assertTrue(spec.directory().startsWith(cache.resolve("embedded")), spec.directory().toString());
        Path onnx = spec.requireFile(ModelFormat.ONNX, Precision.FP32);
        byte[] good = Files.readAllBytes(onnx);
        Matte before = matte(store, null, s);

        // what issue 9 saw in /tmp: the same size, other weights
        byte[] bad = good.clone();
        for (int i = bad.length / 4; i < bad.length / 2; i += 4096) {
            bad[i] ^= 0x40;
        }
        Files.write(onnx, bad);
        assertEquals(good.length, Files.size(onnx));
        assertNotEquals(StoreFixtures.sha256(good), StoreFixtures.sha256(Files.readAllBytes(onnx)));

        Matte after = matte(store, null, s);

        assertArrayEquals(good, Files.readAllBytes(onnx), "the tampered copy must be replaced from the class path");
        assertArrayEquals(before.alphaFloats(), after.alphaFloats(), 0f, "mattes must not change");
    }
}
