package dev.matting.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.matting.common.ModelException;
import java.io.StringReader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The built-in catalogue and the catalogue API (the descriptors' new fields are parsed in NewFormatCatalogTest). */
class ModelCatalogTest {
    private static final ModelCatalog BUILT_IN = ModelCatalog.builtIn();

    @Test
    void listsTheModelsOfIssue7() {
        assertEquals(List.of("u2netp", "u2net", "u2net_human_seg", "silueta", "isnet-general-use", "birefnet-general",
                "birefnet-general-lite", "modnet-photographic"), BUILT_IN.names());
    }

    @Test
    void everyEntryIsPinnedAndDocumented() {
        for (CatalogEntry e : BUILT_IN.entries()) {
            assertFalse(e.description().isBlank(), e.name());
            assertFalse(e.sources().isEmpty(), e.name());
            assertTrue(e.homepage().isPresent(), e.name());
            assertEquals(1, e.files().size(), e.name());
            ModelFile f = e.files().get(0);
            assertEquals("https", f.url().getScheme(), e.name());
            // silueta is the one model whose publisher gives no SHA-256: md5 and size only, and it says so
            assertEquals(!e.name().equals("silueta"), f.hasSha256(), e.name());
            if (!f.hasSha256()) {
                assertTrue(f.md5().isPresent(), e.name());
                assertTrue(e.licenseNote().orElse("").contains("md5"), e.name());
            }
            // rembg publishes an MD5 for every file it serves, and the catalogue checks it too
            if (f.url().getHost().equals("github.com")) {
                assertTrue(f.url().getPath().startsWith("/danielgatis/rembg/releases/download/v0.0.0/"), f.url().toString());
                assertTrue(f.md5().isPresent(), e.name());
            }
            JsonObject d = JsonParser.parseString(e.descriptorJson()).getAsJsonObject();
            assertEquals(e.name(), d.get("name").getAsString());
            assertEquals(f.name(), d.getAsJsonObject("files").getAsJsonObject("onnx").get("fp32").getAsString());
            assertEquals("float32", d.getAsJsonObject("input").get("dtype").getAsString(), e.name());
        }
        assertTrue(BUILT_IN.get("u2netp").embedded());
        assertEquals(1, BUILT_IN.entries().stream().filter(CatalogEntry::embedded).count());
    }

    @Test
    void theU2netpEntryDescribesTheCommittedFileExactly() throws Exception {
        byte[] committed = Files.readAllBytes(Path.of("../models/u2netp/u2netp.onnx"));
        ModelFile f = BUILT_IN.get("u2netp").files().get(0);
        assertEquals(committed.length, f.size());
        assertEquals(StoreFixtures.sha256(committed), f.sha256().orElseThrow());
        assertEquals(StoreFixtures.md5(committed), f.md5().orElseThrow());
        // and its descriptor is the committed model.json's, file list aside
        JsonObject committedJson = JsonParser.parseString(Files.readString(Path.of("../models/u2netp/model.json"))).getAsJsonObject();
        JsonObject entryJson = JsonParser.parseString(BUILT_IN.get("u2netp").descriptorJson()).getAsJsonObject();
        for (String key : List.of("input", "normalization", "output")) {
            assertEquals(committedJson.get(key), entryJson.get(key), key);
        }
    }

    @Test
    void summarisesEachInputForATable() {
        assertEquals("320x320 stretched", BUILT_IN.get("u2net").inputSummary());
        assertEquals("1024x1024 stretched", BUILT_IN.get("isnet-general-use").inputSummary());
        assertEquals("short side 512, multiple of 32", BUILT_IN.get("modnet-photographic").inputSummary());
    }

    @Test
    void anUnknownNameListsWhatThereIs() {
        ModelException e = assertThrows(ModelException.class, () -> BUILT_IN.get("u3net"));
        assertTrue(e.getMessage().contains("'u3net'") && e.getMessage().contains("isnet-general-use"), e.getMessage());
    }

    @Test
    void withAddsOrReplacesEntriesAndLeavesTheOriginalAlone() {
        CatalogEntry mine = StoreFixtures.tinyEntry("u2net", URI.create("https://models.example/u2net.onnx"));
        ModelCatalog changed = BUILT_IN.with(mine, StoreFixtures.tinyEntry("extra", URI.create("https://x.example/a")));
        assertEquals(mine, changed.get("u2net"));
        assertEquals(BUILT_IN.names().indexOf("u2net"), changed.names().indexOf("u2net"));
        assertEquals("extra", changed.names().get(changed.names().size() - 1));
        assertTrue(BUILT_IN.find("extra").isEmpty());
    }

    @Test
    void aCustomCatalogueFileReadsLikeTheBuiltInOne() {
        String json = """
                {"format": 1, "models": [{"name": "mine", "description": "d", "license": "MIT",
                  "files": [{"name": "mine.onnx", "url": "https://models.example/mine.onnx", "size": 10,
                             "sha256": "%s"}],
                  "descriptor": %s}]}
                """.formatted("ab".repeat(32), StoreFixtures.tinyDescriptor("mine").replace(StoreFixtures.FILE, "mine.onnx"));
        ModelCatalog c = ModelCatalog.parse(new StringReader(json), "mine.json");
        assertEquals(List.of("mine"), c.names());
        assertEquals(10, c.get("mine").totalSize());
    }

    @Test
    void catalogueErrorsNameTheOriginTheModelAndTheField() {
        String base = """
                {"format": 1, "models": [{"name": "mine", "description": "d", "license": "MIT",
                  "files": [{"name": "mine.onnx", "url": "https://models.example/mine.onnx", "size": 10 %s}],
                  "descriptor": {"name": "mine", "files": {"onnx": {"fp32": "%s"}}}}]}
                """;
        ModelException e = assertThrows(ModelException.class,
                () -> ModelCatalog.parse(new StringReader(base.formatted("", "mine.onnx")), "c.json"));
        assertTrue(e.getMessage().contains("c.json") && e.getMessage().contains("'mine'")
                && e.getMessage().contains("sha256 or an md5"), e.getMessage());
        e = assertThrows(ModelException.class, () -> ModelCatalog.parse(new StringReader(
                base.formatted(", \"md5\": \"xyz\"", "mine.onnx")), "c.json"));
        assertTrue(e.getMessage().contains("md5 'xyz'"), e.getMessage());
        e = assertThrows(ModelException.class, () -> ModelCatalog.parse(new StringReader(
                base.formatted(", \"md5\": \"" + "0".repeat(32) + "\"", "other.onnx")), "c.json"));
        assertTrue(e.getMessage().contains("files.onnx.fp32 names 'other.onnx'"), e.getMessage());
        e = assertThrows(ModelException.class, () -> ModelCatalog.parse(new StringReader("{\"format\": 2}"), "c.json"));
        assertTrue(e.getMessage().contains("'format' must be 1"), e.getMessage());
    }

    @Test
    void modelFilesRefuseNamesThatCouldEscapeTheirFolder() {
        URI u = URI.create("https://x.example/a");
        String sha = "0".repeat(64);
        for (String bad : new String[] {"../evil.onnx", "a/b.onnx", ".hidden", "..", ""}) {
            assertThrows(IllegalArgumentException.class, () -> ModelFile.of(bad, u, 1, sha, null), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> ModelFile.of("a.onnx", URI.create("ftp://x/a"), 1, sha, null));
        assertThrows(IllegalArgumentException.class, () -> ModelFile.of("a.onnx", u, 0, sha, null));
        assertThrows(IllegalArgumentException.class,
                () -> CatalogEntry.builder("embedded").file(ModelFile.of("a.onnx", u, 1, sha, null))
                        .descriptor("{\"name\": \"embedded\"}").build());
    }
}
