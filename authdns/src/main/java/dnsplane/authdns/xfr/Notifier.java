package dnsplane.authdns.xfr;

import dnsplane.authdns.tsig.TsigKeys;
import dnsplane.authdns.zone.ZoneSet;
import dnsplane.authdns.zone.ZoneSnapshot;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TSIGRecord;
import org.xbill.DNS.Type;

/**
 * Notifier sends NOTIFY (RFC 1996) to the configured secondaries when a zone's serial changes after
 * a snapshot swap. It works off the query path: the swap only records which zones changed and
 * schedules a tick on the notifier's own thread; a second thread reads the acknowledgements. The
 * timing (coalescing, retries, backoff) is {@link NotifyScheduler}'s, driven by the injected clock.
 *
 * <p>A NOTIFY to a target with a TSIG key is signed with it, and its reply must carry a TSIG that
 * verifies against our request (RFC 8945 §5.3): an unsigned or badly signed reply counts as a
 * failure, as does any rcode other than NOERROR.
 */
public final class Notifier implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);

  private final DatagramChannel socket;
  private final Clock clock;
  private final XfrMetrics metrics;
  private final NotifyScheduler scheduler;
  private final ScheduledExecutorService ticks;
  private final Thread receiver;
  private final Map<InetSocketAddress, TSIG> signers = new HashMap<>();
  // Only touched on the tick thread.
  private final Map<NotifyScheduler.Key, TSIGRecord> sentTsig = new HashMap<>();
  private ZoneSet latest = ZoneSet.empty();
  private ScheduledFuture<?> nextTick;

  private Notifier(
      List<NotifyTarget> targets,
      TsigKeys keys,
      Clock clock,
      XfrMetrics metrics,
      Duration initial,
      int tries)
      throws IOException {
    this.clock = clock;
    this.metrics = metrics;
    for (NotifyTarget t : targets) {
      if (t.key() != null) {
        signers.put(
            t.address(),
            keys.signer(
                keys.key(t.key())
                    .orElseThrow(() -> new IllegalArgumentException("no TSIG key " + t.key()))));
      }
    }
    SecureRandom random = new SecureRandom();
    this.scheduler =
        new NotifyScheduler(
            targets.stream().map(NotifyTarget::address).toList(),
            initial,
            Duration.ofSeconds(30),
            tries,
            random::nextInt);
    this.socket = DatagramChannel.open();
    // Bound to the wildcard: the kernel picks the source address the secondary expects to see
    // (its allow-notify is usually our address on the route to it).
    socket.bind(new InetSocketAddress(0));
    this.ticks = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "authdns-notify"));
    this.receiver = daemon(this::receive, "authdns-notify-acks");
    receiver.start();
  }

  /** A notifier for {@code targets}: 5 attempts, 1 s then doubling, as NSD's notify-retry 5. */
  public static Notifier start(List<InetSocketAddress> targets, Clock clock, XfrMetrics metrics)
      throws IOException {
    return start(unsigned(targets), TsigKeys.none(), clock, metrics, Duration.ofSeconds(1), 5);
  }

  /** Signed NOTIFYs to the targets with a key ({@code keys} has them); 5 attempts from 1 s. */
  public static Notifier start(
      List<NotifyTarget> targets, TsigKeys keys, Clock clock, XfrMetrics metrics)
      throws IOException {
    return new Notifier(targets, keys, clock, metrics, Duration.ofSeconds(1), 5);
  }

  /** Signed, with another first retry delay and attempt count (tests). */
  public static Notifier start(
      List<NotifyTarget> targets,
      TsigKeys keys,
      Clock clock,
      XfrMetrics metrics,
      Duration firstRetry,
      int attempts)
      throws IOException {
    return new Notifier(targets, keys, clock, metrics, firstRetry, attempts);
  }

  private static List<NotifyTarget> unsigned(List<InetSocketAddress> targets) {
    return targets.stream().map(NotifyTarget::unsigned).toList();
  }

  /** With another first retry delay and attempt count (tests). */
  public static Notifier start(
      List<InetSocketAddress> targets,
      Clock clock,
      XfrMetrics metrics,
      Duration firstRetry,
      int attempts)
      throws IOException {
    return new Notifier(unsigned(targets), TsigKeys.none(), clock, metrics, firstRetry, attempts);
  }

  /** Called after each snapshot swap; cheap, never blocks the caller. */
  public void swapped(ZoneSet before, ZoneSet after) {
    ticks.execute(() -> onSwap(before, after));
  }

  private void onSwap(ZoneSet before, ZoneSet after) {
    latest = after;
    Instant now = clock.instant();
    for (Name zone : after.zoneNames()) {
      long serial = after.serial(zone);
      if (serial != before.serial(zone) && after.zone(zone).map(ZoneSnapshot::soa).isPresent()) {
        scheduler.changed(zone, serial, now);
      }
    }
    tick();
  }

  private void tick() {
    Instant now = clock.instant();
    NotifyScheduler.Tick t = scheduler.due(now);
    for (NotifyScheduler.Key k : t.failed()) {
      sentTsig.remove(k);
      metrics.notifyFailed();
      LOG.warn("NOTIFY for {} to {}: no answer, giving up", k.zone(), k.target());
    }
    for (NotifyScheduler.Send s : t.sends()) {
      send(s);
    }
    if (nextTick != null) {
      nextTick.cancel(false);
    }
    nextTick =
        scheduler
            .nextWake()
            .map(
                at ->
                    ticks.schedule(
                        this::tick,
                        Math.max(0, Duration.between(now, at).toMillis()),
                        TimeUnit.MILLISECONDS))
            .orElse(null);
  }

  private void send(NotifyScheduler.Send s) {
    SOARecord soa = latest.zone(s.key().zone()).map(ZoneSnapshot::soa).orElse(null);
    Message m = new Message(s.id());
    m.getHeader().setOpcode(Opcode.NOTIFY);
    m.getHeader().setFlag(Flags.AA);
    m.addRecord(Record.newRecord(s.key().zone(), Type.SOA, DClass.IN), Section.QUESTION);
    if (soa != null) {
      // RFC 1996 §3.7: the new SOA as a hint, so the secondary may skip its own SOA query.
      m.addRecord(soa, Section.ANSWER);
    }
    byte[] wire = m.toWire();
    TSIG signer = signers.get(s.key().target());
    if (signer != null) {
      // Signed by hand rather than with Message.setTSIG, to keep the request's TSIG: the reply's
      // MAC covers it.
      TSIGRecord tsig = signer.generate(m, wire, Rcode.NOERROR, null);
      m.addRecord(tsig, Section.ADDITIONAL);
      wire = m.toWire();
      sentTsig.put(s.key(), tsig);
    }
    try {
      socket.send(ByteBuffer.wrap(wire), s.key().target());
      metrics.notifySent();
      LOG.debug(
          "NOTIFY {} serial {} to {} (attempt {})",
          s.key().zone(),
          s.serial(),
          s.key().target(),
          s.attempt());
    } catch (IOException e) {
      LOG.warn("NOTIFY for {} to {}: {}", s.key().zone(), s.key().target(), e.toString());
    }
  }

  private void receive() {
    ByteBuffer buf = ByteBuffer.allocate(65535);
    while (socket.isOpen()) {
      try {
        buf.clear();
        SocketAddress from = socket.receive(buf);
        buf.flip();
        byte[] bytes = new byte[buf.remaining()];
        buf.get(bytes);
        Message r = new Message(bytes);
        // No question needed: NSD's NOTAUTH to a badly signed NOTIFY has none.
        if (!r.getHeader().getFlag(Flags.QR) || r.getHeader().getOpcode() != Opcode.NOTIFY) {
          continue;
        }
        ticks.execute(() -> answered(r, bytes, (InetSocketAddress) from));
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException | RuntimeException e) {
        // A malformed datagram is ignored; the retry timer covers a lost acknowledgement.
      }
    }
  }

  private void answered(Message r, byte[] wire, InetSocketAddress from) {
    NotifyScheduler.Key key;
    if (r.getQuestion() != null) {
      key = new NotifyScheduler.Key(r.getQuestion().getName(), from);
      if (!scheduler.answered(key.zone(), from, r.getHeader().getID())) {
        return;
      }
    } else {
      key = scheduler.answered(from, r.getHeader().getID()).orElse(null);
      if (key == null) {
        return;
      }
    }
    Name zone = key.zone();
    TSIGRecord sent = sentTsig.remove(key);
    TSIG signer = signers.get(from);
    if (signer != null) {
      int verified = r.getTSIG() == null ? -1 : signer.verify(r, wire, sent);
      if (verified != Rcode.NOERROR) {
        // A reply we cannot authenticate is no acknowledgement; the secondary most likely lacks
        // our key (NSD answers NOTAUTH with the TSIG error, unsigned).
        metrics.notifyTsigFailed();
        metrics.notifyFailed();
        LOG.warn(
            "NOTIFY for {} to {}: reply {} {}",
            zone,
            from,
            Rcode.string(r.getRcode()),
            verified < 0
                ? "unsigned"
                : "fails TSIG check: "
                    + Rcode.TSIGstring(verified)
                    + (r.getTSIG().getError() == 0
                        ? ""
                        : " (its TSIG error: " + Rcode.TSIGstring(r.getTSIG().getError()) + ")"));
        return;
      }
    }
    if (r.getRcode() == Rcode.NOERROR) {
      metrics.notifyAcked();
    } else {
      // The secondary refuses (no allow-notify for us, not its zone): retrying cannot help.
      metrics.notifyFailed();
      LOG.warn("NOTIFY for {} rejected by {}: {}", zone, from, Rcode.string(r.getRcode()));
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Stops sending; pending NOTIFYs are dropped (the secondaries' refresh timers still run). */
  @Override
  public void close() {
    ticks.shutdownNow();
    try {
      socket.close();
      receiver.join(2000);
    } catch (IOException e) {
      // closing: nothing to do
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
