package dev.matting.model;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The second JVM of {@link ModelStoreConcurrencyTest}: resolves the tiny test model from {@code args[1]} into the
 * cache {@code args[0]} and prints {@code OK <path> <sha256 of the file>}, or the error and exit code 1.
 */
public final class StoreRaceMain {
    private StoreRaceMain() {
    }

    public static void main(String[] args) {
        try {
            ModelSpec spec = StoreFixtures.quickStore(Path.of(args[0]), StoreFixtures.tinyEntry("tiny", URI.create(args[1])))
                    .readTimeout(java.time.Duration.ofSeconds(10)).build().resolve("tiny");
            Path file = spec.directory().resolve(StoreFixtures.FILE);
            System.out.println("OK " + file + " " + StoreFixtures.sha256(Files.readAllBytes(file)));
        } catch (Throwable t) {
            t.printStackTrace(System.out);
            System.exit(1);
        }
    }
}
