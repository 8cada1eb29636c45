package dev.matting.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.matting.common.ModelException;
import dev.matting.model.InputPolicy;
import java.io.IOException;
import java.io.StringReader;
import dev.matting.model.ModelSpec;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Names the model a benchmark runs: {@code tiny} (the embedded default), {@code base} (the folder named by
 * {@code -Dmatting.bench.base}, env {@code MATTING_BASE_MODEL}, else {@code models/unet-base}), or any model folder.
 */
public final class ModelRef {
    /** System property holding the folder of the base model made by {@code tools/unet.py --variant base}. */
    public static final String BASE_PROPERTY = "matting.bench.base";

    private ModelRef() {
    }

    public static ModelSpec resolve(String ref) {
        String r = ref == null ? "tiny" : ref.trim();
        if (r.isEmpty() || r.equals("tiny") || r.equals("embedded")) {
            return ModelSpec.bundled();
        }
        if (r.equals("base")) {
            String dir = System.getProperty(BASE_PROPERTY, System.getenv().getOrDefault("MATTING_BASE_MODEL", "models/unet-base"));
            Path p = Path.of(dir);
            if (!Files.exists(p)) {
                throw new ModelException("model 'base': no folder at " + p.toAbsolutePath() + "; make it with "
                        + "`python3 tools/unet.py --variant base --out " + dir + "` or pass -D" + BASE_PROPERTY + "=DIR");
            }
            return ModelSpec.load(p);
        }
        return ModelSpec.load(Path.of(r));
    }

    /**
     * The same model with its input sized by {@code policy} instead of its own: the benchmarks run one model at 512,
     * 1024 and 1920x1080. Re-parses the folder's {@code model.json} with the policy replaced, so the copy goes through
     * the same validation as any descriptor.
     */
    public static ModelSpec atPolicy(ModelSpec spec, InputPolicy policy) {
        Path json = spec.directory().resolve("model.json");
        try {
            JsonObject root = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
            JsonObject p = new JsonObject();
            if (policy instanceof InputPolicy.LongestSide l) {
                p.addProperty("kind", "longest-side");
                p.addProperty("size", l.size());
                p.addProperty("multiple", l.multiple());
            } else if (policy instanceof InputPolicy.FixedSquare f) {
                p.addProperty("kind", "fixed-square");
                p.addProperty("size", f.size());
            } else {
                throw new IllegalArgumentException("benchmarks size models by longest-side or fixed-square, not " + policy);
            }
            root.getAsJsonObject("input").add("policy", p);
            return ModelSpec.parse(new StringReader(root.toString()), spec.directory(), json + " at " + policy);
        } catch (IOException e) {
            throw new ModelException("cannot re-read " + json + ": " + e.getMessage(), e);
        }
    }

    /** A short label for tables: {@code tiny}, {@code base}, or the folder name. */
    public static String label(String ref) {
        if (ref == null || ref.isBlank() || ref.equals("embedded")) {
            return "tiny";
        }
        if (ref.equals("tiny") || ref.equals("base")) {
            return ref;
        }
        Path name = Path.of(ref).toAbsolutePath().normalize().getFileName();
        return name == null ? ref : name.toString();
    }
}
