package dev.matting.bench.table;

import dev.matting.api.MatteResult;
import dev.matting.common.ImageSource;
import java.util.List;

/**
 * Something that mattes a workload and returns one result per image: a single {@link dev.matting.api.Matter},
 * several naive ones on their own threads, or the SDK's scheduler. The table times {@link #run} only.
 */
public interface ThroughputRunner extends AutoCloseable {

    /** Mattes every image of every client's list; results are flattened in client order. */
    List<MatteResult> run(List<List<ImageSource>> clients);

    /** Engine and device description for the table (e.g. {@code PyTorch 2.7.1 on gpu0 FP16}). */
    String describe();

    /** Out-of-memory errors recovered from so far (the scheduler's split-and-retry); 0 where nothing recovers. */
    default long oomRetries() {
        return 0;
    }

    @Override
    void close();
}
