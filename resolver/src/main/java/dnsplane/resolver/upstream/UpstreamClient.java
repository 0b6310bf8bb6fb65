package dnsplane.resolver.upstream;

import dnsplane.resolver.metrics.Metrics;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * UpstreamClient asks one question of a route's servers (I/O). Each attempt uses a fresh random
 * query ID and a fresh socket on a kernel-chosen ephemeral port, waits for a reply that matches the
 * question (others are discarded and counted), falls back to TCP on TC, and removes records outside
 * the zone. Failed attempts are retried on the next server after an exponential backoff with
 * jitter.
 */
public final class UpstreamClient {
  /** Thrown (inside the future) when every attempt failed. */
  public static final class UpstreamException extends Exception {
    UpstreamException(String message) {
      super(message, null, false, false);
    }
  }

  private static final int EDNS_PAYLOAD = 1232;
  private final SecureRandom ids = new SecureRandom();
  private final Executor io;
  private final Metrics metrics;
  private final long timeoutMillis;
  private final int attempts;
  private final long backoffMillis;

  public UpstreamClient(
      Executor io, Metrics metrics, Duration timeout, int attempts, Duration backoff) {
    this.io = io;
    this.metrics = metrics;
    this.timeoutMillis = timeout.toMillis();
    this.attempts = attempts;
    this.backoffMillis = backoff.toMillis();
  }

  /**
   * Resolves {@code qname}/{@code qtype} through {@code route}; completes exceptionally with
   * UpstreamException.
   */
  public CompletableFuture<Message> query(Name qname, int qtype, Router.Route route) {
    return attempt(qname, qtype, route, 0, "no attempt");
  }

  private CompletableFuture<Message> attempt(
      Name qname, int qtype, Router.Route route, int n, String last) {
    if (n >= attempts) {
      metrics.upstreamFailures.increment();
      return CompletableFuture.failedFuture(
          new UpstreamException(
              qname + ": upstream failed after " + attempts + " attempt(s): " + last));
    }
    InetSocketAddress server = route.servers().get(n % route.servers().size());
    CompletableFuture<Object> one = new CompletableFuture<>();
    Runnable task =
        () -> {
          try {
            one.complete(exchange(qname, qtype, route.zone(), server));
          } catch (IOException e) {
            one.complete(
                server + ": " + (e instanceof SocketTimeoutException ? "timeout" : e.toString()));
          } catch (RuntimeException e) {
            one.completeExceptionally(e);
          }
        };
    // The pool's queue is bounded: a refusal must fail this attempt, never leave the future hanging
    // (a retry's
    // submission happens later, on the delaying thread, where nobody would see the exception).
    Executor guarded =
        t -> {
          try {
            io.execute(t);
          } catch (RejectedExecutionException e) {
            one.complete(server + ": upstream worker queue full");
          }
        };
    if (n == 0) {
      guarded.execute(task);
    } else {
      long delay =
          Backoff.delayMillis(
              n - 1, backoffMillis, backoffMillis * 16, ThreadLocalRandom.current().nextDouble());
      CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS, guarded).execute(task);
    }
    return one.thenCompose(
        r ->
            r instanceof Message m
                ? CompletableFuture.completedFuture(m)
                : attempt(qname, qtype, route, n + 1, String.valueOf(r)));
  }

  Message exchange(Name qname, int qtype, Name zone, InetSocketAddress server) throws IOException {
    Message query = new Message(ids.nextInt(0x10000));
    query.getHeader().setFlag(Flags.RD);
    query.addRecord(Record.newRecord(qname, qtype, DClass.IN), Section.QUESTION);
    query.addRecord(new OPTRecord(EDNS_PAYLOAD, 0, 0), Section.ADDITIONAL);
    metrics.upstreamQueries.increment();
    long start = System.nanoTime();
    Message reply = udp(query, server, start);
    if (reply.getHeader().getFlag(Flags.TC)) {
      reply = tcp(query, server);
    }
    metrics.upstreamLatency(System.nanoTime() - start);
    int[] dropped = {0};
    Message clean = ResponseCheck.scrub(reply, zone, dropped);
    metrics.upstreamScrubbed.add(dropped[0]);
    return clean;
  }

  private Message udp(Message query, InetSocketAddress server, long start) throws IOException {
    byte[] out = query.toWire();
    long deadline = start + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(0))) {
      s.connect(server);
      s.send(new DatagramPacket(out, out.length));
      byte[] buf = new byte[65535];
      while (true) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          throw new SocketTimeoutException("timeout");
        }
        s.setSoTimeout((int) Math.max(1, left));
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        s.receive(p);
        Message reply = parse(buf, p.getLength());
        if (reply != null && ResponseCheck.mismatch(query, reply) == null) {
          return reply;
        }
        metrics.upstreamMismatched
            .increment(); // keep listening: a spoofed reply must not end the wait
      }
    }
  }

  private Message tcp(Message query, InetSocketAddress server) throws IOException {
    byte[] out = query.toWire();
    try (Socket s = new Socket()) {
      s.connect(server, (int) timeoutMillis);
      s.setSoTimeout((int) timeoutMillis);
      OutputStream os = s.getOutputStream();
      byte[] framed = new byte[out.length + 2];
      framed[0] = (byte) (out.length >>> 8);
      framed[1] = (byte) out.length;
      System.arraycopy(out, 0, framed, 2, out.length);
      os.write(framed);
      os.flush();
      DataInputStream in = new DataInputStream(s.getInputStream());
      byte[] buf = new byte[in.readUnsignedShort()];
      in.readFully(buf);
      Message reply = parse(buf, buf.length);
      String why = reply == null ? "unparseable" : ResponseCheck.mismatch(query, reply);
      if (why != null) {
        metrics.upstreamMismatched.increment();
        throw new IOException("TCP reply discarded: " + why);
      }
      return reply;
    }
  }

  private static Message parse(byte[] buf, int len) {
    try {
      return new Message(java.util.Arrays.copyOf(buf, len));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
