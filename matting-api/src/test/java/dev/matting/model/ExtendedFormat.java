package dev.matting.model;

import dev.matting.common.ModelException;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Guards the tests that need the extended {@code model.json} format (stretch and short-side policies, "image-max"
 * scale, resize filters, sigmoid-minmax, quantize) which the {@code models} branch adds to the parser. Probe: the
 * committed {@code models/u2netp/model.json}. Until the parser accepts it those tests are skipped with this reason;
 * once it does, they run, and a catalogue descriptor it rejects fails them.
 */
final class ExtendedFormat {
    private ExtendedFormat() {
    }

    static void assumeTheParserReadsIt() {
        try {
            ModelSpec.load(Path.of("../models/u2netp"));
        } catch (ModelException e) {
            Assumptions.abort("needs the extended model.json parser of the models branch; today's parser says: "
                    + e.getMessage());
        }
    }
}
