package dnsplane.authdns.fuzz;

import dnsplane.authdns.answer.Answerer;
import dnsplane.authdns.net.QueryMetrics;
import dnsplane.authdns.net.Transport;
import dnsplane.authdns.xfr.XfrService;
import dnsplane.authdns.zone.SnapshotHolder;
import dnsplane.authdns.zone.ZoneSet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Clock;

/**
 * Processors builds the server's own QueryProcessor (package-private in {@code net}) by reflection,
 * so the fuzz targets drive the exact bytes-in/bytes-out edge the UDP and TCP handlers call, and
 * live in their own package without widening the production API for tests.
 */
final class Processors {
  private static final ByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;

  private final Object processor;
  private final Method process;

  private Processors(Object processor, Method process) {
    this.processor = processor;
    this.process = process;
  }

  /**
   * A processor answering from {@code zones} with the default payload; {@code cacheEntries} 0
   * disables the rendered-response cache (the pure slow path), and {@code xfr} may be null.
   */
  static Processors of(ZoneSet zones, int cacheEntries, XfrService xfr) {
    try {
      Class<?> qp = Class.forName("dnsplane.authdns.net.QueryProcessor");
      Class<?> fn = Class.forName("dnsplane.authdns.net.QueryProcessor$AnswerFunction");
      Object answerer =
          Proxy.newProxyInstance(
              fn.getClassLoader(),
              new Class<?>[] {fn},
              (proxy, m, args) -> {
                if (m.getDeclaringClass() == Object.class) {
                  return m.getName().equals("equals")
                      ? proxy == args[0]
                      : m.getName().equals("hashCode")
                          ? System.identityHashCode(proxy)
                          : "answerer";
                }
                return Answerer.answer(
                    (ZoneSet) args[0],
                    (org.xbill.DNS.Message) args[1],
                    (Integer) args[2],
                    (Boolean) args[3]);
              });
      Constructor<?> c =
          qp.getDeclaredConstructor(
              SnapshotHolder.class,
              QueryMetrics.class,
              int.class,
              int.class,
              Clock.class,
              fn,
              XfrService.class);
      c.setAccessible(true);
      Object p =
          c.newInstance(
              new SnapshotHolder(zones),
              new QueryMetrics(),
              Answerer.DEFAULT_PAYLOAD,
              cacheEntries,
              Clock.systemUTC(),
              answerer,
              xfr);
      Method m =
          qp.getDeclaredMethod("process", ByteBuf.class, Transport.class, ByteBufAllocator.class);
      m.setAccessible(true);
      return new Processors(p, m);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("QueryProcessor changed shape; update the fuzz harness", e);
    }
  }

  /** The response bytes for {@code query} over {@code t}, or null when the server sends nothing. */
  byte[] process(byte[] query, Transport t) {
    ByteBuf in = Unpooled.wrappedBuffer(query);
    try {
      ByteBuf out = (ByteBuf) process.invoke(processor, in, t, ALLOC);
      if (out == null) {
        return null;
      }
      try {
        return ByteBufUtil.getBytes(out);
      } finally {
        out.release();
      }
    } catch (InvocationTargetException e) {
      // QueryProcessor promises never to throw: anything escaping it is a finding.
      throw new AssertionError("QueryProcessor.process threw", e.getCause());
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    } finally {
      in.release();
    }
  }
}
