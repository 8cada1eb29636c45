package dev.matting.model;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

/**
 * Real model bytes and catalogue entries for store tests. The mechanics run on the committed tiny model's FP32 ONNX
 * file and a descriptor today's parser accepts (the tiny model's own {@code model.json}, renamed).
 */
final class StoreFixtures {
    static final Path TINY_ONNX = Path.of("../models/unet-tiny/unet-tiny-fp32.onnx");
    static final Path TINY_JSON = Path.of("../models/unet-tiny/model.json");
    static final String FILE = "unet-tiny-fp32.onnx";
    private static byte[] tinyBytes;

    static {
        warmUpHttp();
    }

    private StoreFixtures() {
    }

    /**
     * The JDK's HTTP client needs a second or two for its first client and first request in a cold JVM on a small
     * machine (TLS set-up, class loading); doing that once here keeps it out of the tests' short timeouts.
     */
    private static void warmUpHttp() {
        try (ModelServer s = ModelServer.start()) {
            s.on("/warm", ModelServer.ok(new byte[] {1}));
            java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(s.url("/warm")).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static synchronized byte[] tinyBytes() {
        if (tinyBytes == null) {
            try {
                tinyBytes = Files.readAllBytes(TINY_ONNX);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return tinyBytes.clone();
    }

    static String sha256(byte[] bytes) {
        return FileDigests.of(bytes).sha256();
    }

    static String md5(byte[] bytes) {
        FileDigests d = new FileDigests(true);
        d.update(bytes);
        return d.finish().md5();
    }

    /** The tiny model's descriptor, renamed to {@code name} and listing only its FP32 ONNX file. */
    static String tinyDescriptor(String name) {
        try {
            JsonObject o = JsonParser.parseString(Files.readString(TINY_JSON, StandardCharsets.UTF_8)).getAsJsonObject();
            o.addProperty("name", name);
            JsonObject onnx = new JsonObject();
            onnx.addProperty("fp32", FILE);
            JsonObject files = new JsonObject();
            files.add("onnx", onnx);
            o.add("files", files);
            return o.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A catalogue entry {@code name} for the tiny ONNX file at {@code url}, pinned by its real SHA-256 and MD5. */
    static CatalogEntry tinyEntry(String name, URI url) {
        byte[] b = tinyBytes();
        return CatalogEntry.builder(name).description("test model").license("Apache-2.0")
                .file(ModelFile.of(FILE, url, b.length, sha256(b), md5(b))).descriptor(tinyDescriptor(name)).build();
    }

    /**
     * A store on {@code cache} with short timeouts and pauses, so failure tests stay quick (2 s read timeout: a cold
     * JVM's first HTTP request can take over a second here; tests about stalls set 300 ms).
     */
    static ModelStore.Builder quickStore(Path cache, CatalogEntry... entries) {
        return ModelStore.builder().cacheDirectory(cache).catalog(ModelCatalog.of(entries)).offline(false)
                .connectTimeout(Duration.ofSeconds(2)).readTimeout(Duration.ofSeconds(2)).retries(2)
                .backoff(Duration.ofMillis(10));
    }

    /** Files in {@code dir} whose names mark an unfinished download. */
    static long partFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".part")).count();
        }
    }
}
