package dev.matting.model;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.matting.common.ModelException;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The embedded default model: the folder {@link ModelSpec#BUNDLED_RESOURCE} on the class path (the backend jars carry
 * it), with its {@code model.json}. Whatever model that is, it is unpacked into the store's cache folder, under
 * {@code embedded/<name>-<content hash>/}, and a file already there is used only when its SHA-256 equals that of the
 * class-path bytes; anything else (a stale, truncated or tampered copy, even of the same size) is replaced.
 *
 * <p>Only the names, sizes and SHA-256s of the class-path files are kept in memory; the bytes are read again from
 * the class path when a file has to be written, so a JVM does not hold a model's worth of heap for this.
 */
final class BundledModel {
    private static volatile Content defaultContent;

    private BundledModel() {
    }

    /** What the class path holds: the descriptor, and per file (model.json included) its size and SHA-256. */
    record Content(ClassLoader loader, String root, String name, byte[] descriptor, Map<String, String> sha256,
            Map<String, Long> sizes, String folderName) {
        /** The descriptor parsed for a copy in {@code directory}. */
        ModelSpec spec(Path directory) {
            return ModelSpec.parse(new StringReader(new String(descriptor, StandardCharsets.UTF_8)), directory,
                    "embedded model.json (" + root + ")");
        }

        byte[] read(String file) throws IOException {
            return resource(loader, root + file);
        }

        URI source(String file) {
            return URI.create("classpath:/" + root + file);
        }
    }

    /** The embedded model of this SDK's class loader, read once; fails when no backend jar carries one. */
    static Content content() {
        Content c = defaultContent;
        if (c == null) {
            synchronized (BundledModel.class) {
                c = defaultContent;
                if (c == null) {
                    c = read(BundledModel.class.getClassLoader(), ModelSpec.BUNDLED_RESOURCE);
                    if (c == null) {
                        throw new ModelException("the embedded model is not on the class path: add matting-djl or "
                                + "matting-onnx (their jars carry " + ModelSpec.BUNDLED_RESOURCE + "), or name a model: "
                                + "Matters.builder().model(\"u2netp\")");
                    }
                    defaultContent = c;
                }
            }
        }
        return c;
    }

    /** The embedded model's name, or {@code null} when no backend jar carries one. */
    static String nameOrNull() {
        try {
            return content().name();
        } catch (ModelException e) {
            return null;
        }
    }

    /**
     * Reads the model under {@code root} (a class-path folder ending in '/') from {@code loader}: the descriptor and
     * every file it lists that is present; {@code null} when there is no descriptor there.
     */
    static Content read(ClassLoader loader, String root) {
        byte[] json;
        try {
            json = resource(loader, root + "model.json");
        } catch (IOException e) {
            throw new ModelException("cannot read the embedded model descriptor " + root + "model.json: " + e, e);
        }
        if (json == null) {
            return null;
        }
        JsonObject descriptor;
        try {
            descriptor = JsonParser.parseString(new String(json, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new ModelException("embedded model descriptor " + root + "model.json is not a JSON object: " + e.getMessage(), e);
        }
        String name = descriptor.has("name") ? descriptor.get("name").getAsString() : "embedded";
        Map<String, String> sha = new TreeMap<>();
        Map<String, Long> sizes = new TreeMap<>();
        sha.put("model.json", FileDigests.of(json).sha256());
        sizes.put("model.json", (long) json.length);
        // Only the formats whose backend jar is present are on the class path: take what is there.
        if (descriptor.get("files") instanceof JsonObject files) {
            for (Map.Entry<String, JsonElement> format : files.entrySet()) {
                if (!format.getValue().isJsonObject()) {
                    continue;
                }
                for (Map.Entry<String, JsonElement> p : format.getValue().getAsJsonObject().entrySet()) {
                    String file = p.getValue().getAsString();
                    if (sha.containsKey(file) || file.contains("/") || file.contains("\\") || file.startsWith(".")) {
                        continue;
                    }
                    byte[] bytes;
                    try {
                        bytes = resource(loader, root + file);
                    } catch (IOException e) {
                        throw new ModelException("cannot read the embedded model file " + root + file + ": " + e, e);
                    }
                    if (bytes != null) {
                        sha.put(file, FileDigests.of(bytes).sha256());
                        sizes.put(file, (long) bytes.length);
                    }
                }
            }
        }
        // The folder is named after the content, so two SDK versions sharing a cache never fight over one folder.
        MessageDigest all;
        try {
            all = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (Map.Entry<String, String> e : sha.entrySet()) {
            all.update((e.getKey() + "\0" + e.getValue() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        String folder = name.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + HexFormat.of().formatHex(all.digest()).substring(0, 16);
        return new Content(loader, root, name, json, Collections.unmodifiableMap(sha), Collections.unmodifiableMap(sizes),
                folder);
    }

    private static byte[] resource(ClassLoader loader, String name) throws IOException {
        try (InputStream in = loader.getResourceAsStream(name)) {
            return in == null ? null : in.readAllBytes();
        }
    }

    /** Unpacks {@code content} into {@code cacheDirectory}/embedded/ through {@code fetcher}, and returns its spec. */
    static ModelSpec unpack(Content content, Path cacheDirectory, ModelFetcher fetcher) {
        Path dir = cacheDirectory.resolve(CatalogEntry.RESERVED_NAME).resolve(content.folderName());
        // parsed from the class-path bytes, never from the copy on disk
        ModelSpec spec = content.spec(dir);
        for (Map.Entry<String, String> file : content.sha256().entrySet()) {
            String name = file.getKey();
            fetcher.ensureUnpacked(content.name(), name, content.sizes().get(name), file.getValue(),
                    () -> content.read(name), content.source(name), dir.resolve(name));
        }
        return spec;
    }
}
