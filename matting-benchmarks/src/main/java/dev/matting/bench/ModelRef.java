package dev.matting.bench;

import dev.matting.common.ModelException;
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
