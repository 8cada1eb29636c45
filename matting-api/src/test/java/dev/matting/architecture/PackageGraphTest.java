package dev.matting.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package graph of {@code matting-api}'s main sources, read from the code (imports and fully-qualified names,
 * comments and strings left out): no cycles, the shared vocabulary ({@code common}) at the bottom, the entry points
 * ({@code api}) on top. A new dependency that closes a cycle fails here with the cycle spelled out.
 */
class PackageGraphTest {
    private static final Path SOURCES = Path.of("src/main/java/dev/matting");
    private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.matting\\.([a-z]+)\\.[A-Z]");
    private static Map<String, Set<String>> graph;

    @BeforeAll
    static void read() throws IOException {
        graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String pkg = SOURCES.relativize(f.getParent()).toString().replace('/', '.');
                Set<String> uses = graph.computeIfAbsent(pkg, k -> new TreeSet<>());
                Matcher m = REFERENCE.matcher(code(Files.readString(f)));
                while (m.find()) {
                    if (!m.group(1).equals(pkg)) {
                        uses.add(m.group(1));
                    }
                }
            }
        }
    }

    /** The source without comments and string literals, which name packages without depending on them. */
    private static String code(String source) {
        return source.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\\n]*", "")
                .replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"");
    }

    @Test
    void theGraphWasReadAndHasEveryPackage() {
        assertTrue(graph.keySet().containsAll(List.of("api", "common", "model", "spi", "scheduler", "pipeline",
                "image", "postprocess", "gpu", "io")), graph.keySet().toString());
        assertTrue(graph.get("api").contains("scheduler"), "the reader found no dependency: " + graph);
    }

    @Test
    void thereIsNoCycle() {
        for (String start : graph.keySet()) {
            List<String> cycle = cycleFrom(start, start, new ArrayList<>(List.of(start)), new TreeSet<>());
            assertEquals(List.of(), cycle, "package cycle " + String.join(" -> ", cycle) + " in " + graph);
        }
    }

    @Test
    void commonIsAtTheBottomAndApiOnTop() {
        assertEquals(Set.of(), graph.get("common"), "common must depend on no other package");
        graph.forEach((pkg, uses) -> assertTrue(pkg.equals("api") || !uses.contains("api"),
                pkg + " depends on the entry points (api): " + uses));
    }

    private static List<String> cycleFrom(String start, String at, List<String> path, Set<String> seen) {
        for (String next : graph.getOrDefault(at, Set.of())) {
            if (next.equals(start)) {
                List<String> cycle = new ArrayList<>(path);
                cycle.add(start);
                return cycle;
            }
            if (seen.add(next)) {
                path.add(next);
                List<String> found = cycleFrom(start, next, path, seen);
                if (!found.isEmpty()) {
                    return found;
                }
                path.remove(path.size() - 1);
            }
        }
        return List.of();
    }
}
