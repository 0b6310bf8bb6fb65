package dnsplane.resolver.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;

/**
 * Error replies are built from what the fast parser read, never from a second parse of the whole
 * query.
 */
class ResponsesTest {
  /**
   * Fuzz finding R2's second half: the SERVFAIL fallback re-parsed the whole query, so a query the
   * fast parser took and dnsjava refused (then: a malformed EDNS option) got no reply at all. The
   * error reply needs the question only; the query's OPT record is never read again.
   */
  @Test
  void anErrorReplyReadsOnlyTheQuestion() throws Exception {
    // a.sub.aws.test. A IN, then an OPT whose RDATA is a lone octet
    byte[] raw =
        HexFormat.of()
            .parseHex(
                "123501000001000000000001016103737562036177730474657374000001000100002904d00000000000010c");
    int questionEnd = 12 + 16 + 4;
    // the record as a fast parser with a gap in its checks would build it
    WireQuery q =
        new WireQuery(
            raw,
            0x1235,
            true,
            false,
            questionEnd,
            QuestionKey.of(Arrays.copyOfRange(raw, 12, questionEnd - 4), 1, 1),
            true,
            1232);
    byte[] reply = Responses.error(q, Rcode.SERVFAIL);
    Message m = new Message(reply);
    assertEquals(Rcode.SERVFAIL, m.getRcode());
    assertEquals(0x1235, m.getHeader().getID());
    assertNotNull(m.getOPT(), "EDNS echoed");
    assertArrayEquals(
        Arrays.copyOfRange(raw, 12, questionEnd),
        Arrays.copyOfRange(reply, 12, questionEnd),
        "the question, byte for byte");
  }
}
