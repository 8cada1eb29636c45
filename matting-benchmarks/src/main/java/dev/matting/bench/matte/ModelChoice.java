package dev.matting.bench.matte;

import dev.matting.api.MatterOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What {@code --model NAME|DIR} selects. A folder (or its {@code model.json}) loads from disk; {@code embedded} (or
 * no flag) is the model inside the jars; any other name is the model store's (a catalogue name such as
 * {@code isnet-general-use}, downloaded and verified on first use when the {@code Matter} is created, so an unknown
 * name or a failed download ends the command with the store's message and exit code 1).
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
        if (dev.matting.model.ModelCatalog.builtIn().find(v).isEmpty()) {
            // a usage error, caught before anything loads or downloads
            throw new IllegalArgumentException("--model '" + v + "' is neither a model folder nor a catalogue name ("
                    + String.join(", ", dev.matting.model.ModelCatalog.builtIn().names()) + ", or 'embedded')");
        }
        builder.model(v);
    }
}
