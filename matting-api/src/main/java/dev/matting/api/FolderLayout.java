package dev.matting.api;

import dev.matting.common.ImageSource;
import dev.matting.common.MattingException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * How a folder job maps input files to output files, and the lazy walk over its inputs. Memory is one folder's
 * listing at a time plus the folders still to visit, never the whole tree: a job over 100,000 files holds no list of
 * them. Folders are visited depth first, each folder's entries in name order, so runs are repeatable.
 */
final class FolderLayout {
    /** File extensions taken as inputs, in any case (WebP through TwelveMonkeys, TIFF through the JDK's reader). */
    static final List<String> INPUT_EXTENSIONS = List.of("jpg", "jpeg", "png", "bmp", "gif", "webp", "tif", "tiff");

    /** What {@link dev.matting.io.AtomicFiles} names its temporary files: {@code .<name><digits>.part}. */
    private static final Pattern TEMPORARY = Pattern.compile("^\\..+\\.(png|jpg)\\d+\\.part$");

    private final List<Path> folders = new ArrayList<>();
    private final List<Path> files = new ArrayList<>();
    private final Path outputRoot;
    private final Output output;

    FolderLayout(List<Path> inputs, Path outputRoot, Output output) {
        this.outputRoot = outputRoot.toAbsolutePath().normalize();
        this.output = output;
        if (Files.exists(this.outputRoot) && !Files.isDirectory(this.outputRoot)) {
            throw new IllegalArgumentException("the output '" + outputRoot + "' is a file, not a folder");
        }
        for (Path in : inputs) {
            Path abs = in.toAbsolutePath().normalize();
            if (Files.isDirectory(abs)) {
                if (abs.equals(this.outputRoot)) {
                    throw new IllegalArgumentException("the output folder must differ from the input folder '" + in
                            + "': outputs would be taken as inputs");
                }
                folders.add(abs);
            } else if (Files.isRegularFile(abs)) {
                files.add(abs);
            } else {
                throw new IllegalArgumentException("input '" + in + "' is neither a file nor a folder");
            }
        }
    }

    Path outputRoot() {
        return outputRoot;
    }

    List<Path> folders() {
        return folders;
    }

    /** A file the job takes as an input: a visible file with one of {@link #INPUT_EXTENSIONS}. */
    static boolean isInputName(String name) {
        return !name.startsWith(".") && INPUT_EXTENSIONS.contains(extension(name));
    }

    static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    static String stem(String name) {
        int dot = name.lastIndexOf('.');
        return (dot < 0 ? name : name.substring(0, dot)).toLowerCase(Locale.ROOT);
    }

    /**
     * The output of {@code file}, an input under {@code root} (an input folder, or {@code null} for a file given
     * directly): the same relative path under the output folder, the extension replaced by the output's, or kept in
     * front of it when {@code stemShared}.
     */
    Path outputFor(Path root, Path file, boolean stemShared) {
        String name = file.getFileName().toString();
        String base = stemShared ? name : name.substring(0, name.lastIndexOf('.'));
        String outName = base + "." + output.extension();
        if (root == null) {
            return outputRoot.resolve(outName);
        }
        Path rel = root.relativize(file);
        Path parent = rel.getParent();
        return (parent == null ? outputRoot : outputRoot.resolve(parent)).resolve(outName);
    }

    /** Plans one input file: skipped when its output exists (outputs are only ever written whole). */
    Planned plan(Path root, Path file, boolean stemShared) {
        Path out = outputFor(root, file, stemShared);
        String skip = Files.exists(out) ? "output exists" : null;
        return new Planned(ImageSource.of(file), file, out, skip, null);
    }

    /** Whether another input in {@code file}'s folder has the same name before its extension. */
    static boolean stemShared(Path file) {
        String stem = stem(file.getFileName().toString());
        try (Stream<Path> siblings = Files.list(file.getParent())) {
            return siblings.map(p -> p.getFileName().toString())
                    .filter(n -> !n.equals(file.getFileName().toString()) && isInputName(n))
                    .anyMatch(n -> stem(n).equals(stem));
        } catch (IOException e) {
            return false;
        }
    }

    /** The input folder {@code file} lies in, if any. */
    Optional<Path> rootOf(Path file) {
        return folders.stream().filter(file::startsWith).findFirst();
    }

    /** Whether {@code dir} is a folder the walk leaves out: hidden, or the output folder nested in an input. */
    boolean excluded(Path dir) {
        return dir.getFileName() != null && dir.getFileName().toString().startsWith(".") || dir.equals(outputRoot)
                || dir.startsWith(outputRoot);
    }

    /** Every input in walk order, each planned (skipped when done); unreadable folders come out as failures. */
    Iterator<Planned> walk() {
        return new Walk();
    }

    /** The number of items {@link #walk()} yields (a second walk: cheap next to matting, and memory stays flat). */
    long count() {
        long n = 0;
        for (Iterator<Planned> it = walk(); it.hasNext(); it.next()) {
            n++;
        }
        return n;
    }

    /** Deletes temporary files a crashed run left in the output folder (they never carry a final name). */
    void removeStaleTemporaryFiles() {
        if (!Files.isDirectory(outputRoot)) {
            return;
        }
        try (Stream<Path> all = Files.walk(outputRoot)) {
            all.filter(p -> TEMPORARY.matcher(p.getFileName().toString()).matches()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // a leftover we cannot delete is harmless: it never has an output's name
                }
            });
        } catch (IOException | java.io.UncheckedIOException ignored) {
            // as above: cleaning is a courtesy, never a reason to refuse the job
        }
    }

    /** Depth-first over the input folders, one folder's sorted listing in memory at a time. */
    private final class Walk implements Iterator<Planned> {
        private final Deque<Path[]> dirs = new ArrayDeque<>(); // {root, folder}
        private final Deque<Planned> ready = new ArrayDeque<>();

        Walk() {
            // files given directly: names that collide in the output folder are failures, never overwrites
            Map<String, Path> claimed = new HashMap<>();
            Map<String, Integer> stems = new HashMap<>();
            for (Path f : files) {
                stems.merge(f.getParent() + "/" + stem(f.getFileName().toString()), 1, Integer::sum);
            }
            for (Path f : files) {
                boolean shared = stems.get(f.getParent() + "/" + stem(f.getFileName().toString())) > 1;
                Path out = outputFor(null, f, shared);
                Path first = claimed.putIfAbsent(out.getFileName().toString().toLowerCase(Locale.ROOT), f);
                if (first != null) {
                    ready.add(new Planned(ImageSource.of(f), f, out, null, new MattingException("'" + f
                            + "' would be written to '" + out + "' like '" + first + "': rename one of them")));
                } else {
                    ready.add(plan(null, f, shared));
                }
            }
            for (int i = folders.size() - 1; i >= 0; i--) {
                dirs.push(new Path[] {folders.get(i), folders.get(i)});
            }
        }

        @Override
        public boolean hasNext() {
            while (ready.isEmpty() && !dirs.isEmpty()) {
                Path[] next = dirs.pop();
                visit(next[0], next[1]);
            }
            return !ready.isEmpty();
        }

        @Override
        public Planned next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return ready.poll();
        }

        private void visit(Path root, Path dir) {
            List<Path> entries = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                ds.forEach(entries::add);
            } catch (IOException | RuntimeException e) {
                ready.add(new Planned(ImageSource.of(dir), dir, null, null,
                        new MattingException("cannot list the folder '" + dir + "': " + e, e)));
                return;
            }
            entries.sort(null);
            Map<String, Integer> stems = new HashMap<>();
            List<Path> inputs = new ArrayList<>();
            List<Path> subdirs = new ArrayList<>();
            for (Path p : entries) {
                String name = p.getFileName().toString();
                // symbolic links to folders are not followed: a link cycle cannot make the walk endless
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    if (!excluded(p)) {
                        subdirs.add(p);
                    }
                } else if (isInputName(name) && Files.isRegularFile(p)) {
                    inputs.add(p);
                    stems.merge(stem(name), 1, Integer::sum);
                }
            }
            for (Path f : inputs) {
                ready.add(plan(root, f, stems.get(stem(f.getFileName().toString())) > 1));
            }
            for (int i = subdirs.size() - 1; i >= 0; i--) {
                dirs.push(new Path[] {root, subdirs.get(i)});
            }
        }
    }
}
