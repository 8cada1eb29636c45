package dev.matting.bench.table;

import dev.matting.api.MatteResult;
import dev.matting.api.Matter;
import dev.matting.api.MatterOptions;
import dev.matting.api.Matters;
import dev.matting.common.ImageSource;
import java.util.ArrayList;
import java.util.List;

/** One {@link Matter} for every client, called in turn with {@link Matter#matteAll}: the single-task rows. */
final class MatterRunner implements ThroughputRunner {
    private final Matter matter;

    MatterRunner(MatterOptions options) {
        this.matter = Matters.create(options);
    }

    @Override
    public List<MatteResult> run(List<List<ImageSource>> clients) {
        List<MatteResult> out = new ArrayList<>();
        for (List<ImageSource> c : clients) {
            for (MatteResult r : matter.matteAll(c)) {
                // the PNG encode is part of the work a user pays for
                r.matteIfPresent().ifPresent(m -> m.toPng());
                out.add(r);
            }
        }
        return out;
    }

    @Override
    public String describe() {
        return matter.info().toString();
    }

    @Override
    public void close() {
        matter.close();
    }
}
