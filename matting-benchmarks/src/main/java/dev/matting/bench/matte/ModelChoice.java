package dev.matting.bench.matte;

import dev.matting.api.MatterOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What {@code --model NAME|DIR} selects. A folder (or its {@code model.json}) loads from disk; {@code embedded} (or
 * no flag) is the model inside the jars. A name of a downloadable model needs the model store: this is the one
 * place to wire it, with {@code builder.model(name)} once {@code MatterOptions.Builder.model(String)} exists.
 */
final class ModelChoice {
    private ModelChoice() {
    }

    /** Applies {@code value} to {@code builder}; throws {@link IllegalArgumentException} naming what is wrong. */
    static void apply(MatterOptions.Builder builder, String value) {
        if (value == null) {
            return;
        }
        String v = value.trim();
        if (v.isEmpty() || v.toLowerCase(Locale.ROOT).equals("embedded")) {
            return;
        }
        Path p = Path.of(v);
        if (Files.exists(p)) {
            builder.model(p);
            return;
        }
        // Hook for the model store: replace this throw by `builder.model(v);` when names resolve through it.
        throw new IllegalArgumentException("--model '" + v + "' is not a model folder here, and this build resolves "
                + "model names only for 'embedded'");
    }
}
