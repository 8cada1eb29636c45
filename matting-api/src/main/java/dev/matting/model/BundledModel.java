package dev.matting.model;

import dev.matting.common.ModelException;
import dev.matting.io.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Unpacks the embedded model from the class path into a cache folder, atomically, once per content version. */
final class BundledModel {
    private static volatile ModelSpec cached;

    private BundledModel() {
    }

    static ModelSpec spec() {
        ModelSpec s = cached;
        if (s == null) {
            synchronized (BundledModel.class) {
                s = cached;
                if (s == null) {
                    s = unpack();
                    cached = s;
                }
            }
        }
        return s;
    }

    private static ModelSpec unpack() {
        ClassLoader cl = BundledModel.class.getClassLoader();
        byte[] json;
        try (InputStream in = cl.getResourceAsStream(ModelSpec.BUNDLED_RESOURCE + "model.json")) {
            if (in == null) {
                throw new ModelException("the embedded model is not on the class path: add matting-djl or matting-onnx "
                        + "(their jars carry " + ModelSpec.BUNDLED_RESOURCE + ")");
            }
            json = in.readAllBytes();
        } catch (IOException e) {
            throw new ModelException("cannot read the embedded model descriptor: " + e.getMessage(), e);
        }
        ModelSpec listed = ModelSpec.parse(new java.io.StringReader(new String(json, java.nio.charset.StandardCharsets.UTF_8)),
                Path.of("."), "embedded model.json");
        // Only the formats whose backend jar is present are on the class path; the folder is named after the content,
        // so a retrained model (same file names and sizes) never reuses a stale cache.
        java.util.Map<String, byte[]> files = new java.util.TreeMap<>();
        files.put("model.json", json);
        try {
            for (ModelFormat f : ModelFormat.values()) {
                for (dev.matting.common.Precision p : new dev.matting.common.Precision[] {dev.matting.common.Precision.FP32,
                        dev.matting.common.Precision.FP16}) {
                    java.util.Optional<Path> file = listed.file(f, p);
                    if (file.isEmpty()) {
                        continue;
                    }
                    String name = file.get().getFileName().toString();
                    try (InputStream in = cl.getResourceAsStream(ModelSpec.BUNDLED_RESOURCE + name)) {
                        if (in != null) {
                            files.put(name, in.readAllBytes());
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new ModelException("cannot read the embedded model files: " + e.getMessage(), e);
        }
        Path dir = cacheRoot().resolve(listed.name() + "-" + sha(files).substring(0, 16));
        try {
            for (java.util.Map.Entry<String, byte[]> e : files.entrySet()) {
                copy(e.getValue(), dir.resolve(e.getKey()));
            }
            return ModelSpec.parse(new java.io.ByteArrayInputStream(json), dir, "embedded model.json");
        } catch (IOException e) {
            throw new ModelException("cannot unpack the embedded model into " + dir + ": " + e.getMessage(), e);
        }
    }

    private static Path cacheRoot() {
        String configured = System.getProperty("dev.matting.cache");
        if (configured != null) {
            return Path.of(configured);
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "dev.matting-" + System.getProperty("user.name", "user"));
    }

    private static void copy(byte[] data, Path target) throws IOException {
        if (Files.isRegularFile(target) && Files.size(target) == data.length) {
            return;
        }
        // atomic, so a crash or a concurrent JVM never sees half a model file
        AtomicFiles.writeBytes(target, data);
    }

    private static String sha(java.util.Map<String, byte[]> files) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (java.util.Map.Entry<String, byte[]> e : files.entrySet()) {
                md.update(e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                md.update(e.getValue());
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
