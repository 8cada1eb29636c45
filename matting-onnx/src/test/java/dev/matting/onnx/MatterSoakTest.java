package dev.matting.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.matting.api.Matte;
import dev.matting.api.Matter;
import dev.matting.api.Matters;
import dev.matting.common.Device;
import dev.matting.common.ImageDecodeException;
import dev.matting.common.ImageSource;
import dev.matting.common.MattingException;
import dev.matting.common.SchedulerRejectedException;
import dev.matting.common.SchedulerTimeoutException;
import dev.matting.scheduler.Overflow;
import dev.matting.scheduler.SchedulerStats;
import dev.matting.testing.Futures;
import dev.matting.testing.GatedImage;
import dev.matting.testing.SyntheticImages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ten thousand mixed requests through {@code Matter.submit} on real inference (the tiny model through ONNX Runtime on
 * the CPU, at 32 px so that it runs in seconds): good PNGs, undecodable bytes, requests cancelled right after submit,
 * and requests whose decode is held until they time out; with a queue of 8, once under BLOCK and once under REJECT,
 * from two producer threads. Every future completes exactly once, with an outcome its kind allows; every matte is its
 * own image's (compared with the matte of that image alone); the counters agree with the futures; no thread of the
 * Matter outlives its close; native memory does not grow from one round to the next.
 *
 * <p>{@code -Dmatting.soak.requests=N} runs N requests a round instead of 5,000 (10,000 over both rounds).
 */
class MatterSoakTest {
    private static final int REQUESTS = Integer.getInteger("matting.soak.requests", 5_000);
    private static final int CAPACITY = 8;
    private static final Duration TIMEOUT = Duration.ofMillis(250);
    private static final long HANG_GUARD_SECONDS = 120;

    enum Kind { GOOD, BAD, CANCELLED, SLOW }

    @TempDir
    static Path dir;
    static Path model;
    static List<byte[]> pngs = new ArrayList<>();
    static List<byte[]> reference = new ArrayList<>();
    static List<byte[]> garbage = new ArrayList<>();
    /** Memory after the first round (engine and allocators warmed), for the second to compare with. */
    static long[] afterFirstRound;

    /** The committed tiny model with a 32 px input policy instead of 384 px: same weights, ~144x less work. */
    @BeforeAll
    static void smallModelAndImages() throws IOException {
        Path source = Path.of("../models/unet-tiny");
        model = Files.createDirectory(dir.resolve("unet-tiny-64"));
        JsonObject json = JsonParser.parseString(Files.readString(source.resolve("model.json"))).getAsJsonObject();
        JsonObject policy = json.getAsJsonObject("input").getAsJsonObject("policy");
        policy.addProperty("size", 32);
        JsonObject files = json.getAsJsonObject("files");
        files.remove("torchscript");
        files.getAsJsonObject("onnx").remove("fp16");
        Files.writeString(model.resolve("model.json"), json.toString(), StandardCharsets.UTF_8);
        String onnx = files.getAsJsonObject("onnx").get("fp32").getAsString();
        Files.copy(source.resolve(onnx), model.resolve(onnx));

        for (int i = 0; i < 12; i++) {
            // every image a different size (32..64 px), so a matte handed to the wrong request shows in its size too
            SyntheticImages.Sample s = SyntheticImages.generate(100 + i, 64 - 2 * i, 32 + i);
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ImageIO.write(s.image(), "png", png);
            pngs.add(png.toByteArray());
            garbage.add(Arrays.copyOf(png.toByteArray(), 40 + 7 * i)); // truncated inside the image data
        }
        garbage.add(new byte[0]);
        garbage.add("not an image at all".getBytes(StandardCharsets.UTF_8));
        try (Matter alone = matter(Overflow.BLOCK, Duration.ZERO)) {
            for (int i = 0; i < pngs.size(); i++) {
                reference.add(alone.matte(ImageSource.of("ref" + i + ".png", pngs.get(i))).alphaBytes());
            }
        }
    }

    private static Matter matter(Overflow overflow, Duration timeout) {
        return Matters.builder().model(model).backend("onnxruntime").device(Device.cpu()).cpuThreads(4)
                .queueCapacity(CAPACITY).overflow(overflow).requestTimeout(timeout).create();
    }

    @Test
    void underBlock() throws Exception {
        soak(Overflow.BLOCK);
        memoryDoesNotPileUp(Overflow.BLOCK);
    }

    @Test
    void underReject() throws Exception {
        soak(Overflow.REJECT);
        memoryDoesNotPileUp(Overflow.REJECT);
    }

    /** One request: what it was, and what became of it. */
    private record Sent(int index, Kind kind, int image, String name, CompletableFuture<Matte> future,
            AtomicInteger completions, boolean cancelWon) {
    }

    private void soak(Overflow overflow) throws Exception {
        Set<Thread> threadsBefore = Set.copyOf(Thread.getAllStackTraces().keySet());
        Sent[] sent = new Sent[REQUESTS];
        SchedulerStats stats;
        try (Matter matter = matter(overflow, TIMEOUT)) {
            List<Thread> producers = new ArrayList<>();
            for (int p = 0; p < 2; p++) {
                int first = p;
                Thread t = new Thread(() -> {
                    // Each producer keeps a few of its requests open, as a client would: together more than the
                    // capacity, so that BLOCK blocks and REJECT rejects now and then, but not nearly everything.
                    java.util.ArrayDeque<CompletableFuture<Matte>> open = new java.util.ArrayDeque<>();
                    for (int i = first; i < REQUESTS; i += 2) {
                        if (open.size() == CAPACITY * 3 / 4) {
                            await(open.poll());
                        }
                        sent[i] = send(matter, i);
                        open.add(sent[i].future());
                    }
                }, "producer-" + p);
                producers.add(t);
                t.start();
            }
            for (Thread t : producers) {
                t.join(TimeUnit.SECONDS.toMillis(HANG_GUARD_SECONDS));
                assertTrue(!t.isAlive(), t.getName() + " never finished submitting (hang guard)");
            }
            for (Sent s : sent) {
                await(s.future());
            }
            stats = matter.stats();
        }
        Map<Kind, Map<String, Integer>> outcomes = new EnumMap<>(Kind.class);
        long ok = 0;
        long cancelled = 0;
        long timedOut = 0;
        long rejected = 0;
        long failed = 0;
        for (Sent s : sent) {
            assertEquals(1, s.completions().get(), s.name() + " completed " + s.completions() + " times");
            Throwable e = errorOf(s.future());
            outcomes.computeIfAbsent(s.kind(), k -> new java.util.TreeMap<>())
                    .merge(e == null ? "ok" : e.getClass().getSimpleName(), 1, Integer::sum);
            if (e == null) {
                assertTrue(s.kind() == Kind.GOOD || s.kind() == Kind.CANCELLED, s.name() + " succeeded");
                assertOwnMatte(s);
                ok++;
            } else if (e instanceof CancellationException) {
                assertTrue(s.cancelWon(), s.name() + " is cancelled although its cancel lost");
                cancelled++;
            } else {
                assertTrue(e instanceof MattingException, s.name() + " failed untyped: " + e);
                assertTrue(e.getMessage().contains("'" + s.name() + "'"), "error does not name " + s.name() + ": " + e);
                if (e instanceof SchedulerRejectedException) {
                    assertEquals(Overflow.REJECT, overflow, "rejected under BLOCK: " + e);
                    rejected++;
                } else if (e instanceof SchedulerTimeoutException) {
                    timedOut++;
                } else if (e instanceof ImageDecodeException) {
                    assertEquals(Kind.BAD, s.kind(), s.name() + ": " + e);
                    failed++;
                } else {
                    fail(s.name() + " (" + s.kind() + ") failed with " + e);
                }
            }
            assertTrue(!s.cancelWon() || s.future().isCancelled(), s.name() + ": its cancel won, yet it ended otherwise");
        }
        assertEquals(ok, stats.succeeded(), stats.toString());
        assertEquals(cancelled, stats.cancelled(), stats.toString());
        assertEquals(timedOut, stats.timedOut(), stats.toString());
        assertEquals(rejected, stats.rejected(), stats.toString());
        assertEquals(failed, stats.failed(), stats.toString());
        assertEquals(REQUESTS - rejected, stats.submitted(), stats.toString());
        assertEquals(0, stats.pending(), stats.toString());
        // Each kind must have met its expected end at least once, or the mix proved little.
        assertTrue(outcomes.get(Kind.GOOD).getOrDefault("ok", 0) > 0, outcomes.toString());
        assertTrue(outcomes.get(Kind.BAD).getOrDefault("ImageDecodeException", 0) > 0, outcomes.toString());
        assertTrue(outcomes.get(Kind.CANCELLED).getOrDefault("CancellationException", 0) > 0, outcomes.toString());
        assertTrue(outcomes.get(Kind.SLOW).getOrDefault("SchedulerTimeoutException", 0) > 0, outcomes.toString());

        // Every thread the round started is gone, except the JDK's shared pool (the scheduler completes futures
        // there; its idle workers retire by themselves after a minute).
        List<String> left = Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive()
                && !threadsBefore.contains(t) && !t.getName().startsWith("ForkJoinPool.commonPool-"))
                .map(Thread::getName).toList();
        assertEquals(List.of(), left, "threads outlived the Matter's close");
        System.out.printf("soak %s: %d requests, %s, %s%n", overflow, REQUESTS, outcomes, stats);
    }

    /**
     * Measured once a round's results are garbage (while they are held, the collector keeps a larger heap resident,
     * which swings the resident set by hundreds of MB from one round to the next).
     */
    private static void memoryDoesNotPileUp(Overflow round) throws Exception {
        long[] memory = memory();
        System.out.printf("soak %s: resident %d MiB, heap used %d MiB, direct buffers %d KiB%n", round,
                memory[0] >> 20, memory[1] >> 20, memory[2] >> 10);
        if (afterFirstRound == null) {
            afterFirstRound = memory;
        } else {
            // What a round leaves behind must not pile up. Keeping every request's source, decoded image and
            // alpha would add ~55 MB of heap over 5,000 requests; an engine session left open per round, or the
            // engine's tensors of every call, tens of MB of native memory. The bounds leave room for allocator
            // arenas and JIT code, which grew by up to 20 MB per round here.
            long heap = memory[1] - afterFirstRound[1];
            assertTrue(heap < 32L << 20, "heap in use grew by " + (heap >> 20) + " MiB over a round");
            if (memory[0] > 0) {
                long resident = memory[0] - afterFirstRound[0];
                assertTrue(resident < 96L << 20, "resident memory grew by " + (resident >> 20) + " MiB over a round");
            }
            assertTrue(memory[2] - afterFirstRound[2] < 1L << 20, "direct buffers grew over a round");
        }
    }

    /** Submits request {@code i} of a fixed mix: its kind from a seeded draw. */
    private static Sent send(Matter matter, int i) {
        SplittableRandom rng = new SplittableRandom(i);
        int roll = rng.nextInt(100);
        Kind kind = roll < 76 ? Kind.GOOD : roll < 86 ? Kind.BAD : roll < 99 ? Kind.CANCELLED : Kind.SLOW;
        int image = rng.nextInt(pngs.size());
        String name = kind.name().toLowerCase() + "-" + i + ".png";
        ImageSource source = switch (kind) {
            case GOOD, CANCELLED -> ImageSource.of(name, pngs.get(image));
            case BAD -> ImageSource.of(name, garbage.get(rng.nextInt(garbage.size())));
            case SLOW -> ImageSource.of(name, new GatedImage(48, 40, 0x808080));
        };
        CompletableFuture<Matte> f = matter.submit(source);
        AtomicInteger completions = new AtomicInteger();
        f.whenComplete((m, e) -> completions.incrementAndGet());
        if (kind == Kind.SLOW) {
            // Its decode waits until its request has ended: by its timeout (or its rejection).
            f.whenComplete((m, e) -> source.image().map(GatedImage.class::cast).ifPresent(GatedImage::open));
        }
        boolean cancelWon = false;
        if (kind == Kind.CANCELLED) {
            boolean wasDone = f.isDone();
            cancelWon = f.cancel(true) && !wasDone;
        }
        return new Sent(i, kind, image, name, f, completions, cancelWon);
    }

    private static void assertOwnMatte(Sent s) {
        byte[] got = s.future().join().alphaBytes();
        byte[] want = reference.get(s.image());
        assertEquals(want.length, got.length, s.name() + " got a matte of another size: another image's");
        int worst = 0;
        for (int i = 0; i < got.length; i++) {
            worst = Math.max(worst, Math.abs((got[i] & 0xFF) - (want[i] & 0xFF)));
        }
        // batched and single passes may differ in the last float bits; another image's matte differs by far more
        assertTrue(worst <= 2, s.name() + " differs from its image's own matte by " + worst + "/255");
    }

    private static void await(CompletableFuture<Matte> f) {
        Futures.awaitEnd(f, HANG_GUARD_SECONDS); // how it ended is judged by the caller
    }

    private static Throwable errorOf(CompletableFuture<Matte> f) {
        return Futures.errorOf(f);
    }

    /**
     * After a collection: the resident set (-1 where /proc is not there), the heap in use, the direct buffers. Not
     * the resident set minus the committed heap: the collector shrinks the committed heap lazily, which reads as
     * native growth.
     */
    private static long[] memory() throws IOException, InterruptedException {
        System.gc();
        Thread.sleep(100);
        System.gc();
        long resident = -1;
        Path status = Path.of("/proc/self/status");
        if (Files.isReadable(status)) {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    resident = Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        }
        Runtime rt = Runtime.getRuntime();
        long direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
        return new long[] {resident, rt.totalMemory() - rt.freeMemory(), direct};
    }
}
