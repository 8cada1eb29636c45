package dev.matting.api;

import dev.matting.common.ImageSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * Mattes a stream of images through one {@link Matter} with a bounded number in flight, so memory stays flat however
 * many inputs there are: sources are pulled one at a time, and each result is handed to a {@link ResultSink} (or
 * written to a file, in a folder job) and dropped. Every input goes through {@link Matter#submit(ImageSource,
 * MatteOptions)}, so the Matter's timeouts, cancellation, back-pressure and close contracts hold for each. A bad
 * input fails alone with its typed error; a {@link ProgressListener} sees the counters, rate and ETA; the
 * {@link BatchRun} handle cancels.
 *
 * <pre>{@code
 * BatchSummary s = BatchJob.builder(matter)
 *         .sources(paths.stream().map(ImageSource::of))
 *         .sink(item -> item.matteIfPresent().ifPresent(m -> m.write(out.resolve(item.index() + ".png"))))
 *         .listener(p -> System.err.printf("%d/%s%n", p.processed(), p.total()))
 *         .build().run();
 *
 * // a folder, mirrored, resumable, with a JSON Lines report
 * BatchJob.builder(matter).folder(Path.of("photos"), Path.of("cutouts")).report(Path.of("report.jsonl"))
 *         .options(MatteOptions.of(Preset.E_COMMERCE)).build().run();
 * }</pre>
 *
 * <p>A job runs once: {@link #start()} a second time throws.
 */
public interface BatchJob {

    /** A job over {@code matter}; the job never closes it. */
    static Builder builder(Matter matter) {
        return new Builder(matter);
    }

    /** Starts feeding on a thread of its own ({@code matting-batch-feed}) and returns the handle at once. */
    BatchRun start();

    /** Runs the job to its end on this thread's watch and returns the summary. */
    default BatchSummary run() {
        return start().await();
    }

    /**
     * Collects a job: its inputs (a stream of sources, or files and folders), what happens to each result, and how
     * it runs. Setters validate at once and name the bad value.
     */
    final class Builder {
        final Matter matter;
        Iterable<? extends ImageSource> iterable;
        Stream<? extends ImageSource> stream;
        List<Path> inputs;
        Path outputFolder;
        long total = -1;
        boolean watch;
        Duration quietPeriod = Duration.ofSeconds(1);
        Path report;
        MatteOptions options = MatteOptions.defaults();
        int maxInFlight;
        ResultOrder order = ResultOrder.COMPLETION;
        ProgressListener listener;
        ResultSink sink;
        int sinkThreads = Runtime.getRuntime().availableProcessors();

        private Builder(Matter matter) {
            this.matter = Objects.requireNonNull(matter, "matter");
        }

        /** The inputs, pulled one at a time as slots free up; a {@link Collection}'s size is the progress total. */
        public Builder sources(Iterable<? extends ImageSource> sources) {
            clearInputs();
            this.iterable = Objects.requireNonNull(sources, "sources");
            if (sources instanceof Collection<?> c && total < 0) {
                this.total = c.size();
            }
            return this;
        }

        /** The inputs as a lazy stream, pulled one at a time; the job closes it when it ends. */
        public Builder sources(Stream<? extends ImageSource> sources) {
            clearInputs();
            this.stream = Objects.requireNonNull(sources, "sources");
            return this;
        }

        /**
         * A folder job over one input folder, searched recursively: each image file is written under {@code output}
         * at the same relative path, named as {@link #paths} says. Outputs that already exist are skipped, so
         * running the job again after a crash resumes it.
         */
        public Builder folder(Path input, Path output) {
            return paths(List.of(input), output);
        }

        /**
         * A folder job over files and folders: each folder's image files (recursively; hidden files and folders
         * are left out) are written under {@code outputFolder} at their relative path, each file given directly
         * into {@code outputFolder} itself. An input {@code photo.jpg} becomes {@code photo.png} (or {@code .jpg}
         * for a JPEG output); when several inputs of one folder share a name before the extension ({@code a.jpg}
         * and {@code a.png}), each keeps its extension: {@code a.jpg.png}, {@code a.png.png}. Inputs are the
         * extensions {@link FolderLayout#INPUT_EXTENSIONS} lists, in any case. Outputs are written atomically, so
         * an output file that exists is complete, and is skipped; stale temporary files a crash left in the output
         * folder are removed at the start.
         */
        public Builder paths(List<Path> inputPaths, Path outputFolder) {
            clearInputs();
            if (inputPaths.isEmpty()) {
                throw new IllegalArgumentException("no input files or folders given");
            }
            this.inputs = List.copyOf(new ArrayList<>(inputPaths));
            this.outputFolder = Objects.requireNonNull(outputFolder, "outputFolder");
            return this;
        }

        /** The number of inputs, for progress and ETA, when the sources cannot tell. */
        public Builder total(long value) {
            if (value < 0) {
                throw new IllegalArgumentException("total must be >= 0, got " + value);
            }
            this.total = value;
            return this;
        }

        /**
         * For a folder job: after the files already there, keep watching the input folders (recursively, new
         * sub-folders too) and matte each new image once it is complete — its size and time stamp unchanged for
         * {@code quietPeriod} and, for JPEG, PNG, GIF, BMP and WebP, its format's end marker present — until
         * {@link BatchRun#cancel()}. A file is never submitted twice: once its output exists, changes to it are
         * ignored; a failed file is tried again only after it changes.
         */
        public Builder watch(boolean on) {
            this.watch = on;
            return this;
        }

        /** How long a new file must stay unchanged before a watching job takes it (default 1 s). */
        public Builder quietPeriod(Duration value) {
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("quietPeriod must be positive, got " + value);
            }
            this.quietPeriod = value;
            return this;
        }

        /**
         * A JSON Lines report, one line per input as it finishes: {@code input}, {@code output}, {@code status}
         * ({@code ok}, {@code failed}, {@code skipped}, {@code cancelled}), {@code reason}, {@code ms}. Lines are
         * appended (a resumed run adds its own) with one write each, so a process that dies leaves whole lines.
         */
        public Builder report(Path file) {
            this.report = Objects.requireNonNull(file, "report");
            return this;
        }

        /** Post-processing, background and output for every input instead of the Matter's (see {@link MatteOptions}). */
        public Builder options(MatteOptions value) {
            this.options = Objects.requireNonNull(value, "options");
            return this;
        }

        /**
         * Most inputs submitted and not yet delivered (default: twice the cores plus two full micro-batches per
         * device lane, at most the scheduler's default queue capacity). Bounds memory: each in-flight input holds
         * its decoded image and alpha.
         */
        public Builder maxInFlight(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxInFlight must be >= 1, got " + n);
            }
            this.maxInFlight = n;
            return this;
        }

        /** Completion order (default) or input order; see {@link ResultOrder}. */
        public Builder order(ResultOrder value) {
            this.order = Objects.requireNonNull(value, "order");
            return this;
        }

        /** Told after each input's outcome (see {@link ProgressListener}). */
        public Builder listener(ProgressListener value) {
            this.listener = Objects.requireNonNull(value, "listener");
            return this;
        }

        /** Receives every input's outcome (in a folder job, after the file is written). */
        public Builder sink(ResultSink value) {
            this.sink = Objects.requireNonNull(value, "sink");
            return this;
        }

        /** Threads that write outputs and call the sink in completion order (default: one per core). */
        public Builder sinkThreads(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("sinkThreads must be >= 1, got " + n);
            }
            this.sinkThreads = n;
            return this;
        }

        /** Checks that the job is complete and consistent, and builds it. */
        public BatchJob build() {
            if (iterable == null && stream == null && inputs == null) {
                throw new IllegalArgumentException("a batch job needs sources(...), folder(...) or paths(...)");
            }
            if (watch && inputs == null) {
                throw new IllegalArgumentException("watch(true) needs folder(...) or paths(...)");
            }
            FolderLayout layout = inputs == null ? null : new FolderLayout(inputs, outputFolder, options.output());
            return new BatchEngine.Job(this, layout);
        }

        /** The default for {@link #maxInFlight}, from the cores and the device lanes. */
        int effectiveMaxInFlight() {
            if (maxInFlight > 0) {
                return maxInFlight;
            }
            int lanes = Math.max(1, matter.stats().lanes().size());
            int cores = Runtime.getRuntime().availableProcessors();
            int fromScheduler = dev.matting.scheduler.SchedulerConfig.defaults().maxBatchSize();
            return Math.min(dev.matting.scheduler.SchedulerConfig.defaults().queueCapacity(),
                    2 * cores + 2 * fromScheduler * lanes);
        }

        OptionalLong knownTotal() {
            return total >= 0 ? OptionalLong.of(total) : OptionalLong.empty();
        }

        Iterator<? extends ImageSource> sourceIterator() {
            return iterable != null ? iterable.iterator() : stream.iterator();
        }

        private void clearInputs() {
            iterable = null;
            stream = null;
            inputs = null;
            outputFolder = null;
        }
    }
}
