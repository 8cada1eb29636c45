package dev.matting.model;

/**
 * Hears how a {@link ModelStore} fetches and checks model files: start, progress, retries, success and failure. Hand one
 * to {@link ModelStore.Builder#listener(DownloadListener)} to drive a progress bar or a log line.
 *
 * <p>Called on the thread that resolves the model (the one inside {@code resolve} or {@code Matters...create()}), in
 * order, never concurrently for one file. Keep it quick: it runs between reads. An exception it throws is ignored, so
 * a faulty listener cannot break a download.
 */
@FunctionalInterface
public interface DownloadListener {
    /** Receives one event. */
    void onEvent(DownloadEvent event);

    /** The default: hears nothing and logs nothing. */
    static DownloadListener none() {
        return event -> {
        };
    }
}
