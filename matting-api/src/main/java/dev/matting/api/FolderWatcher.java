package dev.matting.api;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * The inputs of a watching folder job: first the files already there (as a plain folder job sees them), then each
 * file that appears or changes under the input folders, once it is complete. A file is complete when it has not
 * been modified for the quiet period and its format's end marker is there ({@link FileCompleteness}); one that stays
 * without its end marker for ten quiet periods (and at least 10 s) is taken anyway, and fails with its own reason if
 * it is broken.
 *
 * <p>No file is handed out twice: a file is claimed from the moment it is handed out until the job reports its
 * outcome ({@link #finished}); after that its output exists and events for it are ignored; a failed file is taken
 * again only once its size or time stamp changes. The folders are registered with the JDK's {@link WatchService}
 * before the first walk, so nothing created during the walk is missed; new sub-folders are registered (and scanned)
 * as they appear; an overflow rescans everything.
 */
final class FolderWatcher implements Iterator<Planned>, AutoCloseable {
    private static final int GIVE_UP_QUIET_PERIODS = 10;
    private static final long GIVE_UP_AT_LEAST_MS = 10_000;

    private final FolderLayout layout;
    private final long quietMillis;
    private final long giveUpMillis;
    private final long pollMillis;
    private final BooleanSupplier stopped;
    private final WatchService service;
    private final Map<WatchKey, Path> keys = new HashMap<>();
    private final Iterator<Planned> initial;
    private final Map<Path, Path> candidates = new HashMap<>(); // file → its input folder
    private final Set<Path> claimed = ConcurrentHashMap.newKeySet();
    private final Map<Path, String> failedAs = new ConcurrentHashMap<>();
    private final Deque<Planned> ready = new ArrayDeque<>();
    private long nextSweep;

    FolderWatcher(FolderLayout layout, Duration quietPeriod, BooleanSupplier stopped) {
        this.layout = layout;
        this.quietMillis = quietPeriod.toMillis();
        this.giveUpMillis = Math.max(GIVE_UP_QUIET_PERIODS * quietMillis, GIVE_UP_AT_LEAST_MS);
        this.pollMillis = Math.max(10, quietMillis / 4);
        this.stopped = stopped;
        try {
            this.service = FileSystems.getDefault().newWatchService();
            for (Path root : layout.folders()) {
                registerTree(root, false);
            }
        } catch (IOException e) {
            throw new dev.matting.common.MattingException("cannot watch the input folders: " + e, e);
        }
        this.initial = layout.walk();
    }

    /** Blocks until a complete new file is there, or returns false once the job is stopped. */
    @Override
    public boolean hasNext() {
        while (true) {
            if (!ready.isEmpty()) {
                return true;
            }
            if (stopped.getAsBoolean()) {
                return false;
            }
            if (initial.hasNext()) {
                Planned p = initial.next();
                java.util.Optional<Path> root = layout.rootOf(p.input());
                if (p.failure() != null || p.skipReason() != null || root.isEmpty()) {
                    ready.add(p); // the first pass reports what a folder job would; files given directly go as they are
                } else {
                    consider(p.input(), root.get());
                }
                continue;
            }
            long now = System.currentTimeMillis();
            if (now >= nextSweep) {
                nextSweep = now + pollMillis;
                for (Path f : new ArrayList<>(candidates.keySet())) {
                    consider(f, candidates.get(f));
                }
                if (!ready.isEmpty()) {
                    continue;
                }
            }
            try {
                WatchKey key = service.poll(pollMillis, TimeUnit.MILLISECONDS);
                while (key != null) {
                    handle(key);
                    key = service.poll();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (ClosedWatchServiceException e) {
                return false;
            }
        }
    }

    @Override
    public Planned next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return ready.poll();
    }

    /** The job's outcome for a file handed out: unclaims it, and remembers a failure until the file changes. */
    void finished(Path input, BatchItem.Status status) {
        if (status == BatchItem.Status.FAILED) {
            String fp = fingerprint(input);
            if (fp != null) {
                failedAs.put(input, fp);
            }
        }
        claimed.remove(input);
    }

    private void handle(WatchKey key) {
        Path dir = keys.get(key);
        for (WatchEvent<?> event : key.pollEvents()) {
            if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                rescan();
                continue;
            }
            if (dir == null) {
                continue;
            }
            Path p = dir.resolve((Path) event.context());
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                if (event.kind() == StandardWatchEventKinds.ENTRY_CREATE && !layout.excluded(p)) {
                    registerTree(p, true);
                }
            } else if (event.kind() != StandardWatchEventKinds.ENTRY_DELETE) {
                layout.rootOf(p).ifPresent(root -> consider(p, root));
            } else {
                candidates.remove(p);
            }
        }
        if (!key.reset()) {
            keys.remove(key);
        }
    }

    /** Registers a folder and its sub-folders; with {@code scan}, also considers the files already in them. */
    private void registerTree(Path dir, boolean scan) {
        try (Stream<Path> tree = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) tree::iterator) {
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    if (hiddenOrOutput(p)) {
                        continue;
                    }
                    keys.put(p.register(service, StandardWatchEventKinds.ENTRY_CREATE,
                            StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE), p);
                } else if (scan) {
                    layout.rootOf(p).ifPresent(root -> consider(p, root));
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // a folder that vanished or cannot be read: the files that do arrive elsewhere still count
        }
    }

    /** A folder the job leaves alone: hidden, the output folder, or inside one of those, or outside every input. */
    private boolean hiddenOrOutput(Path dir) {
        for (Path root : layout.folders()) {
            if (dir.startsWith(root)) {
                for (Path part = dir; part != null && !part.equals(root); part = part.getParent()) {
                    if (layout.excluded(part)) {
                        return true;
                    }
                }
                return false;
            }
        }
        return true;
    }

    private void rescan() {
        for (Path root : layout.folders()) {
            registerTree(root, true);
        }
    }

    /**
     * Hands {@code file} out when it is a complete input with no output yet; keeps it as a candidate while it may
     * still be being written; forgets it otherwise.
     */
    private void consider(Path file, Path root) {
        String name = file.getFileName().toString();
        if (claimed.contains(file) || !FolderLayout.isInputName(name) || hiddenOrOutput(file.getParent())) {
            candidates.remove(file);
            return;
        }
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException e) {
            candidates.remove(file); // gone (renamed away, deleted): a later event brings it back
            return;
        }
        if (!attrs.isRegularFile()) {
            candidates.remove(file);
            return;
        }
        String fp = attrs.size() + "@" + attrs.lastModifiedTime().toMillis();
        if (fp.equals(failedAs.get(file))) {
            candidates.remove(file);
            return;
        }
        Planned p = layout.plan(root, file, FolderLayout.stemShared(file));
        if (p.skipReason() != null) {
            candidates.remove(file); // done by an earlier run or earlier in this one
            return;
        }
        long quietFor = System.currentTimeMillis() - attrs.lastModifiedTime().toMillis();
        boolean takeIt = quietFor >= quietMillis
                && (FileCompleteness.looksComplete(file) || quietFor >= giveUpMillis);
        if (takeIt) {
            candidates.remove(file);
            claimed.add(file);
            failedAs.remove(file);
            ready.add(p);
        } else {
            candidates.put(file, root);
        }
    }

    private static String fingerprint(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return a.size() + "@" + a.lastModifiedTime().toMillis();
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void close() throws IOException {
        service.close();
    }
}
