package dev.matting.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.RoundingMode;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** The batch-cap formula: the largest batch that fits the usable bytes, clamped to [1, max]. */
class VramBudgetProperties {

    @Property(tries = 200)
    void theCapIsTheLargestBatchThatFits(@ForAll @LongRange(min = 0, max = 1L << 40) long available,
            @ForAll @LongRange(min = 1, max = 1L << 34) long perImage, @ForAll @IntRange(min = 1, max = 64) int max,
            @ForAll @DoubleRange(min = 0.01, max = 1.0) double fraction,
            @ForAll @LongRange(min = 0, max = 1L << 31) long reserve) {
        VramBudget budget = new VramBudget(fraction, reserve, 0);
        int cap = budget.batchCap(available, perImage, max);
        long usable = BigDecimal.valueOf(available).multiply(BigDecimal.valueOf(fraction))
                .setScale(0, RoundingMode.FLOOR).longValueExact() - reserve;
        assertTrue(cap >= 1 && cap <= max);
        if (cap > 1) {
            assertTrue((long) cap * perImage <= usable, cap + " images of " + perImage + " B exceed " + usable);
        }
        if (cap < max) {
            assertTrue((long) (cap + 1) * perImage > usable - 1, "one more image would still fit");
        }
    }

    @Example
    void defaultsAre85PercentMinus512MiBWithoutACap() {
        VramBudget d = VramBudget.defaults();
        assertEquals(0.85, d.safetyFraction());
        assertEquals(512L << 20, d.reserveBytes());
        assertEquals(false, d.hasCap());
        assertEquals(5, d.batchCap(7L << 30, 1L << 30, 16));
        assertEquals(true, d.withCapBytes(24L << 30).hasCap());
    }

    @Example
    void nonsenseIsRefusedWithAClearMessage() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new VramBudget(1.5, 0, 0)).getMessage()
                .contains("safety fraction"));
        assertThrows(IllegalArgumentException.class, () -> new VramBudget(0.5, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> new VramBudget(0.5, 0, -1));
        assertThrows(IllegalArgumentException.class, () -> VramBudget.defaults().batchCap(1, 0, 1));
    }
}
