package dnsplane.enactor.verify;

import dnsplane.enactor.rules.PlanEntry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Verifier asks authdns over DNS what it serves for an endpoint: its A and AAAA answers and the
 * {@code _plan.<endpoint>} TXT marker. authdns follows the change log asynchronously, so {@link
 * #verify} retries until the answer is good or the deadline passes, and judges the last answer.
 */
public final class Verifier {

  /**
   * What authdns answered for one endpoint: rcode (-1 when it did not answer at all), how many A
   * and AAAA records, and the generation its {@code _plan} TXT names (the plan that last changed
   * the addresses; null when there is none).
   */
  public record Observation(int rcode, int addresses, Long generation) {}

  /** Pause between attempts while authdns catches up with the change log. */
  private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private final InetSocketAddress authdns;
  private final Duration deadline;

  public Verifier(InetSocketAddress authdns, Duration deadline) {
    this.authdns = Objects.requireNonNull(authdns, "authdns");
    this.deadline = Objects.requireNonNull(deadline, "deadline");
  }

  public InetSocketAddress authdns() {
    return authdns;
  }

  /** Checks that authdns serves what {@code expected} says (or newer), with addresses. */
  public VerifyVerdict verify(Expectation expected) {
    return verify(expected, System.nanoTime() + deadline.toNanos());
  }

  /**
   * Checks several endpoints under one shared deadline, so a broken authdns (or an emptied zone)
   * costs one deadline per apply, not one per endpoint. Stops at the first Failed verdict.
   */
  public List<VerifyVerdict> verifyAll(List<Expectation> entries) {
    long end = System.nanoTime() + deadline.toNanos();
    List<VerifyVerdict> out = new ArrayList<>();
    for (Expectation e : entries) {
      VerifyVerdict v = verify(e, end);
      out.add(v);
      if (v instanceof VerifyVerdict.Failed) {
        break;
      }
    }
    return out;
  }

  private VerifyVerdict verify(Expectation expected, long end) {
    while (true) {
      Observation o = observe(expected.endpoint());
      VerifyVerdict v =
          VerifyVerdict.judge(expected.marker(), o.rcode(), o.addresses(), o.generation());
      if (!v.alarm() || System.nanoTime() >= end || o.rcode() < 0) {
        return v;
      }
      LockSupport.parkNanos(RETRY_NANOS);
    }
  }

  /** One look: A, AAAA and the TXT marker. */
  public Observation observe(String endpoint) {
    try {
      Name name = Name.fromString(endpoint);
      Message a = query(name, Type.A);
      Message aaaa = query(name, Type.AAAA);
      Message txt = query(Name.fromString(PlanEntry.markerName(endpoint)), Type.TXT);
      int rcode = a.getRcode() != Rcode.NOERROR ? a.getRcode() : aaaa.getRcode();
      int count = count(a, Type.A) + count(aaaa, Type.AAAA);
      Long generation = null;
      for (Record r : txt.getSection(Section.ANSWER)) {
        if (r instanceof TXTRecord t && !t.getStrings().isEmpty()) {
          generation = VerifyVerdict.parseGeneration(t.getStrings().get(0));
        }
      }
      return new Observation(rcode, count, generation);
    } catch (TextParseException e) {
      throw new IllegalArgumentException("not a DNS name: " + endpoint, e);
    } catch (IOException e) {
      return new Observation(-1, 0, null);
    }
  }

  private Message query(Name name, int type) throws IOException {
    SimpleResolver r = new SimpleResolver(authdns);
    r.setTimeout(Duration.ofMillis(500));
    Message q = Message.newQuery(Record.newRecord(name, type, DClass.IN));
    return r.send(q);
  }

  private static int count(Message m, int type) {
    int n = 0;
    for (Record r : m.getSection(Section.ANSWER)) {
      if (r.getType() == type) {
        n++;
      }
    }
    return n;
  }
}
