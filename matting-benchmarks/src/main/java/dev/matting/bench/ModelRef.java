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
 * Names the model a benchmark runs: {@code embedded} (the jars' default, U²-Netp), {@code tiny} (the synthetic-shapes
 * U-Net, a repository folder: {@code -Dmatting.bench.tiny}, env {@code MATTING_TINY_MODEL}, else
 * {@code models/unet-tiny} from the repository root or a module folder), {@code base} (the folder named by
 * {@code -Dmatting.bench.base}, env {@code MATTING_BASE_MODEL}, else {@code models/unet-base}), or any model folder.
 */
public final class ModelRef {
    /** System property holding the folder of the base model made by {@code tools/unet.py --variant base}. */
    public static final String BASE_PROPERTY = "matting.bench.base";
    /** System property holding the folder of the tiny model ({@code models/unet-tiny} by default). */
    public static final String TINY_PROPERTY = "matting.bench.tiny";

    private ModelRef() {
    }

    public static ModelSpec resolve(String ref) {
        String r = ref == null ? "tiny" : ref.trim();
        if (r.equals("embedded") || r.equals("u2netp")) {
            return ModelSpec.bundled();
        }
        if (r.isEmpty() || r.equals("tiny")) {
            String configured = System.getProperty(TINY_PROPERTY, System.getenv("MATTING_TINY_MODEL"));
            for (String dir : configured != null ? new String[] {configured}
                    : new String[] {"models/unet-tiny", "../models/unet-tiny"}) {
                if (Files.isDirectory(Path.of(dir))) {
                    return ModelSpec.load(Path.of(dir));
                }
            }
            throw new ModelException("model 'tiny': no folder at " + Path.of(configured != null ? configured
                    : "models/unet-tiny").toAbsolutePath() + "; run from the repository root or pass -D" + TINY_PROPERTY
                    + "=DIR (the tiny U-Net is a repository fixture, not embedded in the jars)");
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

    /** A short label for tables: {@code tiny}, {@code base}, {@code u2netp}, or the folder name. */
    public static String label(String ref) {
        if (ref == null || ref.isBlank()) {
            return "tiny";
        }
        if (ref.equals("embedded")) {
            return "u2netp";
        }
        if (ref.equals("tiny") || ref.equals("base") || ref.equals("u2netp")) {
            return ref;
        }
        Path name = Path.of(ref).toAbsolutePath().normalize().getFileName();
        return name == null ? ref : name.toString();
    }
}
