package dnsplane.resolver.upstream;

import dnsplane.resolver.metrics.Metrics;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;

/**
 * UpstreamClient asks one question of a route's servers, asynchronously on its own Netty event
 * loops (epoll where available, NIO otherwise): no thread ever waits for an upstream. Each attempt
 * uses a fresh random query ID on a socket picked at random from a pool of sockets on random
 * ephemeral ports ({@link Lane}), accepts only a reply that matches (others are discarded and
 * counted), falls back to TCP on TC, and removes records outside the zone. Failed attempts are
 * retried on the next server after an exponential backoff with jitter.
 *
 * <p>The returned futures complete on an upstream event loop, so what callers chain onto them must
 * not block either.
 */
public final class UpstreamClient implements AutoCloseable {
  /** Thrown (inside the future) when every attempt failed. */
  public static final class UpstreamException extends Exception {
    UpstreamException(String message) {
      super(message, null, false, false);
    }
  }

  private final EventLoopGroup group;
  private final Lane[] lanes;
  private final Metrics metrics;
  private final int attempts;
  private final long backoffMillis;

  /** One event loop: it does little besides parsing replies. */
  public UpstreamClient(Metrics metrics, Duration timeout, int attempts, Duration backoff) {
    this(metrics, timeout, attempts, backoff, 1);
  }

  public UpstreamClient(
      Metrics metrics, Duration timeout, int attempts, Duration backoff, int threads) {
    this(metrics, timeout, attempts, backoff, threads, Lane.ROTATE_AFTER);
  }

  /** {@code rotateAfter}: queries per socket before it is replaced (tests make it small). */
  UpstreamClient(
      Metrics metrics,
      Duration timeout,
      int attempts,
      Duration backoff,
      int threads,
      int rotateAfter) {
    this.metrics = metrics;
    this.attempts = attempts;
    this.backoffMillis = backoff.toMillis();
    boolean epoll = Epoll.isAvailable();
    this.group =
        new MultiThreadIoEventLoopGroup(
            threads,
            new DefaultThreadFactory("resolver-upstream", true),
            epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    List<Lane> l = new ArrayList<>();
    try {
      for (EventExecutor e : group) {
        l.add(new Lane((EventLoop) e, epoll, metrics, timeout.toMillis(), rotateAfter));
      }
    } catch (RuntimeException e) {
      group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      throw e;
    }
    this.lanes = l.toArray(new Lane[0]);
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
    Exchange x = new Exchange(qname, qtype, route.zone(), server, metrics, one);
    Lane lane = lane();
    Runnable task = () -> lane.send(x);
    try {
      if (n > 0) {
        long delay =
            Backoff.delayMillis(
                n - 1, backoffMillis, backoffMillis * 16, ThreadLocalRandom.current().nextDouble());
        lane.loop().schedule(task, delay, TimeUnit.MILLISECONDS);
      } else if (lane.loop().inEventLoop()) {
        task.run();
      } else {
        lane.loop().execute(task);
      }
    } catch (RejectedExecutionException e) {
      one.complete(server + ": upstream client closed");
    }
    return one.thenCompose(
        r ->
            r instanceof Message m
                ? CompletableFuture.completedFuture(m)
                : attempt(qname, qtype, route, n + 1, String.valueOf(r)));
  }

  /** The lane of the calling thread if it is one of ours (a retry, a refresh), else any. */
  private Lane lane() {
    if (lanes.length == 1) {
      return lanes[0];
    }
    for (Lane l : lanes) {
      if (l.loop().inEventLoop()) {
        return l;
      }
    }
    return lanes[ThreadLocalRandom.current().nextInt(lanes.length)];
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
