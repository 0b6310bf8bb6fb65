package dnsplane.authdns.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.zone.WireNames;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;

/**
 * Rrsets come out of {@link TrieOrder} in the trie's order (owner hash ascending, unsigned), each
 * owner's together in the order added, every one exactly once, whether they fit in memory or were
 * sorted in runs on disk, and no run file is left behind.
 */
class TrieOrderTest {

  @TempDir Path dir;

  /** Random rrsets of a zone in a random order: some owners with several types. */
  private static List<byte[]> rrsets(long seed, int names) throws Exception {
    Random random = new Random(seed);
    Name origin = Name.fromString("example.test.");
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < names; i++) {
      Name name = Name.fromString("n" + i + (i % 7 == 0 ? ".deep.er" : ""), origin);
      List<List<Record>> sets = new ArrayList<>();
      sets.add(
          List.of(new ARecord(name, DClass.IN, 300, java.net.InetAddress.getByName("192.0.2.1"))));
      if (random.nextInt(3) == 0) {
        sets.add(
            List.of(
                new AAAARecord(
                    name, DClass.IN, 300, java.net.InetAddress.getByName("2001:db8::1"))));
      }
      if (random.nextInt(5) == 0) {
        // A big one: hundreds of octets, more than a small run holds.
        sets.add(List.of(new TXTRecord(name, DClass.IN, 60, "x".repeat(200 + random.nextInt(50)))));
      }
      for (List<Record> set : sets) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        SnapshotFile.encodeRrset(name, set.get(0).getType(), set, new DataOutputStream(b));
        out.add(b.toByteArray());
      }
    }
    Collections.shuffle(out, random);
    return out;
  }

  private List<byte[]> sorted(List<byte[]> in, int runBytes) throws Exception {
    List<byte[]> out = new ArrayList<>();
    try (TrieOrder order = new TrieOrder(runBytes, dir)) {
      for (byte[] r : in) {
        order.add(r, r.length);
      }
      order.drainTo((b, off, len) -> out.add(Arrays.copyOfRange(b, off, off + len)));
    }
    return out;
  }

  private static int hash(byte[] rrset) {
    return WireNames.hash(rrset, 1, 1 + (rrset[0] & 0xff));
  }

  private static String owner(byte[] rrset) {
    return Arrays.toString(Arrays.copyOfRange(rrset, 1, 1 + (rrset[0] & 0xff)));
  }

  private static void assertTrieOrder(List<byte[]> in, List<byte[]> out) {
    assertEquals(in.size(), out.size());
    Map<String, Integer> remaining = new HashMap<>();
    in.forEach(r -> remaining.merge(Arrays.toString(r), 1, Integer::sum));
    out.forEach(r -> remaining.merge(Arrays.toString(r), -1, Integer::sum));
    assertTrue(remaining.values().stream().allMatch(v -> v == 0), "every rrset exactly once");
    Set<String> closed = new HashSet<>();
    for (int i = 1; i < out.size(); i++) {
      byte[] a = out.get(i - 1);
      byte[] b = out.get(i);
      assertTrue(Integer.compareUnsigned(hash(a), hash(b)) <= 0, "hash order at " + i);
      if (!owner(a).equals(owner(b))) {
        assertTrue(closed.add(owner(a)), "an owner's rrsets together: " + owner(a));
      }
    }
    assertTrue(!closed.contains(owner(out.get(out.size() - 1))), "the last owner's too");
  }

  /** Of one owner, the order they were added in (the order of their ids in the database). */
  private static void assertOwnersInOrderAdded(List<byte[]> in, List<byte[]> out) {
    Map<String, List<String>> added = new HashMap<>();
    Map<String, List<String>> written = new HashMap<>();
    in.forEach(
        r -> added.computeIfAbsent(owner(r), k -> new ArrayList<>()).add(Arrays.toString(r)));
    out.forEach(
        r -> written.computeIfAbsent(owner(r), k -> new ArrayList<>()).add(Arrays.toString(r)));
    assertEquals(added, written);
  }

  @Test
  void inMemoryAndInRunsOnDiskGiveTheSameTrieOrder() throws Exception {
    for (long seed = 1; seed <= 20; seed++) {
      List<byte[]> in = rrsets(seed, 500);
      List<byte[]> held = sorted(in, 1 << 20);
      List<byte[]> spilled = sorted(in, 300); // a run or two of rrsets per file
      assertTrieOrder(in, held);
      assertOwnersInOrderAdded(in, held);
      assertEquals(
          held.stream().map(Arrays::toString).toList(),
          spilled.stream().map(Arrays::toString).toList(),
          "seed " + seed);
      try (Stream<Path> left = Files.list(dir)) {
        assertEquals(0, left.count(), "run files deleted");
      }
    }
  }

  @Test
  void startsEmptyAfterEachDrainAndHandlesAnEmptyZone() throws Exception {
    List<byte[]> first = rrsets(7, 50);
    List<byte[]> second = rrsets(8, 30);
    List<List<byte[]>> outs = new ArrayList<>();
    try (TrieOrder order = new TrieOrder(400, dir)) {
      for (List<byte[]> zone : List.of(first, List.<byte[]>of(), second)) {
        List<byte[]> out = new ArrayList<>();
        zone.forEach(
            r -> {
              try {
                order.add(r, r.length);
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
        order.drainTo((b, off, len) -> out.add(Arrays.copyOfRange(b, off, off + len)));
        outs.add(out);
      }
    }
    assertTrieOrder(first, outs.get(0));
    assertEquals(0, outs.get(1).size());
    assertTrieOrder(second, outs.get(2));
  }
}
