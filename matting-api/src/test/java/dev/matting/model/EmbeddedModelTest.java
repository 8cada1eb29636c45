package dev.matting.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.common.ModelException;
import dev.matting.common.Precision;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded model is unpacked into the store's cache (not a shared /tmp folder) and trusted only by SHA-256
 * against the class-path bytes (issue 9, item 8). The class path here is a folder of this test's own holding the
 * tiny model's descriptor and ONNX files under {@link ModelSpec#BUNDLED_RESOURCE}, whatever model that names.
 */
class EmbeddedModelTest {
    @TempDir
    Path cache;
    @TempDir
    Path classes;

    private BundledModel.Content content() throws Exception {
        Path root = classes.resolve(ModelSpec.BUNDLED_RESOURCE);
        Files.createDirectories(root);
        Files.copy(StoreFixtures.TINY_JSON, root.resolve("model.json"), StandardCopyOption.REPLACE_EXISTING);
        for (String f : List.of("unet-tiny-fp32.onnx", "unet-tiny-fp16.onnx")) {
            Files.copy(StoreFixtures.TINY_JSON.resolveSibling(f), root.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        ClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, null);
        return BundledModel.read(loader, ModelSpec.BUNDLED_RESOURCE);
    }

    private ModelStore store() {
        return ModelStore.builder().cacheDirectory(cache).offline(true).build();
    }

    @Test
    void unpacksIntoTheStoresCacheUnderAFolderNamedAfterTheContent() throws Exception {
        BundledModel.Content c = content();
        ModelSpec spec = store().embedded(c);

        assertEquals(cache.resolve("embedded").resolve(c.folderName()), spec.directory());
        assertTrue(c.folderName().matches("unet-tiny-[0-9a-f]{16}"), c.folderName());
        Path onnx = spec.requireFile(ModelFormat.ONNX, Precision.FP32);
        assertArrayEquals(Files.readAllBytes(StoreFixtures.TINY_ONNX), Files.readAllBytes(onnx));
        assertArrayEquals(Files.readAllBytes(StoreFixtures.TINY_JSON), Files.readAllBytes(spec.directory().resolve("model.json")));
        // only what the class path carries: the TorchScript files are in the other backend's jar
        try (Stream<Path> files = Files.list(spec.directory())) {
            assertEquals(List.of("model.json", "model.json.lock", "unet-tiny-fp16.onnx", "unet-tiny-fp16.onnx.lock",
                    "unet-tiny-fp32.onnx", "unet-tiny-fp32.onnx.lock"), files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void aTamperedSameSizeCopyIsReplacedOnTheNextResolve() throws Exception {
        BundledModel.Content c = content();
        ModelStore store = store();
        Path onnx = store.embedded(c).requireFile(ModelFormat.ONNX, Precision.FP32);
        byte[] good = Files.readAllBytes(onnx);

        CacheVerificationTest.tamper(onnx, true);
        assertEquals(good.length, Files.size(onnx));
        assertNotEquals(StoreFixtures.sha256(good), StoreFixtures.sha256(Files.readAllBytes(onnx)));

        store.embedded(c);
        assertArrayEquals(good, Files.readAllBytes(onnx), "the same-size tampered file must be replaced");

        // a JVM that has not verified it yet catches it too, even with the old modification time put back
        CacheVerificationTest.tamper(onnx, false);
        VerifiedFiles.forgetAll();
        store.embedded(c);
        assertArrayEquals(good, Files.readAllBytes(onnx));
    }

    @Test
    void theDescriptorComesFromTheClassPathNotFromTheCopyOnDisk() throws Exception {
        BundledModel.Content c = content();
        ModelStore store = store();
        Path json = store.embedded(c).directory().resolve("model.json");
        Files.writeString(json, Files.readString(json).replace("\"size\": 384", "\"size\": 999"));

        ModelSpec again = store.embedded(c);

        assertEquals(new InputPolicy.LongestSide(384, 32), again.policy());
        assertArrayEquals(Files.readAllBytes(StoreFixtures.TINY_JSON), Files.readAllBytes(json), "model.json is restored");
    }

    @Test
    void anotherModelVersionGetsAnotherFolder() throws Exception {
        BundledModel.Content first = content();
        Path root = classes.resolve(ModelSpec.BUNDLED_RESOURCE);
        Files.writeString(root.resolve("model.json"), Files.readString(root.resolve("model.json")).replace("\"version\": 1",
                "\"version\": 2"));
        BundledModel.Content second = BundledModel.read(new URLClassLoader(new URL[] {classes.toUri().toURL()}, null),
                ModelSpec.BUNDLED_RESOURCE);
        assertNotEquals(first.folderName(), second.folderName());
    }

    @Test
    void withoutABackendJarThereIsNoEmbeddedModelAndTheErrorSaysWhatToAdd() {
        // matting-api's own tests have no backend jar on the class path
        assertNull(BundledModel.read(new URLClassLoader(new URL[0], null), ModelSpec.BUNDLED_RESOURCE));
        ModelException e = assertThrows(ModelException.class, ModelSpec::bundled);
        assertTrue(e.getMessage().contains("matting-onnx"), e.getMessage());
    }
}
