package dev.matting.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Options keep what they were given, refuse what cannot work with the setting's name, and copy whole. */
class MatterOptionsTest {

    @Test
    void lanesPerDeviceDefaultsToOneAndIsCopiedByToBuilder() {
        assertEquals(1, MatterOptions.defaults().lanesPerDevice());
        MatterOptions two = MatterOptions.builder().lanesPerDevice(2).intraOpThreads(3).build();
        assertEquals(2, two.lanesPerDevice());
        assertEquals(2, two.toBuilder().build().lanesPerDevice());
        assertEquals(3, two.toBuilder().build().intraOpThreads());
    }

    @Test
    void outOfRangeSettingsAreRefusedByName() {
        for (int n : new int[] {0, 5, -1}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> MatterOptions.builder().lanesPerDevice(n));
            assertTrue(e.getMessage().contains("lanesPerDevice") && e.getMessage().contains(Integer.toString(n)));
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MatterOptions.builder().cpuThreads(0))
                .getMessage().contains("cpuThreads"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MatterOptions.builder().intraOpThreads(-1))
                .getMessage().contains("intraOpThreads"));
    }
}
