package dnsplane.authdns.net;

import dnsplane.authdns.zone.SnapshotHolder;
import dnsplane.authdns.zone.ZoneSet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.time.Clock;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** ProcessorMicroBench times {@link QueryProcessor#process} alone, without sockets. */
public final class ProcessorMicroBench {
  private ProcessorMicroBench() {}

  public static void main(String[] args) throws Exception {
    int names = 10_000;
    ZoneSet zones =
        ZoneSet.fromMasterText(BenchServer.zoneText(names), Name.fromString("bench.test."));
    QueryProcessor p =
        new QueryProcessor(
            new SnapshotHolder(zones), new QueryMetrics(), 1232, 100_000, Clock.systemUTC());
    ByteBuf[] queries = new ByteBuf[names];
    for (int i = 0; i < names; i++) {
      byte[] w =
          Message.newQuery(
                  Record.newRecord(Name.fromString("h" + i + ".bench.test."), Type.A, DClass.IN))
              .toWire();
      queries[i] = Unpooled.directBuffer(w.length).writeBytes(w);
    }
    ByteBufAllocator alloc =
        args.length > 0 && args[0].equals("pooled")
            ? io.netty.buffer.PooledByteBufAllocator.DEFAULT
            : args.length > 0 && args[0].equals("heap")
                ? io.netty.buffer.UnpooledByteBufAllocator.DEFAULT
                : ByteBufAllocator.DEFAULT;
    for (int round = 0; round < 8; round++) {
      long t0 = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
      int n = 0;
      for (int k = 0; k < 50; k++) {
        for (ByteBuf q : queries) {
          ByteBuf r = p.process(q, Transport.UDP, alloc);
          r.release();
          n++;
        }
      }
      long ns =
          java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - t0;
      System.out.printf("round %d: %.0f CPU ns/query%n", round, (double) ns / n);
    }
  }
}
