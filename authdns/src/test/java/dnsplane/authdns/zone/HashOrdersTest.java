package dnsplane.authdns.zone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HashOrdersTest {

  /** The radix sort gives what a sort of the whole longs gives, at every size and hash spread. */
  @Test
  void sortsAsAComparisonSortDoes() {
    SplittableRandom random = new SplittableRandom(13);
    int[] sizes = {0, 1, 2, 4095, 4096, 4097, 50_000, 300_000};
    // From every hash distinct to a handful shared by many names (stability within a hash), and
    // the extremes, where the sign of the top byte decides the order.
    int[] spreads = {Integer.MAX_VALUE, 1 << 16, 7, 1};
    for (int size : sizes) {
      for (int spread : spreads) {
        long[] orders = new long[size];
        for (int i = 0; i < size; i++) {
          int hash =
              switch (random.nextInt(8)) {
                case 0 -> Integer.MIN_VALUE;
                case 1 -> Integer.MAX_VALUE;
                case 2 -> -1;
                case 3 -> 0;
                default -> random.nextInt(spread) * (spread == 1 ? 1 : 0x9E3779B1);
              };
          orders[i] = ZoneSnapshot.hashOrder(hash, i);
        }
        long[] expected = orders.clone();
        Arrays.sort(expected);
        HashOrders.sort(orders, size);
        assertArrayEquals(expected, orders, size + " orders, hashes from " + spread);
      }
    }
  }

  /** Only the first {@code size} values are sorted: a draft's array has room to spare. */
  @Test
  void leavesTheRoomPastSizeAlone() {
    long[] orders = new long[10_000];
    for (int i = 0; i < 8_000; i++) {
      orders[i] = ZoneSnapshot.hashOrder(8_000 - i, i);
    }
    Arrays.fill(orders, 8_000, orders.length, 42L);
    long[] expected = Arrays.copyOf(orders, 8_000);
    Arrays.sort(expected);
    HashOrders.sort(orders, 8_000);
    assertArrayEquals(expected, Arrays.copyOf(orders, 8_000));
    long[] room = new long[orders.length - 8_000];
    Arrays.fill(room, 42L);
    assertArrayEquals(room, Arrays.copyOfRange(orders, 8_000, orders.length));
  }
}
