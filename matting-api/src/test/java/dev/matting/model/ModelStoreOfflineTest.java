package dev.matting.model;

import static dev.matting.model.ModelServer.ok;
import static dev.matting.model.StoreFixtures.FILE;
import static dev.matting.model.StoreFixtures.quickStore;
import static dev.matting.model.StoreFixtures.sha256;
import static dev.matting.model.StoreFixtures.tinyBytes;
import static dev.matting.model.StoreFixtures.tinyEntry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.common.ModelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The offline switch: no network, an error that says exactly what to put where, and pre-seeded caches that work. */
class ModelStoreOfflineTest {
    @TempDir
    Path cache;

    @Test
    void offlineAndMissingNamesTheModelFileUrlDigestSizeAndThePathToPutItAt() throws Exception {
        byte[] bytes = tinyBytes();
        try (ModelServer server = ModelServer.start().on("/" + FILE, ok(bytes))) {
            ModelStore store = quickStore(cache, tinyEntry("tiny", server.url("/" + FILE))).offline(true).build();

            ModelException e = assertThrows(ModelException.class, () -> store.resolve("tiny"));

            String msg = e.getMessage();
            Path target = cache.resolve("tiny").resolve(FILE);
            assertTrue(msg.contains("model 'tiny' file " + FILE + " is not in the model cache"), msg);
            assertTrue(msg.contains("offline"), msg);
            assertTrue(msg.contains(bytes.length + " bytes, sha256:" + sha256(bytes)), msg);
            assertTrue(msg.contains(server.url("/" + FILE).toString()), msg);
            assertTrue(msg.endsWith(" at " + target), msg);
            assertEquals(0, server.hits("/" + FILE), "offline must not touch the network");
        }
    }

    @Test
    void offlineWithTheFilePutThereByHandWorks() throws Exception {
        byte[] bytes = tinyBytes();
        try (ModelServer server = ModelServer.start().on("/" + FILE, ok(bytes))) {
            ModelStore store = quickStore(cache, tinyEntry("tiny", server.url("/" + FILE))).offline(true).build();
            Path target = store.directoryOf("tiny").resolve(FILE);
            Files.createDirectories(target.getParent());
            Files.write(target, bytes); // what the README tells an air-gapped user to do

            ModelSpec spec = store.resolve("tiny");

            assertEquals(target.getParent(), spec.directory());
            assertEquals(0, server.hits("/" + FILE));
        }
    }

    @Test
    void aCacheEntryMayBeASymbolicLinkToSharedStorage(@TempDir Path shared) throws Exception {
        byte[] bytes = tinyBytes();
        try (ModelServer server = ModelServer.start().on("/" + FILE, ok(bytes))) {
            ModelStore store = quickStore(cache, tinyEntry("tiny", server.url("/" + FILE))).offline(true).build();
            Path real = Files.write(shared.resolve(FILE), bytes);
            Path link = store.directoryOf("tiny").resolve(FILE);
            Files.createDirectories(link.getParent());
            Files.createSymbolicLink(link, real);

            store.resolve("tiny");

            assertTrue(Files.isSymbolicLink(link), "a valid link is used as it is");
            assertEquals(0, server.hits("/" + FILE));
        }
    }

    @Test
    void offlineWithADamagedCopySaysWhatIsWrongAndDeletesIt() throws Exception {
        byte[] bytes = tinyBytes();
        try (ModelServer server = ModelServer.start().on("/" + FILE, ok(bytes))) {
            ModelStore store = quickStore(cache, tinyEntry("tiny", server.url("/" + FILE))).offline(true).build();
            Path target = store.directoryOf("tiny").resolve(FILE);
            Files.createDirectories(target.getParent());
            byte[] bad = bytes.clone();
            bad[7] ^= 1;
            Files.write(target, bad);

            ModelException e = assertThrows(ModelException.class, () -> store.resolve("tiny"));

            assertTrue(e.getMessage().contains("damaged copy") && e.getMessage().contains("sha256 expected " + sha256(bytes)),
                    e.getMessage());
            assertFalse(Files.exists(target), "a file with a wrong digest must not be kept");
            assertEquals(0, server.hits("/" + FILE));
        }
    }

    @Test
    void theSystemPropertyAndEnvironmentSwitchOfflineAndTheBuilderOverridesThem() {
        StoreSettings env = new StoreSettings(k -> null, Map.of("MATTING_OFFLINE", "1")::get);
        assertTrue(ModelStore.builder().settings(env).cacheDirectory(cache).build().offline());
        assertFalse(ModelStore.builder().settings(env).cacheDirectory(cache).offline(false).build().offline());
        StoreSettings prop = new StoreSettings(Map.of("dev.matting.offline", "true")::get, k -> null);
        assertTrue(ModelStore.builder().settings(prop).cacheDirectory(cache).build().offline());
    }
}
