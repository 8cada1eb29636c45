package dev.matting.postprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class ErosionTest {
    /** A small alpha plane: width, height and values. */
    record Plane(int width, int height, byte[] alpha) {
    }

    @Provide
    static Arbitrary<Plane> planes() {
        return Combinators.combine(Arbitraries.integers().between(1, 40), Arbitraries.integers().between(1, 40),
                Arbitraries.longs()).as((w, h, seed) -> {
                    byte[] a = new byte[w * h];
                    java.util.Random r = new java.util.Random(seed);
                    // Blocky content, so erosion has edges to move and not just noise.
                    int block = 1 + r.nextInt(8);
                    for (int y = 0; y < h; y++) {
                        for (int x = 0; x < w; x++) {
                            a[y * w + x] = (byte) (new java.util.Random(seed ^ (x / block) * 31 ^ (y / block) * 977)
                                    .nextInt(256));
                        }
                    }
                    return new Plane(w, h, a);
                });
    }

    /** The definition: the minimum over the square window, clipped to the image. */
    static byte[] bruteForce(Plane p, int r) {
        byte[] out = new byte[p.alpha.length];
        for (int y = 0; y < p.height; y++) {
            for (int x = 0; x < p.width; x++) {
                int m = 255;
                for (int yy = Math.max(0, y - r); yy <= Math.min(p.height - 1, y + r); yy++) {
                    for (int xx = Math.max(0, x - r); xx <= Math.min(p.width - 1, x + r); xx++) {
                        m = Math.min(m, p.alpha[yy * p.width + xx] & 0xff);
                    }
                }
                out[y * p.width + x] = (byte) m;
            }
        }
        return out;
    }

    @Property(tries = 200)
    void equalsTheSquareMinimumFilter(@ForAll("planes") Plane p, @ForAll @IntRange(min = 0, max = 12) int r) {
        assertArrayEquals(bruteForce(p, r), Erosion.apply(p.alpha, p.width, p.height, r));
    }

    @Property(tries = 200)
    void neverRaisesAndShrinksMonotonically(@ForAll("planes") Plane p, @ForAll @IntRange(min = 0, max = 10) int r) {
        byte[] a = Erosion.apply(p.alpha, p.width, p.height, r);
        byte[] b = Erosion.apply(p.alpha, p.width, p.height, r + 1);
        for (int i = 0; i < a.length; i++) {
            assertTrue((a[i] & 0xff) <= (p.alpha[i] & 0xff));
            assertTrue((b[i] & 0xff) <= (a[i] & 0xff));
        }
    }

    @Property(tries = 50)
    void radiusZeroIsIdentityAndInputIsUntouched(@ForAll("planes") Plane p) {
        byte[] copy = p.alpha.clone();
        assertArrayEquals(copy, Erosion.apply(p.alpha, p.width, p.height, 0));
        Erosion.apply(p.alpha, p.width, p.height, 3);
        assertArrayEquals(copy, p.alpha);
    }

    @Test
    void pullsAnEdgeInByTheRadiusButNotFromTheBorder() {
        int w = 10;
        byte[] a = new byte[w];
        java.util.Arrays.fill(a, 0, 6, (byte) 255);
        byte[] out = Erosion.apply(a, w, 1, 2);
        for (int x = 0; x < w; x++) {
            assertEquals(x < 4 ? 255 : 0, out[x] & 0xff, "x=" + x);
        }
    }
}
